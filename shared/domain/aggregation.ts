import { fromDayNumber, toDayNumber } from './weeks';

// Per-employee 12-week means and their buckets (SPEC section 9). A mean that equals a maximum exactly
// belongs to the higher bucket, so nothing here divides or sums binary fractions: every value is
// rounded once to an integer number of nano-units (1e-9), and sums and comparisons are on integers.

/**
 * The largest accepted weekly value. Exactness needs every sum of nano-units to stay below 2^53:
 * 1e5 * 1e9 = 1e14 per week leaves room for 90 weeks, well beyond a 12-week window (1e6 would
 * overflow exactness after 9 weeks). Weekly hours and network sizes are far below it.
 */
export const maxMetricValue = 100_000;

const nanoPerUnit = 1e9;

/** Exact for values up to maxMetricValue with at most 9 decimals: the product's error stays below 0.5. */
export function toNano(value: number): number {
  return Math.round(value * nanoPerUnit);
}

const maxValueNano = toNano(maxMetricValue);
const maxWindowWeeks = Math.floor(Number.MAX_SAFE_INTEGER / maxValueNano);

export interface Aggregate {
  sumNano: number;
  weeks: number;
}

export type Bucket = 1 | 2 | 3 | 4;

function assertHasWeeks({ sumNano, weeks }: Aggregate): void {
  if (!Number.isSafeInteger(weeks) || weeks < 1) throw new RangeError(`an aggregate needs at least one week, got ${weeks}`);
  if (!Number.isSafeInteger(sumNano) || sumNano < 0) throw new RangeError(`sumNano must be a non-negative safe integer, got ${sumNano}`);
}

/** For display only: buckets come from bucketOf, which never divides. */
export function meanOf(aggregate: Aggregate): number {
  assertHasWeeks(aggregate);
  return aggregate.sumNano / aggregate.weeks / nanoPerUnit;
}

/**
 * mean < m ⟺ sumNano < toNano(m) * weeks, both sides integers. The product is exact up to 2^53;
 * above that it still exceeds every possible sum, which stays below 2^53, so the comparison holds.
 */
export function bucketOf(aggregate: Aggregate, max: readonly [number, number, number]): Bucket {
  assertHasWeeks(aggregate);
  const below = (m: number) => aggregate.sumNano < toNano(m) * aggregate.weeks;
  if (below(max[0])) return 1;
  if (below(max[1])) return 2;
  if (below(max[2])) return 3;
  return 4;
}

export interface WindowRow {
  employeeKey: string;
  metricDate: string;
  values: Readonly<Record<string, number>>;
}

export interface WindowAggregatorOptions {
  /** Sunday dates, both inclusive. */
  window: { from: string; to: string };
  metricIds: readonly string[];
}

/**
 * Non-negative nano values below 2^48 (every value is at most 1e14 < 2^47), 6 bytes a cell instead of
 * a float64's 8: a 32-bit low part and a 16-bit high part, whose all-ones pattern marks an absent cell.
 * Cells live in fixed blocks, so growing never copies the arena at twice its size.
 */
class NanoCells {
  // A power of two, so a cell is found by a shift and a mask rather than a division: every row
  // touches ten cells. Indices stay below 2^32 (that would be 24 GB of cells).
  private static readonly blockBits = 17;
  private static readonly blockCells = 1 << NanoCells.blockBits;
  private static readonly absentHigh = 0xffff;
  private static readonly lowRange = 2 ** 32;
  private readonly low: Uint32Array[] = [];
  private readonly high: Uint16Array[] = [];
  private length = 0;

  /** Appends `count` absent cells and returns the index of the first. */
  append(count: number): number {
    const first = this.length;
    this.length += count;
    while (this.low.length * NanoCells.blockCells < this.length) {
      this.low.push(new Uint32Array(NanoCells.blockCells));
      this.high.push(new Uint16Array(NanoCells.blockCells).fill(NanoCells.absentHigh));
    }
    return first;
  }

  /** The sum and the number of the cells from `start` that have a value, but for those `skip` marks. */
  sum(start: number, count: number, skip?: readonly boolean[]): Aggregate {
    let sumNano = 0;
    let weeks = 0;
    for (let index = start; index < start + count; index++) {
      if (skip?.[index - start]) continue;
      const block = index >>> NanoCells.blockBits;
      const at = index & (NanoCells.blockCells - 1);
      const high = this.high[block]![at]!;
      if (high === NanoCells.absentHigh) continue;
      sumNano += high * NanoCells.lowRange + this.low[block]![at]!;
      weeks++;
    }
    return { sumNano, weeks };
  }

