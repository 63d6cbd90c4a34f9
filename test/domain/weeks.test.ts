import fc from 'fast-check';
import { addDays, backfillCycles, cycleSundays, dayOfWeek, importWindow, isSunday, monthsBefore, sundayOnOrBefore, toDayNumber } from '../../shared/domain/weeks';

describe('Sunday weeks', () => {
  it('knows the day of the week of a date', () => {
    expect(dayOfWeek('2024-10-06')).toBe(0);
    expect(dayOfWeek('2024-10-08')).toBe(2);
    expect(dayOfWeek('1969-12-28')).toBe(0);
    expect(isSunday('2022-05-01')).toBe(true);
  });

  it('rejects dates that are not calendar dates', () => {
    expect(() => toDayNumber('2026-02-30')).toThrow(/calendar date/);
    expect(() => toDayNumber('10/8/2024')).toThrow(/YYYY-MM-DD/);
  });

  it('follows the seed example: cycle 2024-10-08 → 2024-10-15', () => {
    const cycle = { startDate: '2024-10-08', endDate: '2024-10-15' };
    expect(cycleSundays(cycle)).toEqual({ first: '2024-10-06', last: '2024-10-13' });
    // The run of 2024-10-06 uses the weeks 2024-07-14 … 2024-09-29.
    expect(importWindow('2024-10-06', '2024-10-13')).toMatchObject({ from: '2024-07-14', to: '2024-09-29' });
    // The run of 2024-10-13 uses 2024-07-21 … 2024-10-06; data after the last Sunday is never included.
    expect(importWindow('2024-10-13', '2024-10-13')).toMatchObject({ from: '2024-07-21', to: '2024-10-06' });
    expect(importWindow('2024-10-27', '2024-10-13')).toMatchObject({ from: '2024-07-21', to: '2024-10-06' });
  });

  it('a window is always 12 consecutive Sundays ending before min(D, last)', () => {
    const sunday = fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2020-01-05', 7 * n));
    fc.assert(
      fc.property(sunday, sunday, (runDate, last) => {
        const { from, to } = importWindow(runDate, last);
        const end = runDate < last ? runDate : last;
        expect(isSunday(from) && isSunday(to)).toBe(true);
        expect(toDayNumber(to) - toDayNumber(from)).toBe(7 * 11);
        expect(to < end).toBe(true);
        expect(addDays(to, 7)).toBe(end);
      }),
    );
  });

  it('the Sunday on or before any date is a Sunday at most 6 days earlier', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20000, max: 40000 }), (n) => {
        const date = addDays('1970-01-01', n);
        const sunday = sundayOnOrBefore(date);
        expect(isSunday(sunday)).toBe(true);
        expect(toDayNumber(date) - toDayNumber(sunday)).toBeGreaterThanOrEqual(0);
        expect(toDayNumber(date) - toDayNumber(sunday)).toBeLessThan(7);
      }),
    );
  });
});

describe('backfill on enable', () => {
  const cycle = (cycleId: string, startDate: string, endDate: string) => ({ cycleId, startDate, endDate });

  it('takes the two latest started cycles whose end is within 24 months, each with D = last', () => {
    const cycles = [
      cycle('too-old', '2024-10-08', '2024-10-15'),
      cycle('a', '2025-03-03', '2025-03-17'),
      cycle('b', '2025-10-06', '2025-10-20'),
      cycle('c', '2026-03-02', '2026-03-16'),
      cycle('not-started', '2026-12-01', '2026-12-15'),
    ];
    expect(backfillCycles(cycles, '2026-11-24').map((c) => [c.cycle.cycleId, c.runDate])).toEqual([
      ['c', '2026-03-15'],
      ['b', '2025-10-19'],
    ]);
  });

  it('counts 24 months back by calendar, and runs a still-open cycle with the latest Sunday', () => {
    expect(monthsBefore('2026-11-24', 24)).toBe('2024-11-24');
    expect(monthsBefore('2024-02-29', 12)).toBe('2023-02-28');
    const onTheEdge = backfillCycles([cycle('edge', '2024-11-01', '2024-11-24')], '2026-11-24');
    expect(onTheEdge.map((c) => c.cycle.cycleId)).toEqual(['edge']);
    expect(backfillCycles([cycle('gone', '2024-11-01', '2024-11-23')], '2026-11-24')).toEqual([]);
    const open = backfillCycles([cycle('open', '2026-11-10', '2026-12-10')], '2026-11-24');
    expect(open).toEqual([{ cycle: expect.objectContaining({ cycleId: 'open' }), runDate: '2026-11-22' }]);
  });
});
