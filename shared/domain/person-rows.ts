import { maxMetricValue } from './aggregation';
import { findMetric } from './metrics';
import { isCalendarDate, isSunday } from './weeks';

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

export type ParsedRow =
  | { kind: 'row'; employeeKey: string; metricDate: string; values: Record<string, number> }
  | { kind: 'inactive' }
  | { kind: 'invalid'; reason: string };

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

const isBlank = (field: Field): field is null | undefined | '' => field === null || field === undefined || (typeof field === 'string' && field.trim() === '');
const show = (field: Field) => (typeof field === 'string' ? JSON.stringify(field) : String(field));

function parseActive(field: Field): boolean | 'unknown' {
  if (isBlank(field)) return true;
  const text = String(field).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return 'unknown';
}

// The time part some exports append (OData DateTimeOffset, spreadsheet round trips) names no other day.
const isoDate = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const usDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function parseMetricDate(field: Field): { date: string } | { reason: string } {
  const text = typeof field === 'string' ? field.trim() : '';
  const us = usDate.exec(text);
  const date = isoDate.exec(text)?.[1] ?? (us ? `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` : undefined);
  if (date === undefined) return { reason: `MetricDate ${show(field)} is not a date (YYYY-MM-DD or M/D/YYYY)` };
  if (!isCalendarDate(date)) return { reason: `MetricDate ${show(field)} is not a calendar date` };
  if (!isSunday(date)) return { reason: `MetricDate ${show(field)} is not a Sunday (Insights weeks are named by their Sunday)` };
  return { date };
}

// Plain decimals only: Number() alone would also take "0x1A", "Infinity" and "".
const decimalNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseValue(field: Exclude<Field, null | undefined>): number | string {
  const value = typeof field === 'number' ? field : typeof field === 'string' && decimalNumber.test(field.trim()) ? Number(field.trim()) : NaN;
  if (Number.isNaN(value)) return 'is not a number';
  if (!Number.isFinite(value)) return 'is not finite';
  if (value < 0) return 'is negative';
  if (value > maxMetricValue) return `exceeds the largest accepted value ${maxMetricValue}`;
  return value;
}

export function parseRecord(record: RawRecord, columns: ColumnMap): ParsedRow {
  // Inactive rows are skipped whatever else they hold: SPEC 9 leaves them out of every mean.
  if (columns.isActive !== null) {
    const active = parseActive(record[columns.isActive]);
    if (active === 'unknown') return { kind: 'invalid', reason: `${columns.isActive} ${show(record[columns.isActive])} is neither true nor false` };
    if (!active) return { kind: 'inactive' };
  }

  const keyField = record[columns.employeeKey];
  const employeeKey = isBlank(keyField) ? '' : String(keyField).trim().toLowerCase();
  if (employeeKey === '') return { kind: 'invalid', reason: `${columns.employeeKey} is empty` };

  const metricDate = parseMetricDate(record[columns.metricDate]);
  if ('reason' in metricDate) return { kind: 'invalid', reason: metricDate.reason };

  const values: Record<string, number> = {};
  for (const [metricId, header] of Object.entries(columns.metrics)) {
    const field = record[header];
    if (isBlank(field)) continue;
    const value = parseValue(field);
    if (typeof value === 'string') return { kind: 'invalid', reason: `${header} ${show(field)} ${value}` };
    values[metricId] = value;
  }
  return { kind: 'row', employeeKey, metricDate: metricDate.date, values };
}
