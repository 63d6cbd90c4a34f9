import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { addDays } from '../shared/domain/weeks';

// A deterministic synthetic Viva Insights person query: the sample's column names (display form),
// realistic spreads per metric, a stable level per person with weekly noise. Used by `npm start` to
// fill the local import folder and by benchmarks; seeded, so the same arguments give the same file.

interface MetricShape {
  column: string;
  median: number;
  spread: number;
  decimals: number;
}

const shapes: MetricShape[] = [
  { column: 'Email hours', median: 5, spread: 0.5, decimals: 2 },
  { column: 'Call hours', median: 4, spread: 0.7, decimals: 2 },
  { column: 'After-hours collaboration hours', median: 2, spread: 0.8, decimals: 2 },
  { column: 'Multitasking hours', median: 1.5, spread: 0.8, decimals: 2 },
  { column: 'Collaboration hours', median: 18, spread: 0.45, decimals: 2 },
  { column: 'Uninterrupted hours', median: 9, spread: 0.5, decimals: 2 },
  { column: 'Meeting hours', median: 9, spread: 0.5, decimals: 2 },
  { column: 'Meeting hours with manager 1:1', median: 0.25, spread: 0.9, decimals: 2 },
  { column: 'Meeting hours with skip level', median: 0.4, spread: 1, decimals: 2 },
  { column: 'Internal network size', median: 28, spread: 0.45, decimals: 0 },
];

export const syntheticColumns = ['PersonId', 'MetricDate', ...shapes.map((s) => s.column), 'IsActive'];

/** mulberry32: tiny, fast, good enough for test data, and reproducible everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export interface SyntheticOptions {
  people: number;
  weeks: number;
  /** The Sunday of the last week. */
  lastSunday: string;
  seed?: number;
}

/** Rows in person-major order, each as the CSV's string fields. */
export function* syntheticRows(options: SyntheticOptions): Generator<string[]> {
  const rand = random(options.seed ?? 42);
  for (let p = 0; p < options.people; p++) {
    const levels = shapes.map((s) => s.median * Math.exp(s.spread * normal(rand)));
    const personId = `person${String(p).padStart(6, '0')}@contoso.com`;
    for (let w = options.weeks - 1; w >= 0; w--) {
      const values = shapes.map((s, i) => Math.max(0, (levels[i] as number) * (1 + 0.2 * normal(rand))).toFixed(s.decimals));
      yield [personId, addDays(options.lastSunday, -7 * w), ...values, rand() < 0.02 ? 'FALSE' : 'TRUE'];
    }
  }
}

export async function writeSyntheticCsv(file: string, options: SyntheticOptions): Promise<number> {
  const out = createWriteStream(file);
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  out.write(`${syntheticColumns.map(quote).join(',')}\n`);
  let rows = 0;
  for (const row of syntheticRows(options)) {
    if (!out.write(`${row.map(quote).join(',')}\n`)) await once(out, 'drain');
    rows++;
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

/** The same rows as OData person-query records (JSON types), for the simulator. */
export function* syntheticRecords(options: SyntheticOptions): Generator<Record<string, string | number | boolean>> {
  for (const row of syntheticRows(options)) {
    const record: Record<string, string | number | boolean> = {};
    syntheticColumns.forEach((column, i) => {
      const value = row[i] as string;
      record[column] = column === 'PersonId' || column === 'MetricDate' ? value : column === 'IsActive' ? value === 'TRUE' : Number(value);
    });
    yield record;
  }
}
