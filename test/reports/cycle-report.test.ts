import fc from 'fast-check';
import { decideBreakdown, decideCycle, type ConfidentialitySettings } from '../../shared/domain/confidentiality';
import { buildCycleReport, CycleResponses, noDataGroup } from '../../shared/reports/cycle-report';
import { smallestDerivableSize } from '../support/derivability';

const defaults: ConfidentialitySettings = { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 };

interface Person {
  groups: number[];
  scores: (number | undefined)[];
  comments?: (string | undefined)[];
}

function collect(people: readonly Person[], items: number, metrics: number): CycleResponses {
  const responses = new CycleResponses(items, metrics);
  for (const p of people) responses.add(p.groups, p.scores, p.comments);
  return responses;
}

const itemsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ itemId: `q${i + 1}`, favorableMin: 4 }));
const attributesOf = (n: number) => Array.from({ length: n }, (_, m) => ({ metricId: `m${m + 1}`, max: [1, 2, 3] as const }));

/** Per item, the respondent sets whose sums the reports reveal: every shown group's answerers, and everyone who answered (Glint's overall score). */
function revealedSets(people: readonly Person[], metrics: number, items: number, settings: ConfidentialitySettings): number[][][] {
  const report = buildCycleReport(itemsOf(items), attributesOf(metrics), collect(people, items, metrics), settings);
  return Array.from({ length: items }, (_, i) => {
    const answerers = people.flatMap((p, r) => (p.scores[i] !== undefined ? [r] : []));
    // Glint shows an item's overall score only to a population that meets the threshold.
    const sets = answerers.length >= Math.max(settings.minResponses, settings.insightsMinGroupSize) ? [answerers] : [];
    report.attributes.forEach((attribute, m) =>
      attribute.groups.forEach((group, g) => {
        if (group.items[i] !== null) sets.push(answerers.filter((r) => people[r]!.groups[m] === g));
      }),
    );
    return sets;
  });
}

/** n people of one attribute's group g in every other attribute's group 0, answering every item with 3. */
const crowd = (n: number, groups: number[], items = 1): Person[] => Array.from({ length: n }, () => ({ groups, scores: new Array(items).fill(3) }));

