import { maxMetricValue, toNano } from '../domain/aggregation';
import { readActive, readEmployeeKey, readMetricDate, readValue, type ColumnMap, type Invalid } from './person-rows';

// Person-query rows of a text export (CSV) read straight from its bytes. An export runs to millions of
// rows; building an object and a dozen strings for each cost more than everything else the import does
// with it. The fields that matter almost always have one plain spelling (2026-08-16, TRUE, 3.45), which
// is read here from the bytes; any other spelling is decoded and read by person-rows.ts, so the rows,
// values and reasons are those of parseRecord on the same record (test/insights/text-rows.test.ts).

/**
 * A page of text rows, every row with one field per header. Row r's field c is the UTF-8 bytes
 * bytes[bounds[2 * (r * headers.length + c)] .. bounds[2 * (r * headers.length + c) + 1]), unquoted
 * and unescaped.
 */
export interface TextRows {
  readonly headers: readonly string[];
  readonly length: number;
  readonly bytes: Uint8Array;
  readonly bounds: Int32Array;
  /** The field as a string. */
  text(row: number, column: number): string;
}

export type TextRowKind = 'row' | 'inactive' | 'invalid';

const zero = 0x30;
const nine = 0x39;
const dot = 0x2e;
const dash = 0x2d;
/** ASCII letters to lower case: a bit that upper-case letters lack. */
const lowerCaseBit = 0x20;
const nanoScale = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];
const maxValueNano = toNano(maxMetricValue);
// Long keys are read again each row rather than compared: person ids and e-mail addresses are short.
const maxRememberedKeyBytes = 256;
const maxRememberedSundays = 4096;

/**
 * Reads one row at a time into its fields (employeeKey, day, nanos, reason), which hold until the next
 * read: pages hold thousands of rows, and a result object per row is what this reader exists to avoid.
 */
export class TextRowReader {
  /** After 'row': the employee's key, trimmed and lower-cased. */
  employeeKey = '';
  /** After 'row': the week's Sunday as a day number. */
  day = 0;
  /** After 'row': metricIds[i]'s value in nano-units, NaN when the row has none. */
  readonly nanos: Float64Array;
  /** After 'invalid': why. */
  reason = '';

  private readonly width: number;
  private readonly activeColumn: number;
  private readonly keyColumn: number;
  private readonly dateColumn: number;
  /** The requested metrics' columns in the ColumnMap's order (the order parseRecord reports faults in). */
  private readonly valueColumns: number[] = [];
  private readonly valueHeaders: string[] = [];
  /** Where each of valueColumns goes in nanos; -1 for a metric the caller does not aggregate. */
  private readonly valueSlots: number[] = [];
  private readonly columns: ColumnMap;
  private readonly previousKey = new Uint8Array(maxRememberedKeyBytes);
  private previousKeyLength = -1;
  /** YYYYMMDD of the dates read from their plain spelling → day number; Sundays only. */
  private readonly sundays = new Map<number, number>();

  constructor(headers: readonly string[], columns: ColumnMap, metricIds: readonly string[]) {
    // A record built from a row keeps the last of two equal headers; so does this.
    const columnOf = new Map<string, number>();
    headers.forEach((header, column) => columnOf.set(header, column));
    const column = (header: string) => {
      const found = columnOf.get(header);
      if (found === undefined) throw new RangeError(`the column map names "${header}", which is not a header of these rows`);
      return found;
    };
    this.width = headers.length;
    this.columns = columns;
    this.activeColumn = columns.isActive === null ? -1 : column(columns.isActive);
    this.keyColumn = column(columns.employeeKey);
    this.dateColumn = column(columns.metricDate);
    for (const [metricId, header] of Object.entries(columns.metrics)) {
      this.valueColumns.push(column(header));
      this.valueHeaders.push(header);
      this.valueSlots.push(metricIds.indexOf(metricId));
    }
    this.nanos = new Float64Array(metricIds.length).fill(NaN);
  }

