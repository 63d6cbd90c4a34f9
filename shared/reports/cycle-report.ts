import { decideCycle, groupsPerBreakdown, type ConfidentialitySettings, type CycleDecision, type CycleOptions, type GroupStatus } from '../domain/confidentiality';
import type { Ranges } from '../domain/metrics';

// A cycle's reports (SPEC section 13), computed once per change instead of per request: for every
// attribute, its groups (buckets 1-4 and "No data") with the item scores confidentiality allows, and
// the comments each group may show. Pure: the caller streams the respondents in, already matched to
// their buckets, and stores what comes out. Nothing the confidentiality decision withholds leaves
// this module, so a report route can only serve what is safe to show.

export type GroupKey = '1' | '2' | '3' | '4' | 'none';
export const groupKeys: readonly GroupKey[] = ['1', '2', '3', '4', 'none'];
/** The group of a respondent without a value for the attribute. */
export const noDataGroup = groupsPerBreakdown - 1;

export interface ReportItem {
  itemId: string;
  favorableMin: number;
}

export interface ItemScore {
  /** The mean score, rounded to 2 decimals. */
  score: number;
  /** The share of scores at or above the item's favorableMin, 0..1, rounded to 4 decimals. */
  favorable: number;
}

export interface GroupReport {
  group: GroupKey;
  status: GroupStatus;
  respondents: number | null;
  /** Aligned with the cycle's items; null where the score is withheld. */
  items: (ItemScore | null)[];
  showComments: boolean;
}

export interface AttributeReport {
  metricId: string;
  max: Ranges;
  groups: GroupReport[];
}

export interface GroupComment {
  itemId: string;
  text: string;
}

export interface CycleReport {
  attributes: AttributeReport[];
  /** What was decided, to be remembered as this version of the cycle's reports (publication-history.ts). */
  decision: CycleDecision;
  /** Per attribute and group (`${metricId}|${group}`), the comments it may show, by item then text. */
  comments: Map<string, GroupComment[]>;
}

const unanswered = -1;
const initialCapacity = 1024;

/** The respondents of one cycle, packed: 100,000 of them with 10 items and 10 attributes take a few MB. */
export class CycleResponses {
  readonly itemCount: number;
  readonly metricCount: number;
  #count = 0;
  #capacity = initialCapacity;
  #groups: Uint8Array;
  #scores: Float64Array;
  readonly #comments: { respondent: number; item: number; text: string }[] = [];
  /** Built on first use, once every respondent is in. */
  #commented: Set<number> | undefined;

  constructor(itemCount: number, metricCount: number) {
    this.itemCount = itemCount;
    this.metricCount = metricCount;
    this.#groups = new Uint8Array(initialCapacity * metricCount);
    this.#scores = new Float64Array(initialCapacity * itemCount).fill(unanswered);
  }

  get count(): number {
    return this.#count;
  }

