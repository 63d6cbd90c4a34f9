// What an attacker can compute from a set of reports (SPEC section 12, differencing). A report that
// shows a group's count and mean shows the sum of its respondents' scores, and sums are linear: from
// the sums over sets A_1..A_m one learns the sum over a set S, whatever the scores are, exactly when
// S's 0/1 indicator vector is a linear combination of the A_j's indicators. The model ignores what the
// bounds of a scale give away (two people summing to 10 on a 1-5 scale both answered 5), so it finds
// every leak by subtraction, and only those.
//
// The arithmetic is exact (BigInt, fraction-free elimination over the rationals), not modulo a
// prime: a rank modulo p can be lower than over the rationals, and membership can then differ.
// Modulo 2 {0,1}, {1,2}, {0,2} never give {0}, yet over the rationals {0} is half of
// {0,1} + {0,2} - {1,2}.

type Row = bigint[];

function indicator(n: number, set: readonly number[], what: string): Row {
  const row: Row = new Array<bigint>(n).fill(0n);
  for (const i of set) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`${what}: respondent ${i} is not in 0..${n - 1}`);
    if (row[i] !== 0n) throw new RangeError(`${what}: respondent ${i} appears twice`);
    row[i] = 1n;
  }
  return row;
}

/**
 * For every respondent i a signature σ_i, such that a set S is derivable exactly when Σ_{i∈S} σ_i = 0.
 *
 * v lies in the row space of the revealed matrix A exactly when v is orthogonal to A's null space
 * (over a field the row space is the orthogonal complement of the null space: one contains the other
 * and both have dimension rank A). With a basis z^1..z^d of the null space, σ_i = (z^1_i, …, z^d_i),
 * and v = 1_S is orthogonal to every z^t exactly when Σ_{i∈S} z^t_i = 0. The basis is read from the
 * reduced row echelon form, one vector per free column, scaled to integers (scaling a basis vector
 * does not change which sums vanish).
 *
 * The echelon form is kept fraction-free (Bareiss): the integer rows M hold D times the reduced rows,
 * where D is the determinant of the chosen rows on the pivot columns, so every entry is a minor of A
 * and stays a few hundred bits for n = 200, with no gcds to compute. Adding a row v that is not yet in
 * the span: w = D·v − Σ_{pivots p_r} v[p_r]·M_r vanishes on the old pivots, and its first nonzero
 * entry w[c] is the new determinant D' (Schur complement); each old row becomes
 * (D'·M_r − M_r[c]·w) / D, a division that is exact because the result is again a matrix of minors.
 */
function signatures(n: number, revealed: readonly (readonly number[])[]): Row[] {
  const rows: Row[] = [];
  const pivotOf: number[] = [];
  let det = 1n;
  revealed.forEach((set, j) => {
    const v = indicator(n, set, `revealed set ${j}`);
    if (rows.length === n) return; // full rank already: every set is derivable
    const w = v.map((x) => x * det);
    rows.forEach((row, r) => {
      if (v[pivotOf[r]!] === 0n) return;
      for (let c = 0; c < n; c++) w[c] = w[c]! - row[c]!;
    });
    const pivot = w.findIndex((x) => x !== 0n);
    if (pivot < 0) return; // already in the span: reveals nothing new
    const next = w[pivot]!;
    for (const row of rows) {
      const m = row[pivot]!;
      for (let c = 0; c < n; c++) row[c] = (next * row[c]! - m * w[c]!) / det;
    }
    rows.push(w);
    pivotOf.push(pivot);
    det = next;
  });

  const isPivot = new Array<boolean>(n).fill(false);
  for (const p of pivotOf) isPivot[p] = true;
  const free = [...Array(n).keys()].filter((c) => !isPivot[c]);
  const sigma: Row[] = Array.from({ length: n }, () => new Array<bigint>(free.length).fill(0n));
  free.forEach((f, t) => {
    sigma[f]![t] = det;
    rows.forEach((row, r) => {
      sigma[pivotOf[r]!]![t] = -row[f]!;
    });
  });
  return sigma;
}

const keyOf = (vector: readonly bigint[]): string => vector.join(',');

/**
 * Every set S of respondents with 1 ≤ |S| < k whose score sum follows from the sums of the revealed
 * sets, ordered by size, then lexicographically (each S sorted ascending). Respondents are 0..n-1.
 * Meant for k ≤ 3 with n up to a few hundred: the work grows like n^(k-2).
 */
export function derivableSubsetsSmallerThan(n: number, revealed: readonly (readonly number[])[], k: number): number[][] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const sigma = signatures(n, revealed);
  // Respondents by signature, ascending: the last member of a set is looked up instead of enumerated.
  const bySignature = new Map<string, number[]>();
  sigma.forEach((s, i) => {
    const key = keyOf(s);
    const list = bySignature.get(key);
    if (list) list.push(i);
    else bySignature.set(key, [i]);
  });

  const found: number[][] = [];
  const width = sigma[0]?.length ?? 0;
  for (let size = 1; size < k && size <= n; size++) {
    const visit = (prefix: number[], sum: Row, start: number): void => {
      if (prefix.length === size - 1) {
        for (const last of bySignature.get(keyOf(sum.map((x) => -x))) ?? []) if (last >= start) found.push([...prefix, last]);
        return;
      }
      for (let i = start; i < n; i++) visit([...prefix, i], sum.map((x, t) => x + sigma[i]![t]!), i + 1);
    };
    visit([], new Array<bigint>(width).fill(0n), 0);
  }
  return found;
}

/** Whether the score sum of `subset` follows from the sums of the revealed sets. */
export function isDerivable(n: number, revealed: readonly (readonly number[])[], subset: readonly number[]): boolean {
  indicator(n, subset, 'subset');
  const sigma = signatures(n, revealed);
  const sum = subset.reduce((acc, i) => acc.map((x, t) => x + sigma[i]![t]!), new Array<bigint>(sigma[0]?.length ?? 0).fill(0n));
  return sum.every((x) => x === 0n);
}

/** The size of the smallest derivable set with fewer than k respondents, or undefined if there is none. */
export function smallestDerivableSize(n: number, revealed: readonly (readonly number[])[], k: number): number | undefined {
  return derivableSubsetsSmallerThan(n, revealed, k)[0]?.length;
}