  read(rows: TextRows, row: number): TextRowKind {
    const { bytes, bounds } = rows;
    const first = 2 * row * this.width;

    // Inactive rows are skipped whatever else they hold, as in parseRecord.
    if (this.activeColumn >= 0) {
      const at = first + 2 * this.activeColumn;
      let active: boolean | Invalid | undefined = plainActive(bytes, bounds[at]!, bounds[at + 1]!);
      active ??= readActive(this.columns.isActive!, rows.text(row, this.activeColumn));
      if (active !== true) return active === false ? 'inactive' : this.invalid(active);
    }

    const keyAt = first + 2 * this.keyColumn;
    if (!this.isPreviousKey(bytes, bounds[keyAt]!, bounds[keyAt + 1]!)) {
      const employeeKey = readEmployeeKey(this.columns.employeeKey, rows.text(row, this.keyColumn));
      if (typeof employeeKey !== 'string') return this.invalid(employeeKey);
      this.employeeKey = employeeKey;
      this.rememberKey(bytes, bounds[keyAt]!, bounds[keyAt + 1]!);
    }

    const dateAt = first + 2 * this.dateColumn;
    const plainDate = plainDateNumber(bytes, bounds[dateAt]!, bounds[dateAt + 1]!);
    const day = this.sundays.get(plainDate);
    if (day !== undefined) this.day = day;
    else {
      const metricDate = readMetricDate(rows.text(row, this.dateColumn));
      if ('reason' in metricDate) return this.invalid(metricDate);
      this.day = metricDate.day;
      if (plainDate >= 0) {
        if (this.sundays.size >= maxRememberedSundays) this.sundays.clear();
        this.sundays.set(plainDate, metricDate.day);
      }
    }

    // Slots of metrics without a column stay NaN from the start; every other slot is written here.
    const { valueColumns, valueSlots, nanos } = this;
    for (let i = 0; i < valueColumns.length; i++) {
      const column = valueColumns[i]!;
      const at = first + 2 * column;
      const start = bounds[at]!;
      const end = bounds[at + 1]!;
      let nano = start === end ? NaN : plainDecimalNano(bytes, start, end);
      if (start !== end && !(nano <= maxValueNano)) {
        const value = readValue(this.valueHeaders[i]!, rows.text(row, column));
        if (typeof value === 'object') return this.invalid(value);
        nano = value === undefined ? NaN : toNano(value);
      }
      const slot = valueSlots[i]!;
      if (slot >= 0) nanos[slot] = nano;
    }
    return 'row';
  }

  private invalid({ reason }: Invalid): 'invalid' {
    this.reason = reason;
    return 'invalid';
  }

  /** Rows of one employee usually follow each other: the same bytes give the same key. */
  private isPreviousKey(bytes: Uint8Array, start: number, end: number): boolean {
    const { previousKey, previousKeyLength } = this;
    if (end - start !== previousKeyLength) return false;
    for (let i = 0; i < previousKeyLength; i++) if (bytes[start + i] !== previousKey[i]) return false;
    return true;
  }

  private rememberKey(bytes: Uint8Array, start: number, end: number): void {
    if (end - start > maxRememberedKeyBytes) {
      this.previousKeyLength = -1;
      return;
    }
    this.previousKey.set(bytes.subarray(start, end));
    this.previousKeyLength = end - start;
  }
}

/** true, false, or undefined when the spelling is not one of the plain ones (blank, 1, 0, true, false in any case). */
function plainActive(bytes: Uint8Array, start: number, end: number): boolean | undefined {
  const length = end - start;
  if (length === 0) return true;
  if (length === 1) return bytes[start] === 0x31 ? true : bytes[start] === zero ? false : undefined;
  if (length === 4 && isLowerCaseOf(bytes, start, 'true')) return true;
  if (length === 5 && isLowerCaseOf(bytes, start, 'false')) return false;
  return undefined;
}

/** Whether the bytes are `word` (lower-case ASCII letters) in any case, as toLowerCase would match it. */
function isLowerCaseOf(bytes: Uint8Array, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((bytes[start + i]! | lowerCaseBit) !== word.charCodeAt(i)) return false;
  return true;
}

/** YYYYMMDD for a field spelled exactly YYYY-MM-DD (the digits, not whether it is a date), otherwise -1. */
function plainDateNumber(bytes: Uint8Array, start: number, end: number): number {
  if (end - start !== 10 || bytes[start + 4] !== dash || bytes[start + 7] !== dash) return -1;
  let number = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === dash) continue;
    if (byte < zero || byte > nine) return -1;
    number = number * 10 + (byte - zero);
  }
  return number;
}

/**
 * The exact nano-units of a plain decimal (digits, at most one point, at most 9 decimals, at most 6
 * whole digits), otherwise NaN. Integer arithmetic below 2^53, so exact; toNano of the same decimal's
 * Number gives the same integer up to maxMetricValue (test/insights/text-rows.test.ts).
 */
function plainDecimalNano(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let whole = 0;
  for (; i < end; i++) {
    const digit = bytes[i]! - zero;
    if (digit < 0 || digit > 9) break;
    whole = whole * 10 + digit;
  }
  const wholeDigits = i - start;
  if (wholeDigits > 6) return NaN;
  let fraction = 0;
  let decimals = 0;
  if (i < end && bytes[i] === dot) {
    for (i++; i < end; i++) {
      const digit = bytes[i]! - zero;
      if (digit < 0 || digit > 9) break;
      fraction = fraction * 10 + digit;
      decimals++;
    }
  }
  if (i !== end || decimals > 9 || wholeDigits + decimals === 0) return NaN;
  return whole * 1e9 + fraction * nanoScale[decimals]!;
}
