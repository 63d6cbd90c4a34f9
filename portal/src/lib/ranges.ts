// Customize ranges (seed: "Adjust the range in the Max column"): three maxima split a metric into four
// ranges. The same rules and labels as the API (shared/domain/metrics.ts), so the administrator sees a
// mistake while typing; the API checks again on save.

export type Max = [number, number, number];

export interface RangeInputCheck {
  /** The maxima when all three are valid, for the preview and for saving. */
  max: Max | undefined;
  /** A message per Max field, or undefined. */
  errors: [string | undefined, string | undefined, string | undefined];
}

export function checkMaxInputs(inputs: readonly [string, string, string]): RangeInputCheck {
  const numbers = inputs.map((text) => (text.trim() === '' ? Number.NaN : Number(text)));
  const errors = numbers.map((n, i) => {
    if (!Number.isFinite(n) || n <= 0) return 'Enter a number greater than 0.';
    const previous = numbers[i - 1];
    if (previous !== undefined && Number.isFinite(previous) && previous > 0 && !(n > previous)) return `Must be greater than the range above (${formatNumber(previous)}).`;
    return undefined;
  }) as RangeInputCheck['errors'];
  return { max: errors.every((e) => e === undefined) ? (numbers as Max) : undefined, errors };
}

export const formatNumber = (n: number) => String(Number(n.toPrecision(12)));

/** As Glint shows them: "0 to less than 3", …, "8 or more". */
export function rangeLabels(max: readonly [number, number, number]): [string, string, string, string] {
  const [m1, m2, m3] = max.map(formatNumber) as [string, string, string];
  return [`0 to less than ${m1}`, `${m1} to less than ${m2}`, `${m2} to less than ${m3}`, `${m3} or more`];
}

/** The lower bound of each range, shown in the read-only Min column. */
export const rangeMins = (max: readonly number[]): string[] => [0, ...max.slice(0, 3)].map((n) => (Number.isFinite(n) ? formatNumber(n) : '–'));

export interface Thresholds {
  minResponses: number;
  insightsMinGroupSize: number;
}

/**
 * Why reports would hide a range, in plain words, or undefined when they show it. The API hides a count
 * under the threshold (an empty range included) and, when that leaves one range hidden, the next
 * smallest too (`suppressed`), since a lone hidden count is the total minus the others.
 */
export function hiddenRangeReason(bucket: { employees: number | null; belowThreshold: boolean; suppressed: boolean }, thresholds: Thresholds | undefined): string | undefined {
  if (bucket.suppressed) return 'Hidden with the one small range: otherwise its size would be the total minus the others.';
  if (!bucket.belowThreshold) return undefined;
  const limit = thresholds ? Math.max(thresholds.minResponses, thresholds.insightsMinGroupSize) : undefined;
  const rule = thresholds
    ? `the larger of Glint's minimum responses (${thresholds.minResponses}) and Viva Insights' minimum group size (${thresholds.insightsMinGroupSize})`
    : "the larger of Glint's and Viva Insights' confidentiality thresholds";
  return `Fewer than ${limit ?? 'the threshold of'} employees: reports and filters hide this range, because a group this small could identify people (${rule}).`;
}
