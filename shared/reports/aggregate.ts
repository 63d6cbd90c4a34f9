// Per-cycle report aggregates (SPEC section 13): for every attribute, the respondents of each group
// (buckets 1-4 and "No data") and, per item, how many answered, the sum of their scores and how many
// were favorable. Reports read these instead of the responses, so a report costs the same for 100 or
// 100,000 respondents. Pure: the caller streams responses and buckets in.

export type GroupKey = '1' | '2' | '3' | '4' | 'none';
export const groupKeys: readonly GroupKey[] = ['1', '2', '3', '4', 'none'];

/** [answers, sum of scores, favorable answers] */
export type ItemTotals = [number, number, number];

export interface GroupAggregate {
  respondents: number;
  /** Respondents who left at least one comment. */
  commenters: number;
  items: Record<string, ItemTotals>;
}

export type AttributeAggregate = Record<GroupKey, GroupAggregate>;

export interface AggregateItem {
  itemId: string;
  favorableMin: number;
}

export interface RespondentAnswers {
  employeeKey: string;
  answers: { itemId: string; score: number; comment?: string | undefined }[];
}

/**
 * `bucketsOf(employeeKey)` gives the employee's bucket per attribute metric (absent: "No data").
 * Answers to items no longer in the cycle are ignored.
 */
export function aggregateCycle(
  items: readonly AggregateItem[],
  metricIds: readonly string[],
  respondents: Iterable<RespondentAnswers>,
  bucketsOf: (employeeKey: string) => Readonly<Record<string, number>> | undefined,
): Record<string, AttributeAggregate> {
  const favorableMin = new Map(items.map((i) => [i.itemId, i.favorableMin]));
  const result: Record<string, AttributeAggregate> = {};
  for (const metricId of metricIds) {
    result[metricId] = Object.fromEntries(groupKeys.map((g) => [g, { respondents: 0, commenters: 0, items: {} }])) as AttributeAggregate;
  }
  for (const respondent of respondents) {
    const answers = respondent.answers.filter((a) => favorableMin.has(a.itemId));
    if (answers.length === 0) continue;
    const commented = answers.some((a) => a.comment !== undefined && a.comment.trim() !== '');
    const buckets = bucketsOf(respondent.employeeKey);
    for (const metricId of metricIds) {
      const bucket = buckets?.[metricId];
      const group = (result[metricId] as AttributeAggregate)[bucket === undefined ? 'none' : (String(bucket) as GroupKey)];
      group.respondents++;
      if (commented) group.commenters++;
      for (const { itemId, score } of answers) {
        const totals = (group.items[itemId] ??= [0, 0, 0]);
        totals[0]++;
        totals[1] += score;
        if (score >= (favorableMin.get(itemId) as number)) totals[2]++;
      }
    }
  }
  return result;
}
