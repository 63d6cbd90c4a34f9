// Viva Insights weeks (SPEC section 9): a week runs Sunday 00:00 UTC to the next Sunday and is named
// by its Sunday. Dates are `YYYY-MM-DD` strings (UTC calendar dates); arithmetic is on whole days.

const dayMs = 86_400_000;

// A person query names a few dozen weeks in millions of rows, and the regex, Date and ISO round trip
// behind a day number cost about a microsecond: each valid date's number is remembered. Bounded, so
// a stream of distinct dates cannot grow it; clearing only costs recomputation.
const dayNumbers = new Map<string, number>();
const maxRememberedDates = 4096;

export function toDayNumber(date: string): number {
  const remembered = dayNumbers.get(date);
  if (remembered !== undefined) return remembered;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const roundTrip = new Date(ms).toISOString().slice(0, 10);
  if (roundTrip !== date) throw new Error(`not a calendar date: ${date}`);
  if (dayNumbers.size >= maxRememberedDates) dayNumbers.clear();
  dayNumbers.set(date, ms / dayMs);
  return ms / dayMs;
}

export function fromDayNumber(day: number): string {
  return new Date(day * dayMs).toISOString().slice(0, 10);
}

export function isCalendarDate(date: string): boolean {
  try {
    toDayNumber(date);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/** 0 = Sunday. 1970-01-01 (day 0) was a Thursday. */
export function dayOfWeek(date: string): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

export function isSunday(date: string): boolean {
  return dayOfWeek(date) === 0;
}

export function sundayOnOrBefore(date: string): string {
  return addDays(date, -dayOfWeek(date));
}

export interface CycleDates {
  startDate: string;
  endDate: string;
}

/** `first`: the Sunday on or before startDate; `last`: the Sunday on or before endDate. */
export function cycleSundays(cycle: CycleDates): { first: string; last: string } {
  return { first: sundayOnOrBefore(cycle.startDate), last: sundayOnOrBefore(cycle.endDate) };
}

export const windowWeeks = 12;

/**
 * The weeks a run dated `runDate` imports for a cycle: the 12 Sundays in [E - 84 days, E), where
 * E = min(runDate, last). `from` and `to` are the first and the last of those Sundays.
 */
export function importWindow(runDate: string, last: string): { from: string; to: string; end: string } {
  const end = runDate < last ? runDate : last;
  return { from: addDays(end, -7 * windowWeeks), to: addDays(end, -7), end };
}

/** The same calendar day `months` earlier, clamped to the month's last day (2024-02-29 - 12 → 2023-02-28). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromDayNumber(Date.UTC(year, month, Math.min(d, lastDay)) / dayMs);
}

export interface BackfillChoice<C extends CycleDates> {
  cycle: C;
  runDate: string;
}

/**
 * Backfill on enable (SPEC section 8): of the cycles that have started, the two with the latest
 * startDate whose endDate is within the last 24 months. Each runs once with D = last; a cycle still
 * open runs with the latest Sunday instead (its later weeks do not exist yet) and the Sunday schedule
 * carries it on.
 */
export function backfillCycles<C extends CycleDates>(cycles: readonly C[], today: string): BackfillChoice<C>[] {
  const horizon = monthsBefore(today, 24);
  const latestSunday = sundayOnOrBefore(today);
  return cycles
    .filter((c) => c.startDate <= today && c.endDate >= horizon)
    .sort((a, b) => (a.startDate < b.startDate ? 1 : a.startDate > b.startDate ? -1 : 0))
    .slice(0, 2)
    .map((cycle) => {
      const { last } = cycleSundays(cycle);
      return { cycle, runDate: last < latestSunday ? last : latestSunday };
    });
}
