import { derivableAtoms } from './disclosure';

// Report confidentiality (SPEC section 12): which groups of one breakdown may show their numbers and
// comments (`decideBreakdown`), and which item scores a whole cycle's reports may show together
// (`decideCycle`). Every report, filter and preview asks this module, so one breakdown is never judged
// by two different rules.

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

// ---- one cycle, every breakdown at once ----

/** Buckets 1-4, then "No data": the order every breakdown is decided in (see the tie-break above). */
export const groupsPerBreakdown = 5;
const notShown = groupsPerBreakdown;

export interface CycleMembership {
  metricCount: number;
  itemCount: number;
  respondentCount: number;
  /** `groups[r * metricCount + m]`: respondent r's group (0..4) in breakdown m. */
  groups: Uint8Array;
  answered(respondent: number, item: number): boolean;
}

export interface CycleDecision {
  /** Per breakdown, its groups decided by `decideBreakdown` (keys 0..4). */
  breakdowns: GroupDecision<number>[][];
  /** `itemShown[m][g][i]`: whether item i's score may be shown in group g of breakdown m. */
  itemShown: boolean[][][];
}

/**
 * Decides a whole cycle: every breakdown by SPEC section 12 (`decideBreakdown`), then every item
 * score of every group, so that no single respondent's answer follows from all the item scores the
 * cycle's reports show together, whichever breakdowns and filters a reader combines. Per item:
 * - a group shows the item only if the group is ok and at least the threshold answered the item, and
 *   no group shows an item fewer than the threshold answered overall;
 * - then, while the shown groups (and the item's overall score, which Glint shows) single anyone
 *   out by differences (`derivableAtoms`), the smallest shown group holding that person hides the
 *   item (the smallest shown group at all, if none holds them), just as `decideBreakdown` suppresses
 *   the smallest group within one breakdown. Two attributes can nest (A's bucket = B's bucket minus
 *   one person), which no rule within one breakdown sees;
 * - then, withholding no more than needed: each group that pass withheld is shown back, in breakdown
 *   and bucket order, where showing it (with everything shown by then) singles nobody out. Showing
 *   more only ever reveals more, so a group refused once would be refused later too: afterwards no
 *   withheld group could be shown back on its own.
 * With suppression 1 nobody is protected by differencing, so only the thresholds apply.
 */
export function decideCycle(membership: CycleMembership, settings: ConfidentialitySettings): CycleDecision {
  assertSettings(settings);
  if (settings.suppression > 2) throw new RangeError('decideCycle protects single respondents: suppression must be 1 or 2');
  const { metricCount, itemCount, respondentCount, groups } = membership;
  // A respondent's shown groups are packed into one number of base 6 digits: exact up to 20 breakdowns.
  if (metricCount > 20) throw new RangeError('decideCycle handles at most 20 breakdowns');
  if (groups.length !== metricCount * respondentCount) throw new RangeError('groups must hold one group per respondent and breakdown');
  const threshold = groupThreshold(settings);
  const groupOf = (r: number, m: number) => groups[r * metricCount + m]!;

  const respondents = Array.from({ length: metricCount }, () => new Array<number>(groupsPerBreakdown).fill(0));
  for (let r = 0; r < respondentCount; r++) for (let m = 0; m < metricCount; m++) respondents[m]![groupOf(r, m)]!++;
  const breakdowns = respondents.map((counts) => decideBreakdown(counts.map((n, g) => ({ key: g, respondents: n })), settings));
  const itemShown = breakdowns.map((groupsOfM) => groupsOfM.map(() => new Array<boolean>(itemCount).fill(false)));

  for (let i = 0; i < itemCount; i++) {
    const answerers: number[] = [];
    for (let r = 0; r < respondentCount; r++) if (membership.answered(r, i)) answerers.push(r);
    if (answerers.length < threshold) continue;
    const answers = Array.from({ length: metricCount }, () => new Array<number>(groupsPerBreakdown).fill(0));
    for (const r of answerers) for (let m = 0; m < metricCount; m++) answers[m]![groupOf(r, m)]!++;
    const shown = breakdowns.map((groupsOfM, m) => groupsOfM.map((g) => g.status === 'ok' && answers[m]![g.key]! >= threshold));

    if (settings.suppression === 2) {
      const withheld: [number, number][] = [];
      const smallestShown = (candidates: [number, number][]): [number, number] | undefined =>
        candidates.reduce<[number, number] | undefined>((best, c) => (best === undefined || answers[c[0]]![c[1]]! < answers[best[0]]![best[1]]! ? c : best), undefined);
      for (;;) {
        const exposed = exposedAnswerers(answerers, metricCount, groupOf, shown);
        if (exposed.length === 0) break;
        const hide = new Set<string>();
        for (const signature of exposed) {
          const holding = signature.flatMap((g, m): [number, number][] => (g === notShown ? [] : [[m, g]]));
          const all = shown.flatMap((row, m) => row.flatMap((s, g): [number, number][] => (s ? [[m, g]] : [])));
          const chosen = smallestShown(holding.length > 0 ? holding : all);
          if (chosen) hide.add(`${chosen[0]}:${chosen[1]}`);
        }
        if (hide.size === 0) break; // nothing left shown: only the item's overall score, Glint's to guard
        for (const key of hide) {
          const [m, g] = key.split(':').map(Number) as [number, number];
          shown[m]![g] = false;
          withheld.push([m, g]);
        }
      }
      // The greedy pass above may withhold more than it had to (hiding one group of several often
      // already protects the person another hid for): offer each back.
      withheld.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [m, g] of withheld) {
        shown[m]![g] = true;
        if (exposedAnswerers(answerers, metricCount, groupOf, shown).length > 0) shown[m]![g] = false;
      }
    }
    shown.forEach((row, m) => row.forEach((s, g) => (itemShown[m]![g]![i] = s)));
  }
  return { breakdowns, itemShown };
}

