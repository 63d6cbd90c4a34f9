import fc from 'fast-check';
import { decideBreakdown, decideCounts, groupThreshold, type ConfidentialitySettings, type GroupDecision } from '../../shared/domain/confidentiality';
import { derivableSubsetsSmallerThan, isDerivable, smallestDerivableSize } from '../support/derivability';

const defaults: ConfidentialitySettings = { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 };

/** Groups keyed by position, the way a breakdown passes buckets 1..4 and then "No data". */
function decide(sizes: readonly number[], settings: Partial<ConfidentialitySettings> = {}): GroupDecision<number>[] {
  return decideBreakdown(
    sizes.map((respondents, key) => ({ key, respondents })),
    { ...defaults, ...settings },
  );
}

const statuses = (sizes: readonly number[], settings: Partial<ConfidentialitySettings> = {}) => decide(sizes, settings).map((d) => d.status);

const isHidden = (d: GroupDecision<unknown>) => d.status === 'suppressed' || (d.status === 'insufficient' && d.respondents > 0);
const hiddenRespondents = (decisions: readonly GroupDecision<unknown>[]) => decisions.filter(isHidden).reduce((sum, d) => sum + d.respondents, 0);

/** Settings the API accepts (SPEC section 12). */
const validSettings: fc.Arbitrary<ConfidentialitySettings> = fc.record({
  minResponses: fc.integer({ min: 3, max: 12 }),
  suppression: fc.constantFrom(1, 2),
  minCommentResponses: fc.integer({ min: 3, max: 15 }),
  insightsMinGroupSize: fc.integer({ min: 5, max: 12 }),
});

/** Also outside the API's ranges, where a suppression can cascade. */
const anySettings: fc.Arbitrary<ConfidentialitySettings> = fc.record({
  minResponses: fc.integer({ min: 1, max: 12 }),
  suppression: fc.integer({ min: 0, max: 40 }),
  minCommentResponses: fc.integer({ min: 0, max: 15 }),
  insightsMinGroupSize: fc.integer({ min: 1, max: 12 }),
});

const sizes = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 });

describe('groupThreshold', () => {
  it('is the larger of minResponses and insightsMinGroupSize, whichever it is', () => {
    expect(groupThreshold(defaults)).toBe(5);
    expect(groupThreshold({ ...defaults, minResponses: 7, insightsMinGroupSize: 5 })).toBe(7);
    expect(groupThreshold({ ...defaults, minResponses: 3, insightsMinGroupSize: 8 })).toBe(8);
  });
});