describe('decideCycle', () => {
  it('hides a score that two nested buckets of different attributes would give away, which neither breakdown sees alone', () => {
    // A's bucket 1 holds five people; B's bucket 1 holds the same five and one more (person 5).
    const people: Person[] = [
      ...crowd(5, [0, 0]),
      { groups: [1, 0], scores: [5] },
      ...crowd(20, [1, 1]),
      ...crowd(20, [2, 2]),
    ];
    const membership = { metricCount: 2, itemCount: 1, respondentCount: people.length, groups: Uint8Array.from(people.flatMap((p) => p.groups)), answered: () => true };
    const decision = decideCycle(membership, defaults);
    // Each breakdown on its own shows every non-empty group (SPEC section 12 alone sees nothing wrong) ...
    expect(decision.breakdowns.map((b) => b.map((g) => g.status))).toEqual([
      ['ok', 'ok', 'ok', 'insufficient', 'insufficient'],
      ['ok', 'ok', 'ok', 'insufficient', 'insufficient'],
    ]);
    // ... but together A1 (5) and B1 (6) differ by person 5, so the smaller, A1, hides its score first
    // (and, since A1 is then the total minus A's other groups, more must follow), while the groups
    // that give nobody away stay shown.
    expect(decision.itemShown[0]![0]![0]).toBe(false);
    expect(decision.itemShown[0]![2]![0]).toBe(true);
    expect(decision.itemShown[1]![2]![0]).toBe(true);
    const revealed = revealedSets(people, 2, 1, defaults)[0]!;
    expect(smallestDerivableSize(people.length, revealed, 2)).toBeUndefined();
  });

  it('the nested case leaks without the cross-attribute check (the test has teeth)', () => {
    const people: Person[] = [...crowd(5, [0, 0]), { groups: [1, 0], scores: [5] }, ...crowd(20, [1, 1]), ...crowd(20, [2, 2])];
    const everyone = people.map((_, r) => r);
    const inGroup = (m: number, g: number) => everyone.filter((r) => people[r]!.groups[m] === g);
    // What the breakdowns would show if judged one at a time.
    const naive = [everyone, inGroup(0, 0), inGroup(0, 1), inGroup(0, 2), inGroup(1, 0), inGroup(1, 1), inGroup(1, 2)];
    expect(smallestDerivableSize(people.length, naive, 2)).toBe(1);
  });

  it('hides an item in an ok group when fewer than the threshold answered it', () => {
    const people: Person[] = [
      ...Array.from({ length: 6 }, (_, k) => ({ groups: [0], scores: [3, k < 4 ? 3 : undefined] })),
      ...crowd(10, [1], 2),
    ];
    const report = buildCycleReport(itemsOf(2), attributesOf(1), collect(people, 2, 1), defaults);
    const [bucket1, bucket2] = report.attributes[0]!.groups;
    expect(bucket1).toMatchObject({ status: 'ok', respondents: 6 });
    expect(bucket1!.items[0]).not.toBeNull();
    expect(bucket1!.items[1]).toBeNull(); // 4 answered q2 in bucket 1
    // Bucket 2's q2 alone would then be "everyone who answered q2 minus 4 people": still 4 hidden, fine.
    expect(bucket2!.items[1]).not.toBeNull();
  });

  it('withholds an item everywhere when fewer than the threshold answered it at all', () => {
    const people: Person[] = [...crowd(10, [0], 2).map((p, k) => ({ ...p, scores: [3, k < 4 ? 2 : undefined] }))];
    const report = buildCycleReport(itemsOf(2), attributesOf(1), collect(people, 2, 1), defaults);
    expect(report.attributes[0]!.groups[0]!.items[1]).toBeNull();
  });

  it('keeps every breakdown exactly as decideBreakdown decides it', () => {
    const people: Person[] = [...crowd(1, [0, 4]), ...crowd(5, [1, 0]), ...crowd(8, [2, 0]), ...crowd(9, [3, 1])];
    const decision = decideCycle({ metricCount: 2, itemCount: 1, respondentCount: people.length, groups: Uint8Array.from(people.flatMap((p) => p.groups)), answered: () => true }, defaults);
    expect(decision.breakdowns[0]).toEqual(decideBreakdown([1, 5, 8, 9, 0].map((n, g) => ({ key: g, respondents: n })), defaults));
    expect(decision.breakdowns[0]!.map((g) => g.status)).toEqual(['insufficient', 'suppressed', 'ok', 'ok', 'insufficient']);
  });

  it('protects nobody by differencing with suppression 1, and refuses suppression above 2', () => {
    const people: Person[] = [...crowd(5, [0, 0]), { groups: [1, 0], scores: [5] }, ...crowd(20, [1, 1])];
    const membership = { metricCount: 2, itemCount: 1, respondentCount: people.length, groups: Uint8Array.from(people.flatMap((p) => p.groups)), answered: () => true };
    expect(decideCycle(membership, { ...defaults, suppression: 1 }).itemShown[0]![0]![0]).toBe(true);
    expect(() => decideCycle(membership, { ...defaults, suppression: 3 })).toThrow(RangeError);
  });

  it('lets no single answer be derived from all shown scores of random cycles', () => {
    const person = (metrics: number, items: number) =>
      fc.record({
        groups: fc.array(fc.integer({ min: 0, max: noDataGroup }), { minLength: metrics, maxLength: metrics }),
        scores: fc.array(fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined, freq: 8 }), { minLength: items, maxLength: items }),
      });
    const cycle = fc
      .record({ metrics: fc.integer({ min: 1, max: 3 }), items: fc.integer({ min: 1, max: 2 }), threshold: fc.integer({ min: 3, max: 6 }) })
      .chain(({ metrics, items, threshold }) =>
        fc.record({
          metrics: fc.constant(metrics),
          items: fc.constant(items),
          threshold: fc.constant(threshold),
          people: fc.array(person(metrics, items), { minLength: 1, maxLength: 45 }).map((ps) => ps.filter((p) => p.scores.some((s) => s !== undefined))),
        }),
      );
    fc.assert(
      fc.property(cycle, ({ metrics, items, threshold, people }) => {
        if (people.length === 0) return;
        const settings = { ...defaults, minResponses: threshold, insightsMinGroupSize: threshold };
        for (const revealed of revealedSets(people, metrics, items, settings)) {
          expect(smallestDerivableSize(people.length, revealed, 2)).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('buildCycleReport', () => {
  it('gives the mean and favorable share of each shown group, nulls for the others', () => {
    const people: Person[] = [
      ...[5, 4, 4, 2, 1].map((s) => ({ groups: [0], scores: [s] })),
      ...[3, 3, 3, 3, 3, 3].map((s) => ({ groups: [1], scores: [s] })),
      { groups: [2], scores: [5] },
      { groups: [noDataGroup], scores: [5] },
    ];
    const report = buildCycleReport(itemsOf(1), attributesOf(1), collect(people, 1, 1), defaults);
    expect(report.attributes[0]!.groups).toEqual([
      { group: '1', status: 'ok', respondents: 5, items: [{ score: 3.2, favorable: 0.6 }], showComments: false },
      { group: '2', status: 'ok', respondents: 6, items: [{ score: 3, favorable: 0 }], showComments: false },
      { group: '3', status: 'insufficient', respondents: null, items: [null], showComments: false },
      { group: '4', status: 'insufficient', respondents: null, items: [null], showComments: false },
      { group: 'none', status: 'insufficient', respondents: null, items: [null], showComments: false },
    ]);
  });

  it('rounds scores to 2 decimals and shares to 4', () => {
    const people: Person[] = [...[5, 4, 4, 4, 4, 4].map((s) => ({ groups: [0], scores: [s] })), ...crowd(6, [1])];
    const group = buildCycleReport(itemsOf(1), attributesOf(1), collect(people, 1, 1), defaults).attributes[0]!.groups[0]!;
    expect(group.items[0]).toEqual({ score: 4.17, favorable: 1 });
  });

  it('shows comments of groups with at least minCommentResponses respondents, by item then text', () => {
    const people: Person[] = [
      ...Array.from({ length: 10 }, (_, k) => ({ groups: [0], scores: [4, 4], comments: [k === 0 ? 'zebra' : k === 1 ? 'apple' : undefined, k === 2 ? 'first item 2' : '  '] })),
      ...Array.from({ length: 9 }, () => ({ groups: [1], scores: [4, 4], comments: ['not enough people', undefined] })),
    ];
    const report = buildCycleReport(itemsOf(2), attributesOf(1), collect(people, 2, 1), defaults);
    expect(report.comments.get('m1|1')).toEqual([
      { itemId: 'q1', text: 'apple' },
      { itemId: 'q1', text: 'zebra' },
      { itemId: 'q2', text: 'first item 2' },
    ]);
    expect(report.comments.has('m1|2')).toBe(false);
    expect(report.attributes[0]!.groups[1]).toMatchObject({ status: 'ok', showComments: false });
  });

  it('refuses respondents without an answer or with a group outside 0..4', () => {
    const responses = new CycleResponses(1, 1);
    expect(() => responses.add([0], [undefined])).toThrow(RangeError);
    expect(() => responses.add([5], [3])).toThrow(RangeError);
  });

  it('keeps every respondent across growth of its packed arrays', () => {
    const responses = new CycleResponses(1, 1);
    for (let r = 0; r < 5000; r++) responses.add([r % 5], [1 + (r % 5)]);
    expect(responses.count).toBe(5000);
    expect(responses.groupOf(4999, 0)).toBe(4);
    expect(responses.scoreOf(4999, 0)).toBe(5);
    expect(responses.scoreOf(1234, 0)).toBe(5);
  });
});

describe('decideCycle withholds no more than needed', () => {
  it('no withheld group of random cycles could be shown back alone without singling someone out', () => {
    const person = (metrics: number) =>
      fc.record({ groups: fc.array(fc.integer({ min: 0, max: noDataGroup }), { minLength: metrics, maxLength: metrics }), scores: fc.constant([3] as (number | undefined)[]) });
    const cycle = fc
      .record({ metrics: fc.integer({ min: 2, max: 3 }), threshold: fc.integer({ min: 3, max: 5 }) })
      .chain(({ metrics, threshold }) => fc.record({ metrics: fc.constant(metrics), threshold: fc.constant(threshold), people: fc.array(person(metrics), { minLength: 6, maxLength: 40 }) }));
    let withheldSeen = 0;
    fc.assert(
      fc.property(cycle, ({ metrics, threshold, people }) => {
        const settings = { ...defaults, minResponses: threshold, insightsMinGroupSize: threshold };
        const report = buildCycleReport(itemsOf(1), attributesOf(metrics), collect(people, 1, metrics), settings);
        const everyone = people.map((_, r) => r);
        const shownSets = report.attributes.flatMap((a, m) => a.groups.flatMap((g, k) => (g.items[0] !== null ? [everyone.filter((r) => people[r]!.groups[m] === k)] : [])));
        const overall = people.length >= threshold ? [everyone] : [];
        report.attributes.forEach((attribute, m) =>
          attribute.groups.forEach((group, k) => {
            // Withheld by the cross-attribute check: an ok group that many answered, showing no score.
            if (group.status !== 'ok' || group.items[0] !== null) return;
            withheldSeen++;
            const members = everyone.filter((r) => people[r]!.groups[m] === k);
            // The independent checker: shown back alone, someone would be derivable.
            expect(smallestDerivableSize(people.length, [...overall, ...shownSets, members], 2)).toBeDefined();
          }),
        );
      }),
      { numRuns: 300 },
    );
    // The property must have had withheld groups to look at.
    expect(withheldSeen).toBeGreaterThan(0);
  });
});
