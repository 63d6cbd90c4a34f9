import fc from 'fast-check';
import { absentFromVersion, decideCycle, type ConfidentialitySettings, type CycleDecision, type PublishedVersion } from '../../shared/domain/confidentiality';
import { derivableSubsetsSmallerThan, isDerivable } from '../support/derivability';

// Differencing across versions (issue 13): what a cycle's reports show now is decided together with
// everything they showed before. The checks here are independent of the product's: sums over the
// shown sets go to the exact rational checker in test/support/derivability.ts, and comment lists are
// compared set by set.

const defaults: ConfidentialitySettings = { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 10 };

/** One version of a cycle with one item: who answered (people 0..answering-1, by arrival), their groups per breakdown, who commented. */
interface Version {
  answering: number;
  groups: number[][]; // groups[m][person]
  commented?: (person: number) => boolean;
}

function decide(version: Version, earlier: readonly PublishedVersion[], universe: number, settings = defaults): CycleDecision {
  const metricCount = version.groups.length;
  const groups = new Uint8Array(version.answering * metricCount);
  for (let r = 0; r < version.answering; r++) for (let m = 0; m < metricCount; m++) groups[r * metricCount + m] = version.groups[m]![r]!;
  return decideCycle(
    { metricCount, itemCount: 1, respondentCount: version.answering, groups, answered: () => true, commented: version.commented ? (r) => version.commented!(r) : undefined },
    settings,
    { history: { universeSize: universe, versions: earlier } },
  );
}

function published(version: Version, decision: CycleDecision, universe: number): PublishedVersion {
  const answered = new Uint8Array(universe);
  answered.fill(1, 0, version.answering);
  return {
    breakdowns: version.groups.map((column, metric) => {
      const groups = new Uint8Array(universe).fill(absentFromVersion);
      column.slice(0, version.answering).forEach((g, r) => (groups[r] = g));
      return { metric, groups };
    }),
    answered: [answered],
    itemShown: decision.itemShown,
    commentShown: decision.commentShown,
  };
}

/** Runs the versions in turn, each decided with the ones before it (or alone, without history). */
function publishAll(versions: readonly Version[], universe: number, withHistory = true, settings = defaults): CycleDecision[] {
  const history: PublishedVersion[] = [];
  return versions.map((version) => {
    const decision = decide(version, withHistory ? history : [], universe, settings);
    history.push(published(version, decision, universe));
    return decision;
  });
}

const membersOf = (version: Version, m: number, g: number) => Array.from({ length: version.answering }, (_, r) => r).filter((r) => version.groups[m]![r] === g);

/** Every set whose sum some version showed: the overall score where the threshold answered, and each shown group. */
function shownSets(versions: readonly Version[], decisions: readonly CycleDecision[], threshold: number): { all: number[][]; overall: number[][] } {
  const overall = versions.filter((v) => v.answering >= threshold).map((v) => Array.from({ length: v.answering }, (_, r) => r));
  const groups = versions.flatMap((v, k) => v.groups.flatMap((_, m) => [0, 1, 2, 3, 4].filter((g) => decisions[k]!.itemShown[m]![g]![0]).map((g) => membersOf(v, m, g))));
  return { all: [...overall, ...groups], overall };
}

/** People whose own answer the shown sets give away, beyond those the overall scores alone give away. */
function singledOut(universe: number, sets: { all: number[][]; overall: number[][] }): number[] {
  return derivableSubsetsSmallerThan(universe, sets.all, 2)
    .map(([r]) => r!)
    .filter((r) => !isDerivable(universe, sets.overall, [r]));
}

/** 40 people, one attribute: bucket 4 ("3") holds the last `inTop` of them, the rest spread over buckets 1-3. */
const ranges = (inTop: number): number[][] => [Array.from({ length: 40 }, (_, r) => (r >= 40 - inTop ? 3 : r % 3))];

