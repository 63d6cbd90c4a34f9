import { defaultDataQualityRules, findHolidayWeeks, judgePerson, sameEffect, type DataQualityRules } from '../../shared/domain/data-quality';

// The rules on numbers worked out by hand (the arithmetic is in the comments), including the cases
// that tell the package definitions apart: sample against population SD, < against <=, >= at the
// threshold.

const nano = (hours: number) => Math.round(hours * 1e9);
const rules = (change: Partial<{ holiday: number; inactive: number; nkw: number }>): DataQualityRules => ({
  holidayWeeks: { enabled: change.holiday !== undefined, sd: change.holiday ?? 1 },
  inactiveWeeks: { enabled: change.inactive !== undefined, sd: change.inactive ?? 2 },
  nonKnowledgeWorkers: { enabled: change.nkw !== undefined, minHours: change.nkw ?? 5 },
});
const weekTotals = (means: (number | null)[], persons = 10) => means.map((m) => (m === null ? { sumNano: 0, persons: 0 } : { sumNano: nano(m) * persons, persons }));

describe('holiday weeks', () => {
  // Weekly means 10, 10, 10, 4: mean 8.5; squares 3 × 1.5² + 4.5² = 27; sample SD √(27 / 3) = 3.
  // z of the fourth week = (4 - 8.5) / 3 = -1.5; of the others +0.5.
  it('finds the weeks more than sd sample SDs below the mean of the weekly means', () => {
    expect(findHolidayWeeks(weekTotals([10, 10, 10, 4]), 1)).toEqual([{ week: 3, meanHours: 4, z: -1.5, persons: 10 }]);
  });

  it('is strict: z = -1.5 is not more than 1.5 SDs below', () => {
    expect(findHolidayWeeks(weekTotals([10, 10, 10, 4]), 1.5)).toEqual([]);
  });

  it('leaves weeks nobody has a value for out of the statistic', () => {
    expect(findHolidayWeeks(weekTotals([10, null, 10, 10, 4]), 1)).toEqual([{ week: 4, meanHours: 4, z: -1.5, persons: 10 }]);
  });

  it('finds none among equal weeks or a single week', () => {
    expect(findHolidayWeeks(weekTotals([7, 7, 7]), 1)).toEqual([]);
    expect(findHolidayWeeks(weekTotals([7]), 1)).toEqual([]);
  });
});

describe('inactive weeks', () => {
  // Hours 10, 10, 10, 10, 2: mean 8.4; squares 4 × 1.6² + 6.4² = 51.2.
  // Sample SD √(51.2 / 4) = 3.578, z of the last week -6.4 / 3.578 = -1.789.
  // (The population SD √(51.2 / 5) = 3.2 would give z = -2 exactly and flag it at sd = 2.)
  const hours = [10, 10, 10, 10, 2].map(nano);
  const none = [false, false, false, false, false];

  it('uses the sample SD: z = -1.789 is not an inactive week at sd = 2', () => {
    expect(judgePerson(hours, none, rules({ inactive: 2 })).excludedWeeks).toEqual(none);
  });

  it('flags the week at sd = 1.5, and z exactly at -sd too (<=)', () => {
    expect(judgePerson(hours, none, rules({ inactive: 1.5 })).excludedWeeks).toEqual([false, false, false, false, true]);
    // 0, 2, 4: mean 2, sample SD √(8 / 2) = 2; z of 0 = -1 exactly, flagged at sd = 1.
    expect(judgePerson([nano(0), nano(2), nano(4)], [false, false, false], rules({ inactive: 1 })).excludedWeeks).toEqual([true, false, false]);
  });

  it('flags nothing for one week, equal weeks, or weeks without a value', () => {
    expect(judgePerson([nano(3)], [false], rules({ inactive: 0.1 })).excludedWeeks).toEqual([false]);
    expect(judgePerson([nano(3), nano(3), nano(3)], [false, false, false], rules({ inactive: 0.1 })).excludedWeeks).toEqual([false, false, false]);
    // 10, -, 2: mean 6, sample SD √32 = 5.657, z of 2 = -0.707: flagged at 0.5; the blank week never.
    expect(judgePerson([nano(10), NaN, nano(2)], [false, false, false], rules({ inactive: 0.5 })).excludedWeeks).toEqual([false, false, true]);
  });
});

describe('non-knowledge workers', () => {
  it('is a person whose mean is below the threshold; exactly the threshold passes (>=)', () => {
    expect(judgePerson([nano(5), nano(5), nano(5)], [false, false, false], rules({ nkw: 5 })).nonKnowledgeWorker).toBe(false);
    // 4.99 + 5 + 5 = 14.99 < 15
    expect(judgePerson([nano(4.99), nano(5), nano(5)], [false, false, false], rules({ nkw: 5 })).nonKnowledgeWorker).toBe(true);
    // Weeks without a value are not weeks of the mean: (4 + 6) / 2 = 5.
    expect(judgePerson([nano(4), NaN, nano(6)], [false, false, false], rules({ nkw: 5 })).nonKnowledgeWorker).toBe(false);
  });

  it('does not judge a person without any value', () => {
    expect(judgePerson([NaN, NaN], [false, false], rules({ nkw: 5 })).nonKnowledgeWorker).toBe(false);
  });

  it('counts holiday and inactive weeks in the mean (each rule reads the window as read)', () => {
    // 1, 9: mean 5 with both weeks; the first is a holiday week and would leave 9 alone.
    const verdict = judgePerson([nano(1), nano(9)], [true, false], rules({ nkw: 5, holiday: 1 }));
    expect(verdict).toEqual({ nonKnowledgeWorker: false, excludedWeeks: [true, false] });
  });
});

describe('rules switched off', () => {
  it('exclude nothing', () => {
    expect(judgePerson([nano(0), nano(40)], [true, false], defaultDataQualityRules)).toEqual({ nonKnowledgeWorker: false, excludedWeeks: [false, false] });
  });

  it('have the same effect whatever their parameter', () => {
    expect(sameEffect(defaultDataQualityRules, { ...defaultDataQualityRules, holidayWeeks: { enabled: false, sd: 3 } })).toBe(true);
    expect(sameEffect(defaultDataQualityRules, { ...defaultDataQualityRules, holidayWeeks: { enabled: true, sd: 1 } })).toBe(false);
    expect(sameEffect(rules({ nkw: 5 }), rules({ nkw: 6 }))).toBe(false);
  });
});
