// Which single respondents a set of revealed group sums gives away, across every breakdown at once.
//
// A report that shows a group's mean (and, elsewhere, its size) shows the sum of its members' scores.
// Sums are linear, so from the revealed sums one learns the sum over a set S exactly when S's 0/1
// indicator is a linear combination of the revealed groups' indicators. Every revealed row is
// constant on an "atom" (the respondents who belong to exactly the same revealed groups), so only
// unions of whole atoms can be derived, and one person can be singled out only if they form an atom
// of their own whose indicator lies in the row space.
//
// With rows = revealed groups and columns = atoms, atom a lies in the row space exactly when, after
// reducing the matrix to reduced row echelon form, some row is a multiple of the unit vector of a.
// The reduction is fraction-free Gauss-Jordan (Bareiss): every entry stays an integer minor of the
// matrix and every division is exact. Doubles hold those integers exactly while they stay below 2^53;
// should one grow past that, the whole reduction is redone with BigInt, so the answer is always exact
// (never modulo a prime, where a rank can drop and a leak go unnoticed).

export interface Atom {
  /** The revealed rows (0..rowCount-1) this atom's respondents belong to. */
  rows: readonly number[];
}

class Overflow extends Error {}

/** For each atom, whether the sum over exactly that atom follows from the revealed row sums. */
export function derivableAtoms(rowCount: number, atoms: readonly Atom[]): boolean[] {
  if (!Number.isSafeInteger(rowCount) || rowCount < 0) throw new RangeError(`rowCount must be a non-negative integer, got ${rowCount}`);
  atoms.forEach((atom, a) => {
    for (const r of atom.rows) if (!Number.isInteger(r) || r < 0 || r >= rowCount) throw new RangeError(`atom ${a}: row ${r} is not in 0..${rowCount - 1}`);
  });
  try {
    return reduceWithNumbers(rowCount, atoms);
  } catch (error) {
    if (!(error instanceof Overflow)) throw error;
    return reduceWithBigInts(rowCount, atoms);
  }
}

/** Reads the answer off a reduced matrix: the pivot column of a row whose only nonzero entry is its pivot. */
function unitRows(rows: number, columns: number, pivotColumns: readonly number[], isZero: (r: number, c: number) => boolean): boolean[] {
  const derivable = new Array<boolean>(columns).fill(false);
  for (let r = 0; r < pivotColumns.length && r < rows; r++) {
    const pivot = pivotColumns[r]!;
    let unit = true;
    for (let c = 0; c < columns && unit; c++) if (c !== pivot && !isZero(r, c)) unit = false;
    if (unit) derivable[pivot] = true;
  }
  return derivable;
}

const maxExact = Number.MAX_SAFE_INTEGER;

function reduceWithNumbers(rowCount: number, atoms: readonly Atom[]): boolean[] {
  const m = atoms.length;
  // Row-major: one row of the matrix is a contiguous run of m entries.
  const a = new Float64Array(rowCount * m);
  atoms.forEach((atom, c) => {
    for (const r of atom.rows) a[r * m + c] = 1;
  });
  const pivots: number[] = [];
  let previous = 1;
  for (let c = 0; c < m && pivots.length < rowCount; c++) {
    const top = pivots.length;
    let found = -1;
    for (let r = top; r < rowCount; r++) if (a[r * m + c] !== 0) { found = r; break; }
    if (found < 0) continue;
    if (found !== top) {
      for (let j = 0; j < m; j++) {
        const t = a[top * m + j]!;
        a[top * m + j] = a[found * m + j]!;
        a[found * m + j] = t;
      }
    }
    const p = a[top * m + c]!;
    for (let r = 0; r < rowCount; r++) {
      if (r === top) continue;
      const f = a[r * m + c]!;
      // Pivots of 0/1 matrices are mostly ±1 in a row: then a row without the column stays as it is.
      if (f === 0 && p === previous) continue;
      const base = r * m;
      const pivotBase = top * m;
      for (let j = 0; j < m; j++) {
        const x = a[base + j]!;
        const y = a[pivotBase + j]!;
        if (x === 0 && (f === 0 || y === 0)) continue;
        const left = p * x;
        const right = f * y;
        if (Math.abs(left) > maxExact || Math.abs(right) > maxExact || Math.abs(left - right) > maxExact) throw new Overflow();
        a[base + j] = (left - right) / previous;
      }
    }
    previous = p;
    pivots.push(c);
  }
  return unitRows(rowCount, m, pivots, (r, c) => a[r * m + c] === 0);
}

function reduceWithBigInts(rowCount: number, atoms: readonly Atom[]): boolean[] {
  const m = atoms.length;
  const a: bigint[][] = Array.from({ length: rowCount }, () => new Array<bigint>(m).fill(0n));
  atoms.forEach((atom, c) => {
    for (const r of atom.rows) a[r]![c] = 1n;
  });
  const pivots: number[] = [];
  let previous = 1n;
  for (let c = 0; c < m && pivots.length < rowCount; c++) {
    const top = pivots.length;
    let found = -1;
    for (let r = top; r < rowCount; r++) if (a[r]![c] !== 0n) { found = r; break; }
    if (found < 0) continue;
    [a[top], a[found]] = [a[found]!, a[top]!];
    const pivotRow = a[top];
    const p = pivotRow[c]!;
    for (let r = 0; r < rowCount; r++) {
      if (r === top) continue;
      const row = a[r]!;
      const f = row[c]!;
      for (let j = 0; j < m; j++) row[j] = (p * row[j]! - f * pivotRow[j]!) / previous;
    }
    previous = p;
    pivots.push(c);
  }
  return unitRows(rowCount, m, pivots, (r, c) => a[r]![c] === 0n);
}
