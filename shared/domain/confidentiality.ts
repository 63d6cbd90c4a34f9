// Report confidentiality (SPEC section 12): which groups of one breakdown may show their numbers and
// comments. Every report, filter and preview asks this module, so one breakdown is never judged by
// two different rules.

export interface ConfidentialitySettings {
  minResponses: number;
  suppression: number;
  minCommentResponses: number;
  insightsMinGroupSize: number;
}

export type GroupStatus = 'ok' | 'insufficient' | 'suppressed';

export interface GroupDecision<K> {
  key: K;
  respondents: number;
  status: GroupStatus;
  showComments: boolean;
}

/** Glint's own minimum and the Viva Insights minimum both apply, so the stricter one wins. */
export function groupThreshold(settings: ConfidentialitySettings): number {
  return Math.max(settings.minResponses, settings.insightsMinGroupSize);
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

// Only the shape is checked here, not the ranges of the settings API (minResponses >= 3, suppression
// 1 or 2, ...): those are the API's to enforce, and keeping the rule general lets tests drive it
// outside them (a cascade of suppressions cannot happen inside them). A threshold of 0 would show the
// "mean" of an empty group, so the threshold must be at least 1.
function assertSettings(settings: ConfidentialitySettings): void {
  assertCount(settings.minResponses, 'minResponses');
  assertCount(settings.insightsMinGroupSize, 'insightsMinGroupSize');
  assertCount(settings.suppression, 'suppression');
  assertCount(settings.minCommentResponses, 'minCommentResponses');
  if (groupThreshold(settings) < 1) throw new RangeError('max(minResponses, insightsMinGroupSize) must be at least 1');
}

/**
 * Decides every group of one breakdown (the groups must together cover all respondents, "No data"
 * included). Returns one decision per group, in input order.
 *
 * Tie-break: when several shown groups share the smallest size, the one that comes first in the input
 * is suppressed. Callers must therefore pass the groups of a breakdown in a fixed order (bucket 1..4,
 * then "No data"): if one request hid one of two equal groups and the next request hid the other,
 * together they would show both and undo the protection.
 */
export function decideBreakdown<K>(groups: readonly { key: K; respondents: number }[], settings: ConfidentialitySettings): GroupDecision<K>[] {
  assertSettings(settings);
  for (const group of groups) assertCount(group.respondents, 'respondents');
  const threshold = groupThreshold(settings);
  const status: GroupStatus[] = groups.map((group) => (group.respondents < threshold ? 'insufficient' : 'ok'));

  // Because the groups cover everyone, total minus the shown groups gives the combined scores of the
  // hidden respondents. If that is fewer people than `suppression` (one, with the default), it is one
  // person's answers, so more must be hidden. An empty group hides nobody and so protects nobody: it
  // counts 0, and a breakdown whose only hidden groups are empty has nothing to protect.
  let hidden = groups.reduce((sum, group, i) => (status[i] === 'insufficient' ? sum + group.respondents : sum), 0);
  while (hidden > 0 && hidden < settings.suppression) {
    // The smallest shown group costs the report the fewest responses.
    let smallest: number | undefined;
    groups.forEach((group, i) => {
      if (status[i] === 'ok' && (smallest === undefined || group.respondents < groups[smallest]!.respondents)) smallest = i;
    });
    // Everything is hidden already; what is left to protect is the breakdown's total, which is the
    // overall report's business (it applies the same threshold to the whole population).
    if (smallest === undefined) break;
    status[smallest] = 'suppressed';
    hidden += groups[smallest]!.respondents;
  }

  return groups.map((group, i) => {
    const groupStatus = status[i]!;
    // A suppressed group meets the threshold but is hidden to stop differencing; its comments would
    // still say who is in it and what they think, so they stay hidden with its numbers.
    return { key: group.key, respondents: group.respondents, status: groupStatus, showComments: groupStatus === 'ok' && group.respondents >= settings.minCommentResponses };
  });
}
