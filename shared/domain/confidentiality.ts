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

// ---- one cycle, every breakdown at once, and every version of it already shown ----

/** Buckets 1-4, then "No data": the order every breakdown is decided in (see the tie-break above). */
export const groupsPerBreakdown = 5;
const notShown = groupsPerBreakdown;
/** In a published version's group column: the person was no respondent of that version. */
export const absentFromVersion = 255;

export interface CycleMembership {
  metricCount: number;
  itemCount: number;
  /** Today's respondents are 0..respondentCount-1 of the cycle's universe (see `CycleHistory`). */
  respondentCount: number;
  /** `groups[r * metricCount + m]`: respondent r's group (0..4) in breakdown m. */
  groups: Uint8Array;
  answered(respondent: number, item: number): boolean;
  /** Whether the respondent left a comment on the item; without it, every answer counts as one. */
  commented?(respondent: number, item: number): boolean;
}

/**
 * What one earlier computation of the cycle showed. People are numbered over the cycle's universe:
 * today's respondents first (0..respondentCount-1), then people who were respondents only before.
 */
export interface PublishedVersion {
  /** The version's breakdowns: `metric` is the same attribute's index today, or -1 when it is gone. */
  breakdowns: readonly { metric: number; groups: Uint8Array }[];
  /** Per today's item: `answered[i][u]` is 1 when u had answered it then; undefined when the item was not in that version. */
  answered: readonly (Uint8Array | undefined)[];
  /** `itemShown[b][g][i]` and `commentShown[b][g][i]`: per breakdown of the version, group and today's item. */
  itemShown: readonly (readonly (readonly boolean[])[])[];
  commentShown: readonly (readonly (readonly boolean[])[])[];
}

export interface CycleHistory {
  /** How many people the versions number (at least today's respondentCount). */
  universeSize: number;
  versions: readonly PublishedVersion[];
}

export interface CycleDecision {
  /** Per breakdown, its groups decided by `decideBreakdown` (keys 0..4). */
  breakdowns: GroupDecision<number>[][];
  /** `itemShown[m][g][i]`: whether item i's score may be shown in group g of breakdown m. */
  itemShown: boolean[][][];
  /** `commentShown[m][g][i]`: whether the comments on item i may be shown in group g of breakdown m. */
  commentShown: boolean[][][];
}

export interface CycleOptions {
  /** The versions of the cycle's reports already shown (none: the first computation). */
  history?: CycleHistory;
  /** Breakdowns whose earlier versions are no longer known (their data was deleted): they show no score or comment. */
  forgotten?: readonly boolean[];
}

/**
 * Decides a whole cycle: every breakdown by SPEC section 12 (`decideBreakdown`), then every item
 * score and comment of every group, so that no single respondent's answer follows from all the item
 * scores the cycle's reports show together and have shown before, whichever breakdowns, filters and
 * versions a reader combines. Per item:
 * - a group shows the item only if the group is ok and at least the threshold answered the item, and
 *   no group shows an item fewer than the threshold answered overall;
 * - then, while the shown groups, together with every group an earlier version showed and the item's
 *   overall score in every version (which Glint shows), single anyone out by differences
 *   (`derivableAtoms`), the smallest shown group holding that person hides the item (the smallest
 *   shown group at all, if none holds them), just as `decideBreakdown` suppresses the smallest group
 *   within one breakdown. Two attributes can nest (A's bucket = B's bucket minus one person), and a
 *   range change can move one person across a boundary, which no rule within one breakdown sees.
 *   Someone the earlier versions and overall scores alone single out (one response that arrived on
 *   its own between two computations) is not ours to protect: nothing we hide now changes that;
 * - then, withholding no more than needed: each group that pass withheld is shown back, in breakdown
 *   and bucket order, where showing it (with everything shown by then) singles nobody out. Showing
 *   more only ever reveals more, so a group refused once would be refused later too: afterwards no
 *   withheld group could be shown back on its own;
 * - comments follow their item's score, and a group's comments on it are withheld where the comment
 *   lists of this breakdown's versions narrow a commenter down to fewer people than any one version
 *   does and than minCommentResponses (a comment that appears in a bucket only after a range change
 *   moved two people into it belongs to one of those two).
 * With suppression 1 nobody is protected by differencing, so only the thresholds apply.
 */