describe('decideBreakdown', () => {
  it('shows a group exactly at the threshold and hides one respondent below it', () => {
    expect(statuses([5, 4, 10])).toEqual(['ok', 'insufficient', 'ok']);
  });

  it('uses minResponses as the threshold when it is the larger', () => {
    expect(statuses([8, 7, 10], { minResponses: 8, insightsMinGroupSize: 5 })).toEqual(['ok', 'insufficient', 'ok']);
  });

  it('uses insightsMinGroupSize as the threshold when it is the larger', () => {
    expect(statuses([6, 5, 10], { minResponses: 3, insightsMinGroupSize: 6 })).toEqual(['ok', 'insufficient', 'ok']);
  });

  it('Glint example, 23 respondents as 1, 5, 8, 9: the 1 is insufficient and the 5 is suppressed with it', () => {
    expect(statuses([1, 5, 8, 9])).toEqual(['insufficient', 'suppressed', 'ok', 'ok']);
  });

  it('Glint example, 23 respondents as 2, 5, 7, 9: the 2 already hides two people, nothing is suppressed', () => {
    expect(statuses([2, 5, 7, 9])).toEqual(['insufficient', 'ok', 'ok', 'ok']);
  });

  it('suppresses nothing with suppression 1, since any hidden group hides at least one person', () => {
    expect(statuses([1, 5, 8, 9], { suppression: 1 })).toEqual(['insufficient', 'ok', 'ok', 'ok']);
  });

  it('suppresses the smallest shown group, whatever its position', () => {
    expect(statuses([9, 8, 1, 6])).toEqual(['ok', 'ok', 'insufficient', 'suppressed']);
  });

  it('breaks a tie between smallest groups by input order: the first one is suppressed', () => {
    expect(statuses([1, 6, 6, 9])).toEqual(['insufficient', 'suppressed', 'ok', 'ok']);
    expect(statuses([6, 9, 1, 6])).toEqual(['suppressed', 'ok', 'insufficient', 'ok']);
  });

  it('treats an empty group as insufficient but hiding nobody, so it triggers no suppression', () => {
    expect(decide([0, 5, 8])).toEqual([
      { key: 0, respondents: 0, status: 'insufficient', showComments: false },
      { key: 1, respondents: 5, status: 'ok', showComments: false },
      { key: 2, respondents: 8, status: 'ok', showComments: false },
    ]);
    expect(statuses([0, 0, 0, 0, 0])).toEqual(['insufficient', 'insufficient', 'insufficient', 'insufficient', 'insufficient']);
  });

  it('does not let an empty group count towards suppression', () => {
    expect(statuses([0, 1, 5, 8])).toEqual(['insufficient', 'insufficient', 'suppressed', 'ok']);
  });

  // Within the API's ranges a cascade cannot happen: a suppressed group was shown, so it has at least
  // the threshold (5 or more) respondents, more than the largest suppression (2). These two cases use
  // a suppression outside the API's range to drive the loop itself.
  it('keeps suppressing while the hidden respondents stay below suppression', () => {
    expect(statuses([1, 5, 6, 20], { suppression: 12 })).toEqual(['insufficient', 'suppressed', 'suppressed', 'ok']);
  });

  it('stops when no shown group is left, even if the hidden respondents are still too few', () => {
    expect(statuses([1, 5, 6], { suppression: 20 })).toEqual(['insufficient', 'suppressed', 'suppressed']);
    expect(statuses([1, 0, 0, 0, 0])).toEqual(['insufficient', 'insufficient', 'insufficient', 'insufficient', 'insufficient']);
  });

  it('shows comments only for shown groups with at least minCommentResponses respondents', () => {
    expect(decide([9, 10, 12]).map((d) => d.showComments)).toEqual([false, true, true]);
  });

  it('hides the comments of a suppressed group, however large', () => {
    expect(decide([1, 12, 15]).map((d) => [d.status, d.showComments])).toEqual([
      ['insufficient', false],
      ['suppressed', false],
      ['ok', true],
    ]);
  });

  it('still needs the group threshold for comments when minCommentResponses is below it', () => {
    expect(decide([4, 5, 3], { minCommentResponses: 3, suppression: 1 }).map((d) => [d.status, d.showComments])).toEqual([
      ['insufficient', false],
      ['ok', true],
      ['insufficient', false],
    ]);
  });

  it('keeps keys, counts and input order', () => {
    const decisions = decideBreakdown(
      [
        { key: 'No data', respondents: 7 },
        { key: 'bucket 1', respondents: 1 },
        { key: 'bucket 2', respondents: 30 },
      ],
      defaults,
    );
    expect(decisions.map((d) => [d.key, d.respondents, d.status])).toEqual([
      ['No data', 7, 'suppressed'],
      ['bucket 1', 1, 'insufficient'],
      ['bucket 2', 30, 'ok'],
    ]);
    expect(decideBreakdown([], defaults)).toEqual([]);
  });

  it('refuses counts and settings that are not non-negative integers, and a threshold of 0', () => {
    expect(() => decide([5, -1])).toThrow(RangeError);
    expect(() => decide([5, 2.5])).toThrow(RangeError);
    expect(() => decide([5, Number.NaN])).toThrow(RangeError);
    expect(() => decide([5], { suppression: -1 })).toThrow(RangeError);
    expect(() => decide([5], { minCommentResponses: 1.5 })).toThrow(RangeError);
    expect(() => decide([5], { minResponses: 0, insightsMinGroupSize: 0 })).toThrow(/at least 1/);
  });

  describe('properties', () => {
    it('(a) hides no one, or at least `suppression` respondents, or everything', () => {
      fc.assert(
        fc.property(sizes, anySettings, (groups, settings) => {
          const decisions = decide(groups, settings);
          const noneHidden = !decisions.some(isHidden);
          const enoughHidden = hiddenRespondents(decisions) >= settings.suppression;
          const noneShown = !decisions.some((d) => d.status === 'ok');
          return noneHidden || enoughHidden || noneShown;
        }),
      );
    });

    it('(b) never calls a group insufficient when it reaches the threshold, and always when it does not', () => {
      fc.assert(
        fc.property(sizes, anySettings, (groups, settings) =>
          decide(groups, settings).every((d) => (d.status === 'insufficient') === d.respondents < groupThreshold(settings)),
        ),
      );
    });

    it('(c) gives each group the same status whatever the input order, when sizes are distinct', () => {
      const distinctSizes = fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 });
      fc.assert(
        fc.property(
          distinctSizes.chain((groups) => fc.tuple(fc.constant(groups), fc.shuffledSubarray(groups, { minLength: groups.length, maxLength: groups.length }))),
          anySettings,
          ([groups, permuted], settings) => {
            // Keyed by size, which is unique here, so the key follows the group through the permutation.
            const byKey = (list: number[]) => new Map(decideBreakdown(list.map((n) => ({ key: n, respondents: n })), settings).map((d) => [d.key, d.status]));
            expect(byKey(permuted)).toEqual(byKey(groups));
          },
        ),
      );
    });

    it('(d) shows comments only for groups that are ok', () => {
      fc.assert(fc.property(sizes, anySettings, (groups, settings) => decide(groups, settings).every((d) => !d.showComments || d.status === 'ok')));
    });

    it('suppresses only groups no larger than any group left shown, and none more than needed', () => {
      fc.assert(
        fc.property(sizes, anySettings, (groups, settings) => {
          const decisions = decide(groups, settings);
          const suppressed = decisions.filter((d) => d.status === 'suppressed');
          if (suppressed.length === 0) return true;
          const largestSuppressed = Math.max(...suppressed.map((d) => d.respondents));
          const shown = decisions.filter((d) => d.status === 'ok');
          // Without the last (largest) suppressed group, too few respondents were hidden.
          const hiddenBeforeLast = hiddenRespondents(decisions) - largestSuppressed;
          return shown.every((d) => d.respondents >= largestSuppressed) && hiddenBeforeLast > 0 && hiddenBeforeLast < settings.suppression;
        }),
      );
    });

    it('suppresses at most one group with settings the API accepts', () => {
      fc.assert(fc.property(sizes, validSettings, (groups, settings) => decide(groups, settings).filter((d) => d.status === 'suppressed').length <= 1));
    });
  });
});