describe('decideCycle across versions', () => {
  it('a range change that moves one person into bucket 4 would give their score away; the history withholds it', () => {
    const attack: Version[] = [
      { answering: 40, groups: ranges(10) },
      { answering: 40, groups: ranges(11) },
    ];
    const blind = publishAll(attack, 40, false);
    expect(singledOut(40, shownSets(attack, blind, 10))).toEqual([29]);

    const decisions = publishAll(attack, 40);
    expect(singledOut(40, shownSets(attack, decisions, 10))).toEqual([]);
    expect(decisions[1]!.itemShown[0]!.some((g, k) => !g[0] && blind[1]!.itemShown[0]![k]![0])).toBe(true);
  });

  it('withholds nothing for a response that arrived alone: the overall scores give it away whatever the groups show', () => {
    const groups = [Array.from({ length: 41 }, (_, r) => r % 3)];
    const versions: Version[] = [
      { answering: 40, groups },
      { answering: 41, groups },
    ];
    const decisions = publishAll(versions, 41);
    expect(decisions[1]!.itemShown).toEqual(publishAll(versions, 41, false)[1]!.itemShown);
  });

  it('protects one of two responses that arrived together when the groups would tell them apart', () => {
    // Person 40 joins bucket 1, person 41 bucket 2: the overall scores give only their sum.
    const groups = [Array.from({ length: 42 }, (_, r) => (r === 40 ? 0 : r === 41 ? 1 : r % 3))];
    const versions: Version[] = [
      { answering: 40, groups },
      { answering: 42, groups },
    ];
    expect(singledOut(42, shownSets(versions, publishAll(versions, 42, false), 10)).sort()).toEqual([40, 41]);
    expect(singledOut(42, shownSets(versions, publishAll(versions, 42), 10))).toEqual([]);
  });

  it('keeps a range change that moves many people: nothing to withhold', () => {
    const versions: Version[] = [
      { answering: 40, groups: ranges(10) },
      { answering: 40, groups: ranges(20) },
    ];
    expect(publishAll(versions, 40)[1]!.itemShown).toEqual(publishAll(versions, 40, false)[1]!.itemShown);
  });

  it('withholds the comments of a bucket two people moved into, which would narrow each new comment to one of two', () => {
    const commented = () => true;
    const settings = { ...defaults, minCommentResponses: 10, minResponses: 5, insightsMinGroupSize: 5 };
    const versions: Version[] = [
      { answering: 40, groups: ranges(10), commented },
      { answering: 40, groups: ranges(12), commented },
    ];
    const blind = publishAll(versions, 40, false, settings);
    expect(narrowedCommenters(versions, blind, settings.minCommentResponses).length).toBeGreaterThan(0);
    const decisions = publishAll(versions, 40, true, settings);
    expect(narrowedCommenters(versions, decisions, settings.minCommentResponses)).toEqual([]);
    expect(decisions[0]!.commentShown[0]![3]![0]).toBe(true);
  });

  const person = fc.record({ arrival: fc.integer({ min: 0, max: 2 }), groups: fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }), { minLength: 3, maxLength: 3 }), comments: fc.boolean() });
  const cycles = fc.record({
    people: fc.array(person, { minLength: 8, maxLength: 36 }),
    versions: fc.integer({ min: 2, max: 3 }),
    threshold: fc.integer({ min: 3, max: 5 }),
    // Most people keep their group from one version to the next; some move, as a range change moves them.
    stay: fc.array(fc.boolean(), { minLength: 72, maxLength: 72 }),
  });

  /** Random cycles: people arrive in some version and keep answering; their groups change between versions for some. */
  function versionsOf(c: typeof cycles extends fc.Arbitrary<infer T> ? T : never): { versions: Version[]; universe: number; settings: ConfidentialitySettings } {
    const people = [...c.people].sort((a, b) => a.arrival - b.arrival);
    const settings = { ...defaults, minResponses: c.threshold, insightsMinGroupSize: c.threshold, minCommentResponses: c.threshold };
    const versions = Array.from({ length: c.versions }, (_, k): Version => ({
      answering: people.filter((p) => p.arrival <= k).length,
      groups: [0, 1].map((m) => people.map((p, r) => (k === 0 || c.stay[(r * 2 + m) % 72] ? p.groups[0]![m]! : p.groups[k]![m]!))),
      commented: (r) => people[r]!.comments,
    }));
    return { versions, universe: people.length, settings };
  }

  it('lets no answer be derived from every version of random cycles, beyond what the overall scores give away', () => {
    fc.assert(
      fc.property(cycles, (c) => {
        const { versions, universe, settings } = versionsOf(c);
        const decisions = publishAll(versions, universe, true, settings);
        expect(singledOut(universe, shownSets(versions, decisions, c.threshold))).toEqual([]);
        expect(narrowedCommenters(versions, decisions, settings.minCommentResponses)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('no group the last version withheld could be shown back alone without singling someone out', () => {
    let withheldSeen = 0;
    fc.assert(
      fc.property(cycles, (c) => {
        const { versions, universe, settings } = versionsOf(c);
        const decisions = publishAll(versions, universe, true, settings);
        const last = versions.length - 1;
        const version = versions[last]!;
        const shown = shownSets(versions, decisions, c.threshold);
        version.groups.forEach((_, m) =>
          [0, 1, 2, 3, 4].forEach((g) => {
            const members = membersOf(version, m, g);
            const blind = publishAll(versions, universe, false, settings)[last]!;
            // Withheld because of what was shown: a group the same version alone would show.
            if (decisions[last]!.itemShown[m]![g]![0] || !blind.itemShown[m]![g]![0]) return;
            withheldSeen++;
            expect(singledOut(universe, { all: [...shown.all, members], overall: shown.overall }).length).toBeGreaterThan(0);
          }),
        );
      }),
      { numRuns: 200 },
    );
    expect(withheldSeen).toBeGreaterThan(0);
  });
});

/**
 * Commenters whose comment the comment lists of one breakdown narrow down, across versions, to fewer
 * people than minCommentResponses, than the lists before the last version did, and than who answered
 * when (Glint's overall lists) does. A person's place is the list of every shown list they are in.
 */
function narrowedCommenters(versions: readonly Version[], decisions: readonly CycleDecision[], minCommentResponses: number): number[] {
  const found: number[] = [];
  versions.forEach((version, k) => {
    if (k === 0) return;
    const universe = Math.max(...versions.map((v) => v.answering));
    version.groups.forEach((_, m) => {
      const lists = (upTo: number) =>
        versions.slice(0, upTo + 1).flatMap((v, j) => [0, 1, 2, 3, 4].filter((g) => decisions[j]!.commentShown[m]![g]![0]).map((g) => new Set(membersOf(v, m, g))));
      const answeredWhen = (u: number) => versions.slice(0, k + 1).map((v) => u < v.answering);
      const sameIn = (sets: Set<number>[], u: number, w: number) => sets.every((s) => s.has(u) === s.has(w));
      const now = lists(k);
      const before = lists(k - 1);
      for (let r = 0; r < version.answering; r++) {
        if (!version.commented?.(r)) continue;
        const everyone = Array.from({ length: universe }, (_, u) => u).filter((u) => answeredWhen(u).some(Boolean));
        const together = everyone.filter((u) => sameIn(now, r, u) && answeredWhen(u).join() === answeredWhen(r).join()).length;
        const earlier = everyone.filter((u) => sameIn(before, r, u) && answeredWhen(u).slice(0, k).join() === answeredWhen(r).slice(0, k).join()).length;
        const alike = everyone.filter((u) => answeredWhen(u).join() === answeredWhen(r).join()).length;
        if (together < minCommentResponses && together < earlier && together < alike) found.push(r);
      }
    });
  });
  return [...new Set(found)];
}
