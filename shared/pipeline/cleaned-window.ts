import type { Aggregate, WindowAggregator } from '../domain/aggregation';
import { anyRuleEnabled, dataQualityMetricId, findHolidayWeeks, judgePerson, type DataQualityRules, type PersonVerdict, type WeekTotal } from '../domain/data-quality';
import { addDays } from '../domain/weeks';
import type { DataQualityFigures } from '../storage/tenant-rows';

// The pull's employees after the tenant's data-quality rules (domain/data-quality.ts): read from the
// aggregator the pull already filled, so the feed is read once. The rules need every person's weekly
// Collaboration hours, which the aggregator holds when the pull asks for that metric (readMetricIds);
// a verdict is recomputed from the cells whenever asked rather than kept, so cleaning costs no memory
// per employee. With every rule off, the employees are the aggregator's, untouched.

/** The metrics the pull reads: the attributes', and Collaboration hours when a rule needs it. */
export function readMetricIds(attributeMetricIds: readonly string[], rules: DataQualityRules): string[] {
  return anyRuleEnabled(rules) && !attributeMetricIds.includes(dataQualityMetricId) ? [...attributeMetricIds, dataQualityMetricId] : [...attributeMetricIds];
}

const roundTo100th = (n: number) => Math.round(n * 100) / 100;

export interface CleanedWindow {
  /** An employee's sums per attribute metric after the rules; empty (no value) for an excluded person. */
  aggregateOf(employeeKey: string): Record<string, Aggregate>;
  /** What the rules did, for the run record; null with every rule off. */
  figures: DataQualityFigures | null;
  /** Whether the rules left out every value of a person who had some: kept apart from those without a week, for matching. */
  excluded(employeeKey: string): boolean;
}

export function cleanWindow(
  aggregator: WindowAggregator,
  options: { window: { from: string }; attributeMetricIds: readonly string[]; rules: DataQualityRules; minGroupSize: number },
): CleanedWindow {
  const { rules, attributeMetricIds } = options;
  if (!anyRuleEnabled(rules)) {
    // Collaboration hours is read only for the rules, so with all off the aggregator holds the attributes alone.
    return { aggregateOf: (key) => aggregator.aggregateOf(key), figures: null, excluded: () => false };
  }
  // Collaboration hours read for the rules alone is not handed on.
  const extraMetric = aggregator.metricIds.length > attributeMetricIds.length;
  const onlyAttributes = (metrics: Record<string, Aggregate>) => {
    if (extraMetric) delete metrics[dataQualityMetricId];
    return metrics;
  };
  // Every person's hours pass through this one buffer: the rules run for each of 100,000s of persons, thrice.
  const hours = new Float64Array(aggregator.weeks);

  const keys = aggregator.keys();
  const totals: WeekTotal[] = Array.from({ length: aggregator.weeks }, () => ({ sumNano: 0, persons: 0 }));
  for (const key of keys) {
    aggregator.weekValuesOf(key, dataQualityMetricId, hours);
    for (let week = 0; week < hours.length; week++) {
      if (Number.isNaN(hours[week]!)) continue;
      totals[week]!.sumNano += hours[week]!;
      totals[week]!.persons++;
    }
  }
  const holidays = rules.holidayWeeks.enabled ? findHolidayWeeks(totals, rules.holidayWeeks.sd) : [];
  const holiday = totals.map((_, week) => holidays.some((h) => h.week === week));
  const verdictOf = (key: string): PersonVerdict => judgePerson(aggregator.weekValuesOf(key, dataQualityMetricId, hours), holiday, rules);

  let nonKnowledgeWorkers = 0;
  let personWeeksExcluded = 0;
  for (const key of keys) {
    const weeks = aggregator.weeksWithValue(key, attributeMetricIds);
    const valued = weeks.filter(Boolean).length;
    if (valued === 0) continue; // no value before the rules either
    const verdict = verdictOf(key);
    const excluded = weeks.filter((has, week) => has && verdict.excludedWeeks[week]).length;
    if (verdict.nonKnowledgeWorker) nonKnowledgeWorkers++;
    else personWeeksExcluded += excluded;
  }
  const aggregateOf = (key: string) => {
    const verdict = verdictOf(key);
    return verdict.nonKnowledgeWorker ? {} : onlyAttributes(aggregator.aggregateOf(key, verdict.excludedWeeks));
  };
  return {
    aggregateOf,
    excluded: (key) => Object.keys(aggregateOf(key)).length === 0 && aggregator.weeksWithValue(key, attributeMetricIds).some(Boolean),
    figures: {
      rules,
      holidayWeeks: holidays.map((h) => {
        // A weekly mean of fewer persons than Viva Insights' minimum group would come near one person's hours.
        const shown = h.persons >= options.minGroupSize;
        return { week: addDays(options.window.from, 7 * h.week), meanHours: shown ? roundTo100th(h.meanHours) : null, z: shown ? roundTo100th(h.z) : null };
      }),
      personWeeksExcluded,
      nonKnowledgeWorkers,
    },
  };
}