  /** The cell's nano value, NaN when absent. */
  get(index: number): number {
    const block = index >>> NanoCells.blockBits;
    const at = index & (NanoCells.blockCells - 1);
    const high = this.high[block]![at]!;
    return high === NanoCells.absentHigh ? NaN : high * NanoCells.lowRange + this.low[block]![at]!;
  }

  /** Sets the cell to `nano` unless it already holds a larger or equal value. */
  keepLarger(index: number, nano: number): void {
    const block = index >>> NanoCells.blockBits;
    const at = index & (NanoCells.blockCells - 1);
    const highs = this.high[block]!;
    const lows = this.low[block]!;
    const previousHigh = highs[at]!;
    if (previousHigh !== NanoCells.absentHigh && nano <= previousHigh * NanoCells.lowRange + lows[at]!) return;
    const high = Math.floor(nano / NanoCells.lowRange);
    highs[at] = high;
    lows[at] = nano - high * NanoCells.lowRange;
  }
}

/**
 * Streams person-query rows of one window into per-employee, per-metric sums.
 *
 * Each (employee, metric, week) cell keeps its nano value, because a week must count once even when
 * the source repeats its row (overlapping pages or exports), and resolving a repeat that disagrees
 * needs the value seen before. Duplicate rule, independent of row order: a week has a value if any of
 * its rows has one, and when they disagree the largest value wins.
 *
 * Memory: 6 bytes per (employee, requested metric, window week) plus one map entry per employee, and
 * no per-row state: 100,000 employees × 10 metrics × 12 weeks ≈ 72 MB of cells (≈ 80 MB measured).
 */
export class WindowAggregator {
  /** The metrics in the order addWeek takes their values. */
  readonly metricIds: readonly string[];
  private readonly from: string;
  private readonly to: string;
  private readonly fromDay: number;
  private readonly toDay: number;
  private readonly weekCount: number;
  private readonly metricIndex: ReadonlyMap<string, number>;
  /** employeeKey → index of the employee's first cell; cells run metric by metric, week by week. */
  private readonly firstCell = new Map<string, number>();
  private readonly cells = new NanoCells();
  /** The last employee added and their first cell: an export lists an employee's weeks together. */
  private lastKey: string | undefined;
  private lastFirstCell = 0;
  /** add's values in addWeek's order, reused: add is called once per row. */
  private readonly rowNanos: Float64Array;

  constructor({ window, metricIds }: WindowAggregatorOptions) {
    const fromDay = toDayNumber(window.from);
    const toDay = toDayNumber(window.to);
    const span = (toDay - fromDay) / 7;
    if (!Number.isInteger(span) || span < 0) throw new RangeError(`window ${window.from}..${window.to} is not a whole number of weeks`);
    this.weekCount = span + 1;
    if (this.weekCount > maxWindowWeeks) throw new RangeError(`a window of ${this.weekCount} weeks exceeds ${maxWindowWeeks}, beyond which sums lose exactness`);
    this.from = window.from;
    this.to = window.to;
    this.fromDay = fromDay;
    this.toDay = toDay;
    this.metricIds = [...new Set(metricIds)];
    this.metricIndex = new Map(this.metricIds.map((id, i) => [id, i]));
    this.rowNanos = new Float64Array(this.metricIds.length);
  }

  get size(): number {
    return this.firstCell.size;
  }

  /** Whether the employee has a row in the window. */
  has(employeeKey: string): boolean {
    return this.firstCell.has(employeeKey);
  }

  /** Values of metrics not asked for are ignored; an in-window row without values still counts its employee. */
  add(row: WindowRow): 'used' | 'outside-window' {
    if (row.metricDate < this.from || row.metricDate > this.to) return 'outside-window';
    this.rowNanos.fill(NaN);
    for (const metricId in row.values) {
      const metric = this.metricIndex.get(metricId);
      if (metric === undefined) continue;
      const value = row.values[metricId]!;
      // NaN here is a broken value, not addWeek's "no value".
      if (Number.isNaN(value)) throw new RangeError(`${metricId} value ${value} is outside 0..${maxMetricValue}`);
      this.rowNanos[metric] = toNano(value);
    }
    return this.addWeek(row.employeeKey, toDayNumber(row.metricDate), this.rowNanos);
  }

