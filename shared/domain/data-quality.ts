import { toNano } from './aggregation';

// The analyst's cleaning rules of Microsoft's vivainsights packages (R and Python), all on the person
// query's Collaboration hours, applied to the weeks of one import window (README "Data quality"):
// - holiday weeks (identify_holidayweeks): weeks whose mean over all persons lies more than `sd`
//   sample standard deviations below the mean of the weekly means (z < -sd);
// - inactive weeks (identify_inactiveweeks): a person's weeks at least `sd` sample standard deviations
//   below that person's own mean (z <= -sd);
// - non-knowledge workers (identify_nkw): persons whose mean weekly hours is below `minHours`.
// Each rule looks at the window as read, not at what another rule left, so the rules can be switched
// on one by one and each means what its package function means. Weeks without a Collaboration hours
// value take part in none of the statistics (the packages' na.rm for weekly means).

export interface DataQualityRules {
  holidayWeeks: { enabled: boolean; sd: number };
  inactiveWeeks: { enabled: boolean; sd: number };
  nonKnowledgeWorkers: { enabled: boolean; minHours: number };
}

/** All off (the seed's behaviour); the parameters are the packages' defaults, used once switched on. */
export const defaultDataQualityRules: DataQualityRules = {
  holidayWeeks: { enabled: false, sd: 1 },
  inactiveWeeks: { enabled: false, sd: 2 },
  nonKnowledgeWorkers: { enabled: false, minHours: 5 },
};

/** The metric every rule reads, whether or not it is an attribute. */
export const dataQualityMetricId = 'collaborationHours';

export function anyRuleEnabled(rules: DataQualityRules): boolean {
  return rules.holidayWeeks.enabled || rules.inactiveWeeks.enabled || rules.nonKnowledgeWorkers.enabled;
}

const nanoPerHour = 1e9;

/** Mean and sample standard deviation (n - 1, as R's sd() and pandas' std()); sd is NaN below two values. */
function meanAndSampleSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: n < 2 ? NaN : Math.sqrt(squares / (n - 1)) };
}

/** One week's Collaboration hours over all persons with a value that week. */
export interface WeekTotal {
  sumNano: number;
  persons: number;
}

export interface HolidayWeek {
  /** Index of the week in the window. */
  week: number;
  meanHours: number;
  z: number;
  /** Persons whose values make the mean. */
  persons: number;
}

/**
 * The holiday weeks among the window's weeks (`weeks[i]` is week i). Weeks nobody has a value for
 * are not weeks of the statistic. Fewer than two weekly means, or all equal, find none.
 */
export function findHolidayWeeks(weeks: readonly WeekTotal[], sd: number): HolidayWeek[] {
  const present = weeks.flatMap((w, week) => (w.persons > 0 ? [{ week, meanHours: w.sumNano / w.persons / nanoPerHour, persons: w.persons }] : []));
  const stats = meanAndSampleSd(present.map((w) => w.meanHours));
  if (!(stats.sd > 0)) return [];
  return present.map((w) => ({ ...w, z: (w.meanHours - stats.mean) / stats.sd })).filter((w) => w.z < -sd);
}

export interface PersonVerdict {
  nonKnowledgeWorker: boolean;
  /** Per week of the window: whether the person's week is left out (holiday or inactive). */
  excludedWeeks: boolean[];
}

/**
 * What the rules do to one person: `hoursNano[i]` is their Collaboration hours of week i in nano-units
 * (NaN: no value), `holiday[i]` whether week i is a holiday week. A person without any value is not
 * judged: nothing says they do not work with others.
 */
export function judgePerson(hoursNano: ArrayLike<number>, holiday: readonly boolean[], rules: DataQualityRules): PersonVerdict {
  const weekCount = hoursNano.length;
  const excludedWeeks: boolean[] = new Array<boolean>(weekCount).fill(false);
  const values: number[] = [];
  let sumNano = 0;
  for (let week = 0; week < weekCount; week++) {
    const nano = hoursNano[week]!;
    if (rules.holidayWeeks.enabled && holiday[week]) excludedWeeks[week] = true;
    if (Number.isNaN(nano)) continue;
    values.push(nano / nanoPerHour);
    sumNano += nano;
  }
  // Exact, like bucketOf: a mean of exactly minHours is a knowledge worker (identify_nkw's >=).
  const nonKnowledgeWorker = rules.nonKnowledgeWorkers.enabled && values.length > 0 && sumNano < toNano(rules.nonKnowledgeWorkers.minHours) * values.length;
  if (rules.inactiveWeeks.enabled) {
    const stats = meanAndSampleSd(values);
    // One week, or the same hours every week: no week stands out (the R package's z would be NaN).
    if (stats.sd > 0) {
      for (let week = 0; week < weekCount; week++) {
        const nano = hoursNano[week]!;
        if (!Number.isNaN(nano) && (nano / nanoPerHour - stats.mean) / stats.sd <= -rules.inactiveWeeks.sd) excludedWeeks[week] = true;
      }
    }
  }
  return { nonKnowledgeWorker, excludedWeeks };
}

/** Whether two settings clean the same way: a switched-off rule's parameter changes nothing. */
export function sameEffect(a: DataQualityRules, b: DataQualityRules): boolean {
  const effect = (r: DataQualityRules) =>
    JSON.stringify([r.holidayWeeks.enabled && r.holidayWeeks.sd, r.inactiveWeeks.enabled && r.inactiveWeeks.sd, r.nonKnowledgeWorkers.enabled && r.nonKnowledgeWorkers.minHours]);
  return effect(a) === effect(b);
}
