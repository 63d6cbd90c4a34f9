import { NcrontabSchedule } from '../../local/host/ncrontab';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('NCRONTAB schedules', () => {
  it('"0 0 6 * * 0" yields the next Sundays at 06:00 UTC', () => {
    const schedule = new NcrontabSchedule('0 0 6 * * 0');
    // From a Tuesday.
    expect(iso(schedule.nextN(3, new Date('2026-11-24T10:00:00Z')))).toEqual(['2026-11-29T06:00:00.000Z', '2026-12-06T06:00:00.000Z', '2026-12-13T06:00:00.000Z']);
    // From a Sunday before and exactly at 06:00: the occurrence is strictly after.
    expect(schedule.next(new Date('2026-11-29T05:59:59Z'))?.toISOString()).toBe('2026-11-29T06:00:00.000Z');
    expect(schedule.next(new Date('2026-11-29T06:00:00Z'))?.toISOString()).toBe('2026-12-06T06:00:00.000Z');
    // Across a year end, and in UTC whatever the machine's zone.
    expect(schedule.next(new Date('2026-12-31T23:00:00Z'))?.toISOString()).toBe('2027-01-03T06:00:00.000Z');
    for (const date of schedule.nextN(20, new Date('2026-01-01T00:00:00Z'))) {
      expect(date.getUTCDay()).toBe(0);
      expect([date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]).toEqual([6, 0, 0]);
    }
  });

  it('reads the first field as seconds', () => {
    expect(iso(new NcrontabSchedule('*/15 * * * * *').nextN(3, new Date('2026-01-01T00:00:01Z')))).toEqual([
      '2026-01-01T00:00:15.000Z',
      '2026-01-01T00:00:30.000Z',
      '2026-01-01T00:00:45.000Z',
    ]);
  });

  it('requires day-of-month AND day-of-week to match, as NCRONTAB does', () => {
    // Friday the 13th only; classic cron would also fire on every 13th and every Friday.
    const fridays13 = new NcrontabSchedule('0 0 0 13 * 5').nextN(3, new Date('2026-01-01T00:00:00Z'));
    expect(iso(fridays13)).toEqual(['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z', '2026-11-13T00:00:00.000Z']);
  });

  it('accepts names, ranges, lists and steps', () => {
    const weekdays = new NcrontabSchedule('0 30 9 * * MON-FRI').nextN(6, new Date('2026-11-27T10:00:00Z'));
    expect(weekdays.map((d) => d.getUTCDay())).toEqual([1, 2, 3, 4, 5, 1]);
    expect(new NcrontabSchedule('0 0 8,20 1 JAN,JUL *').nextN(2, new Date('2026-06-01T00:00:00Z')).map((d) => d.toISOString())).toEqual([
      '2026-07-01T08:00:00.000Z',
      '2026-07-01T20:00:00.000Z',
    ]);
  });

  it.each([
    ['0 6 * * 0', /6 fields/],
    ['0 0 6 * * 0 2026', /6 fields/],
    ['0 0 6 L * *', /unsupported field "L"/],
    ['0 0 6 * * 5#3', /unsupported field/],
    ['0 0 25 * * *', /NCRONTAB/],
  ])('rejects %s', (expression, message) => {
    expect(() => new NcrontabSchedule(expression)).toThrow(message);
  });
});