  /**
   * add for a row already read to numbers: its week by the Sunday's day number, and `nanos[i]` the
   * value of metricIds[i] in nano-units, NaN when the row has none.
   */
  addWeek(employeeKey: string, day: number, nanos: ArrayLike<number>): 'used' | 'outside-window' {
    if (day < this.fromDay || day > this.toDay) return 'outside-window';
    const week = (day - this.fromDay) / 7;
    if (!Number.isInteger(week)) throw new RangeError(`metricDate ${fromDayNumber(day)} is not a Sunday of the window`);
    let first = employeeKey === this.lastKey ? this.lastFirstCell : this.firstCell.get(employeeKey);
    if (first === undefined) {
      first = this.cells.append(this.metricIds.length * this.weekCount);
      this.firstCell.set(employeeKey, first);
    }
    this.lastKey = employeeKey;
    this.lastFirstCell = first;
    for (let metric = 0; metric < this.metricIds.length; metric++) {
      const nano = nanos[metric]!;
      if (Number.isNaN(nano)) continue;
      if (!(nano >= 0 && nano <= maxValueNano && Math.floor(nano) === nano)) {
        throw new RangeError(`${this.metricIds[metric]} value ${nano / nanoPerUnit} is outside 0..${maxMetricValue}`);
      }
      this.cells.keepLarger(first + metric * this.weekCount + week, nano);
    }
    return 'used';
  }

  /** Every employee's key, in ascending order (UTF-16 code units), so consumers cut deterministic chunks. */
  keys(): string[] {
    return [...this.firstCell.keys()].sort();
  }

  /** The number of weeks of the window. */
  get weeks(): number {
    return this.weekCount;
  }

  /** An employee's sums per metric; only metrics with at least one week appear. `skip[w]` leaves week w out. */
  aggregateOf(employeeKey: string, skip?: readonly boolean[]): Record<string, Aggregate> {
    const first = this.firstCell.get(employeeKey);
    return first === undefined ? {} : this.aggregateAt(first, skip);
  }

  /**
   * An employee's weekly nano values of one metric, week by week (NaN: no value; all NaN for a
   * stranger), written into `into` when given: called for every employee, it need not allocate.
   */
  weekValuesOf(employeeKey: string, metricId: string, into = new Float64Array(this.weekCount)): Float64Array {
    into.fill(NaN);
    const first = this.firstCell.get(employeeKey);
    const metric = this.metricIndex.get(metricId);
    if (first === undefined || metric === undefined) return into;
    for (let week = 0; week < this.weekCount; week++) into[week] = this.cells.get(first + metric * this.weekCount + week);
    return into;
  }

  /** Per week: whether any of `metricIds` has a value for the employee that week. */
  weeksWithValue(employeeKey: string, metricIds: readonly string[]): boolean[] {
    const weeks = new Array<boolean>(this.weekCount).fill(false);
    const first = this.firstCell.get(employeeKey);
    if (first === undefined) return weeks;
    for (const metricId of metricIds) {
      const metric = this.metricIndex.get(metricId);
      if (metric === undefined) continue;
      for (let week = 0; week < this.weekCount; week++) {
        if (!weeks[week] && !Number.isNaN(this.cells.get(first + metric * this.weekCount + week))) weeks[week] = true;
      }
    }
    return weeks;
  }

  /** Every employee with their sums, in key order. */
  *employees(): IterableIterator<[string, Record<string, Aggregate>]> {
    for (const employeeKey of this.keys()) yield [employeeKey, this.aggregateOf(employeeKey)];
  }

  private aggregateAt(first: number, skip?: readonly boolean[]): Record<string, Aggregate> {
    const metrics: Record<string, Aggregate> = {};
    for (let metric = 0; metric < this.metricIds.length; metric++) {
      const aggregate = this.cells.sum(first + metric * this.weekCount, this.weekCount, skip);
      if (aggregate.weeks > 0) metrics[this.metricIds[metric]!] = aggregate;
    }
    return metrics;
  }
}