describe('derivability helper', () => {
  it('derives {1} from {0, 1} and {0}', () => {
    expect(derivableSubsetsSmallerThan(2, [[0, 1], [0]], 2)).toEqual([[0], [1]]);
    expect(isDerivable(2, [[0, 1], [0]], [1])).toBe(true);
  });

  it('derives no single respondent from {0, 1} and {1, 2}, only the revealed pairs', () => {
    expect(derivableSubsetsSmallerThan(3, [[0, 1], [1, 2]], 2)).toEqual([]);
    expect(derivableSubsetsSmallerThan(3, [[0, 1], [1, 2]], 3)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('derives {4} from {0..4} and {0..3}', () => {
    expect(derivableSubsetsSmallerThan(5, [[0, 1, 2, 3, 4], [0, 1, 2, 3]], 2)).toEqual([[4]]);
    expect(smallestDerivableSize(5, [[0, 1, 2, 3, 4], [0, 1, 2, 3]], 3)).toBe(1);
    expect(smallestDerivableSize(5, [[0, 1, 2, 3, 4]], 3)).toBeUndefined();
  });

  it('works over the rationals: {0} is half of {0,1} + {0,2} - {1,2}, which modulo 2 it would not be', () => {
    expect(derivableSubsetsSmallerThan(3, [[0, 1], [1, 2], [0, 2]], 2)).toEqual([[0], [1], [2]]);
  });

  it('enumerates nothing for k = 1 and refuses respondents outside 0..n-1 or twice in a set', () => {
    expect(derivableSubsetsSmallerThan(2, [[0]], 1)).toEqual([]);
    expect(() => derivableSubsetsSmallerThan(2, [[2]], 2)).toThrow(RangeError);
    expect(() => derivableSubsetsSmallerThan(2, [[1, 1]], 2)).toThrow(RangeError);
  });

  it('agrees with a plain rank comparison over exact fractions on small cases', () => {
    const smallCase = fc.integer({ min: 1, max: 6 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }), { maxLength: 6 })),
    );
    fc.assert(
      fc.property(smallCase, ([n, revealed]) => {
        const vectors = revealed.map((set) => [...Array(n).keys()].map((i) => (set.includes(i) ? 1 : 0)));
        const expected: number[][] = [];
        for (let size = 1; size <= 2; size++) {
          for (const subset of subsetsOfSize(n, size)) {
            const v = [...Array(n).keys()].map((i) => (subset.includes(i) ? 1 : 0));
            if (rationalRank([...vectors, v]) === rationalRank(vectors)) expected.push(subset);
          }
        }
        expect(derivableSubsetsSmallerThan(n, revealed, 3)).toEqual(expected);
      }),
    );
  });

  it('handles 200 respondents and 300 dense revealed sets quickly', () => {
    const random = fc.sample(fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { minLength: 60, maxLength: 140 }), { minLength: 300, maxLength: 300 }), { seed: 7, numRuns: 1 })[0]!;
    const started = Date.now();
    expect(derivableSubsetsSmallerThan(200, random, 3).length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('derivability of report decisions with suppression 2', () => {
  /**
   * What a reader sees of one breakdown: the sum of every shown group and, since the overall report
   * uses the same threshold, the sum of everyone when there are enough of them. Respondents are
   * numbered consecutively group by group.
   */
  function revealedSets(groupSizes: readonly number[], statusOf: (i: number) => string, threshold: number): { n: number; revealed: number[][] } {
    const members: number[][] = [];
    let next = 0;
    for (const size of groupSizes) members.push(Array.from({ length: size }, () => next++));
    const revealed = members.filter((_, i) => statusOf(i) === 'ok');
    if (next >= threshold) revealed.push([...Array(next).keys()]);
    return { n: next, revealed };
  }

  function derivableSingletons(groupSizes: readonly number[], settings: ConfidentialitySettings = defaults): number[][] {
    const decisions = decide(groupSizes, settings);
    const { n, revealed } = revealedSets(groupSizes, (i) => decisions[i]!.status, groupThreshold(settings));
    return derivableSubsetsSmallerThan(n, revealed, 2);
  }

  it.each([[[1, 5, 8, 9]], [[2, 5, 7, 9]], [[0, 1, 5, 8]], [[3, 4, 5, 6]], [[1, 6, 6, 9]], [[1, 0, 0, 0, 7]], [[1, 1, 5, 5]]])('reveals no single respondent for groups %j', (groupSizes) => {
    expect(derivableSingletons(groupSizes)).toEqual([]);
  });

  it('would reveal the one respondent of the Glint example without the suppressed group (the check has teeth)', () => {
    const { n, revealed } = revealedSets([1, 5, 8, 9], (i) => (i === 0 ? 'insufficient' : 'ok'), 5);
    expect(derivableSubsetsSmallerThan(n, revealed, 2)).toEqual([[0]]);
  });

  it('reveals no single respondent for any breakdown, with settings the API accepts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 6 }), validSettings, (groupSizes, settings) => {
        expect(derivableSingletons(groupSizes, { ...settings, suppression: 2 })).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

function* subsetsOfSize(n: number, size: number, start = 0): Generator<number[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i < n; i++) for (const rest of subsetsOfSize(n, size - 1, i + 1)) yield [i, ...rest];
}

/** Rank by Gaussian elimination on exact fractions [numerator, denominator]; fine for tiny 0/1 matrices. */
function rationalRank(matrix: readonly number[][]): number {
  type Fraction = [number, number];
  const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
  const make = (n: number, d: number): Fraction => {
    const g = gcd(n, d) || 1;
    return d < 0 ? [-n / g, -d / g] : [n / g, d / g];
  };
  const rows: Fraction[][] = matrix.map((row) => row.map((x) => [x, 1]));
  const width = rows[0]?.length ?? 0;
  let rank = 0;
  for (let c = 0; c < width && rank < rows.length; c++) {
    const p = rows.findIndex((row, r) => r >= rank && row[c]![0] !== 0);
    if (p < 0) continue;
    [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
    const pivot = rows[rank]!;
    for (let r = rank + 1; r < rows.length; r++) {
      const row = rows[r]!;
      const [fn, fd] = make(row[c]![0] * pivot[c]![1], row[c]![1] * pivot[c]![0]);
      rows[r] = row.map(([n, d], k) => make(n * fd * pivot[k]![1] - fn * pivot[k]![0] * d, d * fd * pivot[k]![1]));
    }
    rank++;
  }
  return rank;
}

describe('decideCounts (the attribute distribution, SPEC section 7)', () => {
  it('hides counts under the threshold, zero included, and a lone hidden count takes the next smallest with it', () => {
    expect(decideCounts([40, 0, 0, 0], 5)).toEqual(['shown', 'below-threshold', 'below-threshold', 'below-threshold']);
    expect(decideCounts([12, 8, 10, 10], 5)).toEqual(['shown', 'shown', 'shown', 'shown']);
    expect(decideCounts([12, 3, 10, 10], 5)).toEqual(['shown', 'below-threshold', 'suppressed', 'shown']);
    expect(decideCounts([12, 0, 8, 8], 5)).toEqual(['shown', 'below-threshold', 'suppressed', 'shown']);
    expect(decideCounts([4, 30], 5)).toEqual(['below-threshold', 'suppressed']);
  });

  it('never leaves exactly one count hidden, never shows one under the threshold, and shows the rest as they are', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(30), { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 12 }), (counts, threshold) => {
        const visibility = decideCounts(counts, threshold);
        const hidden = visibility.filter((v) => v !== 'shown').length;
        expect(hidden === 1).toBe(false);
        counts.forEach((count, i) => {
          if (count < threshold) expect(visibility[i]).toBe('below-threshold');
          else expect(visibility[i]).not.toBe('below-threshold');
        });
        // A suppressed count is the smallest of those at or over the threshold.
        visibility.forEach((v, i) => {
          if (v === 'suppressed') expect(counts.filter((c) => c >= threshold).every((c) => c >= counts[i]!)).toBe(true);
        });
      }),
    );
  });
});
