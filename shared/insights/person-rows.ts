import { maxMetricValue } from '../domain/aggregation';
import { isWellFormedText, normalizeIdentifier } from '../domain/identifiers';
import { findMetric } from '../domain/metrics';
import { isCalendarDate, isSunday, toDayNumber } from '../domain/weeks';

// Rows of a Viva Insights person query (SPEC sections 9 and 10): which headers carry the employee key,
// the week and the requested metrics, and what one record means. CSV fields arrive as strings,
// JSON/OData fields as strings, numbers, booleans or null.

export type RawRecord = Record<string, string | number | boolean | null | undefined>;

export interface ColumnMap {
  employeeKey: string;
  metricDate: string;
  isActive: string | null;
  /** metricId → the header that carries it. */
  metrics: Record<string, string>;
  /** Requested metrics the query has no column for: those employees simply get no value. */
  missingMetrics: string[];
}

export type ParsedRow = { kind: 'row'; employeeKey: string; metricDate: string; values: Record<string, number> } | { kind: 'inactive' } | Invalid;

/** A person query the import cannot use at all (as opposed to an invalid row, which is skipped). */
export class ColumnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColumnError';
  }
}

const metricDateColumns = ['MetricDate', 'Date'];
const isActiveColumns = ['IsActive'];

/** The vivainsights "cleaned" form, case-folded, so display and cleaned names meet. */
function normalizeColumn(name: string): string {
  return name.trim().replace(/[ \-:,().]/g, '_').toLowerCase();
}

export function resolveColumns(headers: readonly string[], options: { employeeKeyColumn: string; metricIds: readonly string[] }): ColumnMap {
  const byNormalized = new Map<string, string>();
  for (const header of headers) {
    const key = normalizeColumn(header);
    // The first of two headers that clean to the same name wins, as a reader would expect.
    if (key !== '' && !byNormalized.has(key)) byNormalized.set(key, header);
  }
  // Candidates are in order of preference: the catalog's current name before its legacy names.
  const find = (candidates: readonly string[]) => {
    for (const candidate of candidates) {
      const header = byNormalized.get(normalizeColumn(candidate));
      if (header !== undefined) return header;
    }
    return null;
  };

  const employeeKey = find([options.employeeKeyColumn]);
  if (employeeKey === null) throw new ColumnError(`The person query has no "${options.employeeKeyColumn}" column (the employee key column of the Insights source).`);
  const metricDate = find(metricDateColumns);
  if (metricDate === null) throw new ColumnError('The person query has no "MetricDate" (or legacy "Date") column.');

  const metrics: Record<string, string> = {};
  const missingMetrics: string[] = [];
  for (const metricId of new Set(options.metricIds)) {
    const header = find(findMetric(metricId)?.columns ?? []);
    if (header === null) missingMetrics.push(metricId);
    else metrics[metricId] = header;
  }
  return { employeeKey, metricDate, isActive: find(isActiveColumns), metrics, missingMetrics };
}

type Field = RawRecord[string];

/** Why a row is skipped as invalid, in words an administrator can act on. */
export interface Invalid {
  kind: 'invalid';
  reason: string;
}

const invalid = (reason: string): Invalid => ({ kind: 'invalid', reason });
const isBlank = (field: Field): field is null | undefined | '' => field === null || field === undefined || (typeof field === 'string' && field.trim() === '');
const show = (field: Field) => (typeof field === 'string' ? JSON.stringify(field) : String(field));

// Each part of a row is read by one function below, whichever reader (a record here, a CSV text row in
// text-rows.ts) holds the field, so both give the same rows and the same reasons.

/** Blank means active: exports without activity flags leave the column empty. */
export function readActive(header: string, field: Field): boolean | Invalid {
  if (isBlank(field)) return true;
  const text = String(field).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return invalid(`${header} ${show(field)} is neither true nor false`);
}

export function readEmployeeKey(header: string, field: Field): string | Invalid {
  const employeeKey = isBlank(field) ? '' : normalizeIdentifier(String(field));
  if (!isWellFormedText(employeeKey)) return invalid(`${header} is not valid Unicode`);
  return employeeKey === '' ? invalid(`${header} is empty`) : employeeKey;
}

// The time part some exports append (OData DateTimeOffset, spreadsheet round trips) names no other day.
const isoDate = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const usDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

export interface MetricDate {
  /** The week's Sunday, YYYY-MM-DD. */
  date: string;
  /** The same Sunday as a day number (days since 1970-01-01). */
  day: number;
}

// Millions of rows spell a few dozen weeks: each spelling's verdict is remembered (results are
// immutable, so sharing them is safe). Bounded, so a stream of distinct spellings cannot grow it.
const metricDates = new Map<string, MetricDate | Invalid>();
const maxRememberedSpellings = 4096;

export function readMetricDate(field: Field): MetricDate | Invalid {
  if (typeof field !== 'string') return metricDateOf(field);
  const remembered = metricDates.get(field);
  if (remembered !== undefined) return remembered;
  const read = metricDateOf(field);
  if (metricDates.size >= maxRememberedSpellings) metricDates.clear();
  metricDates.set(field, read);
  return read;
}

function metricDateOf(field: Field): MetricDate | Invalid {
  const text = typeof field === 'string' ? field.trim() : '';
  const us = usDate.exec(text);
  const date = isoDate.exec(text)?.[1] ?? (us ? `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` : undefined);
  if (date === undefined) return invalid(`MetricDate ${show(field)} is not a date (YYYY-MM-DD or M/D/YYYY)`);
  if (!isCalendarDate(date)) return invalid(`MetricDate ${show(field)} is not a calendar date`);
  if (!isSunday(date)) return invalid(`MetricDate ${show(field)} is not a Sunday (Insights weeks are named by their Sunday)`);
  return { date, day: toDayNumber(date) };
}

// Plain decimals only: Number() alone would also take "0x1A", "Infinity" and "".
const decimalNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A metric's weekly value; undefined when blank (no value that week, which is not an error). */
export function readValue(header: string, field: Field): number | undefined | Invalid {
  if (isBlank(field)) return undefined;
  const value = typeof field === 'number' ? field : typeof field === 'string' && decimalNumber.test(field.trim()) ? Number(field.trim()) : NaN;
  const fault = Number.isNaN(value)
    ? 'is not a number'
    : !Number.isFinite(value)
      ? 'is not finite'
      : value < 0
        ? 'is negative'
        : value > maxMetricValue
          ? `exceeds the largest accepted value ${maxMetricValue}`
          : undefined;
  return fault === undefined ? value : invalid(`${header} ${show(field)} ${fault}`);
}

export function parseRecord(record: RawRecord, columns: ColumnMap): ParsedRow {
  // Inactive rows are skipped whatever else they hold: SPEC 9 leaves them out of every mean.
  if (columns.isActive !== null) {
    const active = readActive(columns.isActive, record[columns.isActive]);
    if (active !== true) return active === false ? { kind: 'inactive' } : active;
  }

  const employeeKey = readEmployeeKey(columns.employeeKey, record[columns.employeeKey]);
  if (typeof employeeKey !== 'string') return employeeKey;

  const metricDate = readMetricDate(record[columns.metricDate]);
  if ('reason' in metricDate) return metricDate;

  const values: Record<string, number> = {};
  for (const [metricId, header] of Object.entries(columns.metrics)) {
    const value = readValue(header, record[header]);
    if (typeof value === 'object') return value;
    if (value !== undefined) values[metricId] = value;
  }
  return { kind: 'row', employeeKey, metricDate: metricDate.date, values };
}