/** The shown-group signatures of the answerers whose answer the shown groups and the total reveal alone. */
function exposedAnswerers(answerers: readonly number[], metricCount: number, groupOf: (r: number, m: number) => number, shown: boolean[][]): number[][] {
  // Row 0 is the item's overall score; then one row per shown group.
  const rowOf = shown.map((row) => row.map(() => -1));
  let rowCount = 1;
  shown.forEach((row, m) => row.forEach((s, g) => s && (rowOf[m]![g] = rowCount++)));
  if (rowCount === 1) return [];
  const atomOf = new Map<number, number>();
  const atoms: { rows: number[]; size: number; signature: number[] }[] = [];
  for (const r of answerers) {
    let key = 0;
    const signature: number[] = [];
    for (let m = 0; m < metricCount; m++) {
      const g = groupOf(r, m);
      const s = shown[m]![g] ? g : notShown;
      signature.push(s);
      key = key * (groupsPerBreakdown + 1) + s;
    }
    const index = atomOf.get(key);
    if (index !== undefined) {
      atoms[index]!.size++;
      continue;
    }
    atomOf.set(key, atoms.length);
    atoms.push({ rows: [0, ...signature.flatMap((s, m) => (s === notShown ? [] : [rowOf[m]![s]!]))], size: 1, signature });
  }
  const derivable = derivableAtoms(rowCount, atoms);
  return atoms.filter((atom, a) => atom.size === 1 && derivable[a]).map((atom) => atom.signature);
}

/** What the distribution shows of a bucket's count (SPEC section 7). */
export type CountVisibility = 'shown' | 'below-threshold' | 'suppressed';

/**
 * The attribute distribution's counts (SPEC section 7): a count under the group threshold, zero
 * included, is hidden (a zero says as much as a one: that a range is nearly empty); where exactly one
 * count is hidden, the next smallest shown count is hidden too (ties: the first in bucket order), since
 * with the total known a single hidden count is a difference of the shown ones.
 */
export function decideCounts(counts: readonly number[], threshold: number): CountVisibility[] {
  for (const count of counts) assertCount(count, 'count');
  const visibility: CountVisibility[] = counts.map((count) => (count < threshold ? 'below-threshold' : 'shown'));
  if (visibility.filter((v) => v !== 'shown').length === 1) {
    let smallest = -1;
    counts.forEach((count, i) => {
      if (visibility[i] === 'shown' && (smallest < 0 || count < counts[smallest]!)) smallest = i;
    });
    if (smallest >= 0) visibility[smallest] = 'suppressed';
  }
  return visibility;
}
