import fc from 'fast-check';
import { derivableAtoms, type Atom } from '../../shared/domain/disclosure';
import { isDerivable } from '../support/derivability';

// The production check (fraction-free Gauss-Jordan over atoms) against the independent test helper
// (null-space signatures over respondents): with every atom one respondent they must agree exactly.
function expected(rowCount: number, atoms: readonly Atom[]): boolean[] {
  const revealed = Array.from({ length: rowCount }, (_, r) => atoms.flatMap((atom, a) => (atom.rows.includes(r) ? [a] : [])));
  return atoms.map((_, a) => isDerivable(atoms.length, revealed, [a]));
}

const atomsOf = (...rows: number[][]): Atom[] => rows.map((r) => ({ rows: r }));

describe('derivableAtoms', () => {
  it('finds the one person a group and its subgroup differ by (nested buckets of two attributes)', () => {
    // rows: 0 = A's group {0..4}, 1 = B's group {0..5}; atoms: 0..4 in both, 5 only in B.
    const atoms = atomsOf([0, 1], [1]);
    expect(derivableAtoms(2, atoms)).toEqual([true, true]);
  });

  it('finds nobody when two overlapping groups leave every atom in a cycle', () => {
    // Two attributes of two groups each over four kinds of people: (a1,b1) (a1,b2) (a2,b1) (a2,b2).
    const atoms = atomsOf([0, 2], [0, 3], [1, 2], [1, 3]);
    expect(derivableAtoms(4, atoms)).toEqual([false, false, false, false]);
  });

  it('finds the person missing from every shown group when the total is known', () => {
    // rows: 0 = total, 1 = group {atom 0}, 2 = group {atom 1}; atom 2 is in no shown group.
    const atoms = atomsOf([0, 1], [0, 2], [0]);
    expect(derivableAtoms(3, atoms)).toEqual([true, true, true]);
  });

  it('works over the rationals: an atom that is half of a combination of three groups', () => {
    const atoms = atomsOf([0, 1], [0, 2], [1, 2]);
    expect(derivableAtoms(3, atoms)).toEqual([true, true, true]);
    expect(expected(3, atoms)).toEqual([true, true, true]);
  });

  it('agrees with the exact test helper on random matrices', () => {
    const matrix = fc.integer({ min: 1, max: 7 }).chain((rowCount) =>
      fc.record({
        rowCount: fc.constant(rowCount),
        atoms: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: rowCount - 1 }), { maxLength: rowCount }).map((rows) => ({ rows })), { maxLength: 12 }),
      }),
    );
    fc.assert(
      fc.property(matrix, ({ rowCount, atoms }) => {
        expect(derivableAtoms(rowCount, atoms)).toEqual(expected(rowCount, atoms));
      }),
      { numRuns: 400 },
    );
  });

  it('stays exact when the minors outgrow doubles (it falls back to BigInt)', () => {
    // Dense random 0/1 matrices with many rows have minors far beyond 2^53.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const rowCount = 40;
    const atoms: Atom[] = Array.from({ length: 60 }, () => ({ rows: [...Array(rowCount).keys()].filter(() => random() < 0.5) }));
    expect(derivableAtoms(rowCount, atoms)).toEqual(expected(rowCount, atoms));
  });

  it('refuses rows outside the matrix', () => {
    expect(() => derivableAtoms(2, atomsOf([2]))).toThrow(RangeError);
  });
});