export function decideCycle(membership: CycleMembership, settings: ConfidentialitySettings, options: CycleOptions = {}): CycleDecision {
  assertSettings(settings);
  if (settings.suppression > 2) throw new RangeError('decideCycle protects single respondents: suppression must be 1 or 2');
  const { metricCount, itemCount, respondentCount, groups } = membership;
  // A respondent's shown groups are packed into one number of base 6 digits: exact up to 20 breakdowns.
  if (metricCount > 20) throw new RangeError('decideCycle handles at most 20 breakdowns');
  if (groups.length !== metricCount * respondentCount) throw new RangeError('groups must hold one group per respondent and breakdown');
  const history = options.history ?? { universeSize: respondentCount, versions: [] };
  checkHistory(history, membership);
  const threshold = groupThreshold(settings);
  const groupOf = (r: number, m: number) => groups[r * metricCount + m]!;

  const respondents = Array.from({ length: metricCount }, () => new Array<number>(groupsPerBreakdown).fill(0));
  for (let r = 0; r < respondentCount; r++) for (let m = 0; m < metricCount; m++) respondents[m]![groupOf(r, m)]!++;
  const breakdowns = respondents.map((counts) => decideBreakdown(counts.map((n, g) => ({ key: g, respondents: n })), settings));
  const itemShown = breakdowns.map((groupsOfM) => groupsOfM.map(() => new Array<boolean>(itemCount).fill(false)));
  const commentShown = breakdowns.map((groupsOfM) => groupsOfM.map(() => new Array<boolean>(itemCount).fill(false)));

  // Items that the same people answered, in every version, with the same groups shown before, are
  // decided alike: a survey's items are mostly answered by everyone, so most share one decision.
  const decided = new Map<string, { shown: boolean[][]; places: (CommentPlaces | null)[] }>();
  for (let i = 0; i < itemCount; i++) {
    const answerers: number[] = [];
    for (let r = 0; r < respondentCount; r++) if (membership.answered(r, i)) answerers.push(r);
    if (answerers.length < threshold) continue;
    const fingerprint = itemFingerprint(history, i, answerers);
    let same = decided.get(fingerprint);
    if (!same) {
      const shown = decideItem(history, i, answerers, breakdowns, groupOf, settings, options.forgotten);
      const places = breakdowns.map((_, m) => commentPlaces(history, m, i, answerers));
      same = { shown, places };
      decided.set(fingerprint, same);
    }
    same.shown.forEach((row, m) => {
      const comments = row.map((s, g) => s && breakdowns[m]![g]!.showComments);
      withholdNarrowingComments(same.places[m]!, answerers, (r) => groupOf(r, m), comments, (r) => membership.commented?.(r, i) ?? true, settings.minCommentResponses);
      row.forEach((s, g) => {
        itemShown[m]![g]![i] = s;
        commentShown[m]![g]![i] = comments[g]!;
      });
    });
  }
  return { breakdowns, itemShown, commentShown };
}