  /**
   * One respondent: their group per attribute (0-3 for buckets 1-4, `noDataGroup` without a value),
   * their score per item (undefined: not answered; at least one must be answered) and comments.
   */
  add(groups: readonly number[], scores: readonly (number | undefined)[], comments: readonly (string | undefined)[] = []): void {
    if (groups.length !== this.metricCount || scores.length !== this.itemCount) throw new RangeError('one group per attribute and one score slot per item');
    if (!scores.some((s) => s !== undefined)) throw new RangeError('a respondent answers at least one item');
    for (const g of groups) if (!Number.isInteger(g) || g < 0 || g > noDataGroup) throw new RangeError(`group ${g} is not 0..${noDataGroup}`);
    if (this.#count === this.#capacity) this.#grow();
    const r = this.#count++;
    this.#commented = undefined;
    groups.forEach((g, m) => (this.#groups[r * this.metricCount + m] = g));
    scores.forEach((s, i) => {
      if (s === undefined) return;
      this.#scores[r * this.itemCount + i] = s;
      const comment = comments[i];
      if (comment !== undefined && comment.trim() !== '') this.#comments.push({ respondent: r, item: i, text: comment });
    });
  }

  #grow(): void {
    this.#capacity *= 2;
    const groups = new Uint8Array(this.#capacity * this.metricCount);
    groups.set(this.#groups);
    this.#groups = groups;
    const scores = new Float64Array(this.#capacity * this.itemCount).fill(unanswered);
    scores.set(this.#scores);
    this.#scores = scores;
  }

  groupOf(respondent: number, metric: number): number {
    return this.#groups[respondent * this.metricCount + metric]!;
  }

  scoreOf(respondent: number, item: number): number | undefined {
    const s = this.#scores[respondent * this.itemCount + item]!;
    return s === unanswered ? undefined : s;
  }

  get groups(): Uint8Array {
    return this.#groups.subarray(0, this.#count * this.metricCount);
  }

  get comments(): readonly { respondent: number; item: number; text: string }[] {
    return this.#comments;
  }

  hasComment(respondent: number, item: number): boolean {
    this.#commented ??= new Set(this.#comments.map((c) => c.respondent * this.itemCount + c.item));
    return this.#commented.has(respondent * this.itemCount + item);
  }
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

export function buildCycleReport(
  items: readonly ReportItem[],
  attributes: readonly { metricId: string; max: Ranges }[],
  responses: CycleResponses,
  settings: ConfidentialitySettings,
  options: CycleOptions = {},
): CycleReport {
  if (responses.itemCount !== items.length || responses.metricCount !== attributes.length) throw new RangeError('responses must be collected for these items and attributes');
  const decision = decideCycle(
    {
      metricCount: attributes.length,
      itemCount: items.length,
      respondentCount: responses.count,
      groups: responses.groups,
      answered: (r, i) => responses.scoreOf(r, i) !== undefined,
      commented: (r, i) => responses.hasComment(r, i),
    },
    settings,
    options,
  );

  // [answers, sum, favorable] per attribute, group and item.
  const totals = attributes.map(() => Array.from({ length: groupsPerBreakdown }, () => new Float64Array(items.length * 3)));
  for (let r = 0; r < responses.count; r++) {
    for (let i = 0; i < items.length; i++) {
      const score = responses.scoreOf(r, i);
      if (score === undefined) continue;
      const favorable = score >= items[i]!.favorableMin ? 1 : 0;
      for (let m = 0; m < attributes.length; m++) {
        const t = totals[m]![responses.groupOf(r, m)]!;
        t[i * 3] = t[i * 3]! + 1;
        t[i * 3 + 1] = t[i * 3 + 1]! + score;
        t[i * 3 + 2] = t[i * 3 + 2]! + favorable;
      }
    }
  }

  const report: CycleReport = {
    attributes: attributes.map((attribute, m) => ({
      metricId: attribute.metricId,
      max: attribute.max,
      groups: decision.breakdowns[m]!.map((g): GroupReport => {
        const t = totals[m]![g.key]!;
        return {
          group: groupKeys[g.key]!,
          status: g.status,
          respondents: g.status === 'ok' ? g.respondents : null,
          items: items.map((_, i) => (decision.itemShown[m]![g.key]![i] ? { score: round(t[i * 3 + 1]! / t[i * 3]!, 2), favorable: round(t[i * 3 + 2]! / t[i * 3]!, 4) } : null)),
          showComments: g.showComments,
        };
      }),
    })),
    comments: new Map(),
    decision,
  };

  // A comment is shown only where its group shows comments and its item's score (a comment whose
  // score would single a person out would do so too), and where earlier versions do not narrow it down.
  attributes.forEach((attribute, m) => {
    for (const g of decision.breakdowns[m]!) {
      if (!g.showComments) continue;
      const shown = responses.comments
        .filter((c) => responses.groupOf(c.respondent, m) === g.key && decision.commentShown[m]![g.key]![c.item])
        // By item, then text: an order by respondent would let readers line comments up across filters.
        .sort((a, b) => a.item - b.item || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
        .map((c) => ({ itemId: items[c.item]!.itemId, text: c.text }));
      report.comments.set(`${attribute.metricId}|${groupKeys[g.key]}`, shown);
    }
  });
  return report;
}