/** Which groups of every breakdown may show one item's score (see `decideCycle`). */
function decideItem(
  history: CycleHistory,
  i: number,
  answerers: readonly number[],
  breakdowns: readonly GroupDecision<number>[][],
  groupOf: (r: number, m: number) => number,
  settings: ConfidentialitySettings,
  forgotten: readonly boolean[] | undefined,
): boolean[][] {
  const metricCount = breakdowns.length;
  const threshold = groupThreshold(settings);
  const answers = Array.from({ length: metricCount }, () => new Array<number>(groupsPerBreakdown).fill(0));
  for (const r of answerers) for (let m = 0; m < metricCount; m++) answers[m]![groupOf(r, m)]!++;
  const shown = breakdowns.map((groupsOfM, m) => groupsOfM.map((g) => !forgotten?.[m] && g.status === 'ok' && answers[m]![g.key]! >= threshold));
  if (settings.suppression !== 2) return shown;

  const past = pastRows(history, i, answerers, threshold);
  const exposed = () => exposedPeople(past, metricCount, groupOf, shown);
  const withheld: [number, number][] = [];
  const smallestShown = (candidates: [number, number][]): [number, number] | undefined =>
    candidates.reduce<[number, number] | undefined>((best, c) => (best === undefined || answers[c[0]]![c[1]]! < answers[best[0]]![best[1]]! ? c : best), undefined);
  for (;;) {
    const found = exposed();
    if (found.length === 0) break;
    const hide = new Set<string>();
    for (const signature of found) {
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
    if (exposed().length > 0) shown[m]![g] = false;
  }
  return shown;
}

/** Who answered the item today and in each version, and what each version showed of it. */
function itemFingerprint(history: CycleHistory, i: number, answerers: readonly number[]): string {
  const parts = [setHash(answerers)];
  for (const version of history.versions) {
    const answered = version.answered[i];
    if (!answered) {
      parts.push('-');
      continue;
    }
    const shown = (masks: PublishedVersion['itemShown']) => masks.map((groups) => groups.map((g) => (g[i] ? 1 : 0)).join('')).join('');
    parts.push(`${flagsHash(answered)}/${shown(version.itemShown)}/${shown(version.commentShown)}`);
  }
  return parts.join('|');
}

/** A set's size and two independent sums of its members' mixed numbers: equal sets, equal hashes. */
function setHash(members: readonly number[]): string {
  let h1 = 0;
  let h2 = 0;
  for (const u of members) {
    h1 = (h1 + mix(u, 0x9e3779b1)) >>> 0;
    h2 = (h2 + mix(u, 0x85ebca77)) >>> 0;
  }
  return `${members.length}:${h1}:${h2}`;
}

/** `setHash` of the people whose flag is set. */
function flagsHash(flags: Uint8Array): string {
  let n = 0;
  let h1 = 0;
  let h2 = 0;
  for (let u = 0; u < flags.length; u++) {
    if (!flags[u]) continue;
    n++;
    h1 = (h1 + mix(u, 0x9e3779b1)) >>> 0;
    h2 = (h2 + mix(u, 0x85ebca77)) >>> 0;
  }
  return `${n}:${h1}:${h2}`;
}

function checkHistory(history: CycleHistory, membership: CycleMembership): void {
  const { universeSize, versions } = history;
  if (!Number.isSafeInteger(universeSize) || universeSize < membership.respondentCount) throw new RangeError('the universe must hold at least today\'s respondents');
  for (const version of versions) {
    for (const b of version.breakdowns) {
      if (b.groups.length !== universeSize) throw new RangeError('a version\'s group column must cover the universe');
      if (!Number.isInteger(b.metric) || b.metric < -1 || b.metric >= membership.metricCount) throw new RangeError(`breakdown metric ${b.metric} is not -1..${membership.metricCount - 1}`);
    }
    if (version.answered.length !== membership.itemCount) throw new RangeError('a version names, per item of today, who had answered it');
    for (const a of version.answered) if (a && a.length !== universeSize) throw new RangeError('a version\'s answers must cover the universe');
    if (version.itemShown.length !== version.breakdowns.length || version.commentShown.length !== version.breakdowns.length) throw new RangeError('a version shows items and comments per breakdown');
  }
}

/**
 * What was shown of one item before today's computation, over its atoms: every overall score (each
 * version's and today's) and every group score an earlier version showed, one row per distinct set.
 */
interface PastRows {
  rowCount: number;
  /** Per person of the universe, their atom of the past rows, or -1 when in none. */
  atomOf: Int32Array;
  atoms: { rows: number[]; size: number }[];
  /** People the past rows alone single out, whatever is shown today. */
  exposedBefore: Uint8Array;
  /** Everyone in some past row, today's answerers among them. */
  people: number[];
  /** Today's answerers of the item: the only people in today's groups. */
  answeredToday: Uint8Array;
}

function pastRows(history: CycleHistory, item: number, answerers: readonly number[], threshold: number): PastRows {
  const universe = history.universeSize;
  // Rows are told apart by size and two independent hashes of their members; equal rows only repeat
  // what one already says.
  const rowIds = new Map<string, number>();
  const membersOf: number[][] = [];
  const addRow = (members: number[]) => {
    if (members.length === 0) return;
    const key = setHash(members);
    if (rowIds.has(key)) return;
    rowIds.set(key, membersOf.length);
    membersOf.push(members);
  };
  addRow([...answerers]);
  for (const version of history.versions) {
    const answered = version.answered[item];
    if (!answered) continue;
    const everyone: number[] = [];
    for (let u = 0; u < universe; u++) if (answered[u]) everyone.push(u);
    // Glint shows an overall score only where the threshold answered; a smaller group showed nothing.
    if (everyone.length < threshold) continue;
    addRow(everyone);
    version.breakdowns.forEach((b, k) => {
      const byGroup: number[][] = Array.from({ length: groupsPerBreakdown }, () => []);
      for (const u of everyone) {
        const g = b.groups[u]!;
        if (g < groupsPerBreakdown && version.itemShown[k]![g]![item]) byGroup[g]!.push(u);
      }
      byGroup.forEach(addRow);
    });
  }
  const rowsOf: number[][] = Array.from({ length: universe }, () => []);
  membersOf.forEach((members, row) => members.forEach((u) => rowsOf[u]!.push(row)));
  const atomOf = new Int32Array(universe).fill(-1);
  const atomIds = new Map<string, number>();
  const atoms: { rows: number[]; size: number }[] = [];
  const people: number[] = [];
  for (let u = 0; u < universe; u++) {
    const rows = rowsOf[u]!;
    if (rows.length === 0) continue;
    people.push(u);
    const key = rows.join(',');
    let a = atomIds.get(key);
    if (a === undefined) {
      a = atoms.length;
      atomIds.set(key, a);
      atoms.push({ rows, size: 0 });
    }
    atoms[a]!.size++;
    atomOf[u] = a;
  }
  const exposedBefore = new Uint8Array(universe);
  const derivable = membersOf.length > 1 ? derivableAtoms(membersOf.length, atoms) : atoms.map(() => false);
  for (const u of people) {
    const a = atomOf[u]!;
    if (atoms[a]!.size === 1 && derivable[a]) exposedBefore[u] = 1;
  }
  const answeredToday = new Uint8Array(universe);
  for (const r of answerers) answeredToday[r] = 1;
  return { rowCount: membersOf.length, atomOf, atoms, exposedBefore, people, answeredToday };
}

/** A 32-bit mix of a person's number (murmur3's finaliser), so that row hashes are sums of unrelated values. */
function mix(u: number, seed: number): number {
  let h = Math.imul(u ^ seed, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The shown-group signatures of the people whose answer today's shown groups, the past rows and the
 * overall scores reveal alone, leaving out those the past rows single out anyway.
 */
function exposedPeople(past: PastRows, metricCount: number, groupOf: (r: number, m: number) => number, shown: boolean[][]): number[][] {
  const rowOf = shown.map((row) => row.map(() => -1));
  let rowCount = past.rowCount;
  shown.forEach((row, m) => row.forEach((s, g) => s && (rowOf[m]![g] = rowCount++)));
  if (rowCount === past.rowCount) return [];
  const atomOf = new Map<string, number>();
  const atoms: { rows: number[]; size: number; signature: number[]; person: number }[] = [];
  for (const u of past.people) {
    let key = 0;
    const signature: number[] = [];
    const today = past.answeredToday[u] === 1;
    for (let m = 0; m < metricCount; m++) {
      const g = today ? groupOf(u, m) : notShown;
      const s = today && shown[m]![g] ? g : notShown;
      signature.push(s);
      key = key * (groupsPerBreakdown + 1) + s;
    }
    const full = `${past.atomOf[u]}:${key}`;
    const index = atomOf.get(full);
    if (index !== undefined) {
      atoms[index]!.size++;
      continue;
    }
    atomOf.set(full, atoms.length);
    atoms.push({ rows: [...past.atoms[past.atomOf[u]!]!.rows, ...signature.flatMap((s, m) => (s === notShown ? [] : [rowOf[m]![s]!]))], size: 1, signature, person: u });
  }
  const derivable = derivableAtoms(rowCount, atoms);
  return atoms.filter((atom, a) => atom.size === 1 && derivable[a] && !past.exposedBefore[atom.person]).map((atom) => atom.signature);
}

/**
 * Where each person stood in the comment lists breakdown m showed for item i in earlier versions:
 * their group where it showed its comments on the item, "-" where they answered but their group did
 * not, "." where they had not answered; and who answered when, which Glint's overall comment list
 * shows anyway.
 */
interface CommentPlaces {
  /** Per person of the universe, their place before today (numbered), or -1 when they never answered. */
  before: Int32Array;
  placesBefore: number;
  /** How many people share each place before today. */
  earlier: Int32Array;
  /** Per person, how many people answered in exactly the same versions (and today or not) as they did. */
  alike: Int32Array;
  /** Everyone who answered the item in some version or today. */
  people: number[];
}

function commentPlaces(history: CycleHistory, m: number, i: number, answerers: readonly number[]): CommentPlaces | null {
  const versions = history.versions.flatMap((v) => {
    const k = v.breakdowns.findIndex((b) => b.metric === m);
    const answered = v.answered[i];
    return answered ? [{ groups: k >= 0 ? v.breakdowns[k]!.groups : undefined, shown: k >= 0 ? v.commentShown[k]! : [], answered }] : [];
  });
  // Today's comment lists alone are SPEC 12's to decide (minCommentResponses per group).
  if (versions.length === 0) return null;
  const universe = history.universeSize;
  const today = new Uint8Array(universe);
  for (const r of answerers) today[r] = 1;
  const before = new Int32Array(universe).fill(-1);
  const presenceOf = new Int32Array(universe);
  const placeIds = new Map<string, number>();
  const presenceIds = new Map<string, number>();
  const people: number[] = [];
  const id = (ids: Map<string, number>, key: string) => ids.get(key) ?? ids.set(key, ids.size).get(key)!;
  for (let u = 0; u < universe; u++) {
    if (!today[u] && !versions.some((v) => v.answered[u])) continue;
    let place = '';
    let answeredWhen = today[u] ? '1' : '0';
    for (const v of versions) {
      const g = v.groups?.[u] ?? absentFromVersion;
      place += !v.answered[u] ? '.' : v.shown[g]?.[i] ? String(g) : '-';
      answeredWhen += v.answered[u] ? '1' : '0';
    }
    before[u] = id(placeIds, place);
    presenceOf[u] = id(presenceIds, answeredWhen);
    people.push(u);
  }
  const earlier = new Int32Array(placeIds.size);
  const presentCount = new Int32Array(presenceIds.size);
  for (const u of people) {
    earlier[before[u]!]!++;
    presentCount[presenceOf[u]!]!++;
  }
  const alike = new Int32Array(universe);
  for (const u of people) alike[u] = presentCount[presenceOf[u]!]!;
  return { before, placesBefore: placeIds.size, earlier, alike, people };
}

/** Today's place in a breakdown's comment lists: not answered, answered in a group showing none, or the group. */
const placesToday = 2 + groupsPerBreakdown;

/**
 * Which groups of breakdown m withhold their comments on the item today (`shown` in, changed in
 * place): while some commenter's place in all of the breakdown's comment lists, earlier and today's,
 * is shared by fewer people than minCommentResponses, than their place before today and than who
 * answered when already leave (a comment that is in a bucket's list only after a range change moved
 * two people in belongs to one of the two), their group hides its comments, or, when it shows none,
 * the group whose list now holds most of the people they could not be told from before.
 */
function withholdNarrowingComments(places: CommentPlaces | null, answerers: readonly number[], groupOf: (r: number) => number, shown: boolean[], commented: (r: number) => boolean, minCommentResponses: number): void {
  if (!places) return;
  const todayOf = new Uint8Array(places.before.length);
  for (const r of answerers) todayOf[r] = 2 + groupOf(r);
  for (;;) {
    const placeOf = (u: number) => {
      const t = todayOf[u]!;
      return places.before[u]! * placesToday + (t >= 2 && !shown[t - 2] ? 1 : t);
    };
    const together = new Int32Array(places.placesBefore * placesToday);
    for (const u of places.people) together[placeOf(u)]!++;
    // The shown group holding most of those who stood where r stood before: its list told them apart.
    const splitting = (r: number) => {
      const held = new Array<number>(shown.length).fill(0);
      for (const u of places.people) if (places.before[u] === places.before[r] && todayOf[u]! >= 2 && shown[todayOf[u]! - 2]) held[todayOf[u]! - 2]!++;
      return held.reduce((best, n, g) => (n > 0 && (best < 0 || n > held[best]!) ? g : best), -1);
    };
    let hide = -1;
    for (const r of answerers) {
      if (!commented(r)) continue;
      const n = together[placeOf(r)]!;
      if (n >= minCommentResponses || n >= places.earlier[places.before[r]!]! || n >= places.alike[r]!) continue;
      hide = shown[groupOf(r)] ? groupOf(r) : splitting(r);
      break;
    }
    if (hide < 0) return;
    shown[hide] = false;
  }
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
