import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { metricCatalog } from '../shared/domain/metrics';
import { addDays } from '../shared/domain/weeks';
import { writeSyntheticCsv } from '../local/synthetic-person-query';
import { appDir, runJson, script } from './children';

// The transform benchmark: the pull's parse + window + mean + bucket of the import's export as a CSV
// file, each in a process of its own, against pandas and DuckDB doing the same (both for measuring
// only, each skipped when absent). All three must find the same bucket counts.

export interface TransformFigures {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  peakRssMb: number;
  buckets: number[];
}

interface TransformOutput {
  rows: number;
  ms: number;
  maxRssKb: number;
  buckets: number[];
}

const figures = (r: TransformOutput): TransformFigures => ({ rows: r.rows, ms: r.ms, rowsPerSecond: r.rows / (r.ms / 1000), peakRssMb: r.maxRssKb / 1024, buckets: r.buckets });

/** The range maxima by the export's (display) column names, as pandas and DuckDB read them. */
const rangesByColumn = () => JSON.stringify(Object.fromEntries(metricCatalog.map((m) => [m.columns[1] ?? m.columns[0], m.defaultMax])));

export async function exportFile(outDir: string, employees: number): Promise<{ file: string; from: string; to: string }> {
  // A fixed last week, so the file is made once and reused across days.
  const lastSunday = '2026-11-01';
  const dir = path.join(outDir, 'data');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `person-query-${employees}.csv`);
  if (!existsSync(file) || statSync(file).size === 0) {
    console.log(`generating ${file} ...`);
    await writeSyntheticCsv(file, { people: employees, weeks: 12, lastSunday, seed: 42 });
  }
  return { file, from: addDays(lastSunday, -77), to: lastSunday };
}

export function transformOnce(file: string, from: string, to: string): TransformFigures {
  return figures(runJson<TransformOutput>(process.execPath, [script('transform'), file, from, to]));
}

export function pandasPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

export function pandasOnce(python: string, file: string, from: string, to: string): TransformFigures {
  return figures(runJson<TransformOutput>(python, [path.join(appDir, 'bench', 'transform_pandas.py'), file, from, to, rangesByColumn()]));
}

/** DuckDB's figures, or why there are none (the package is not installed). */
export function duckdbOnce(file: string, from: string, to: string): TransformFigures | { skipped: string } {
  const r = runJson<TransformOutput | { skipped: string }>(process.execPath, [script('transform-duckdb'), file, from, to, rangesByColumn()]);
  return 'skipped' in r ? r : figures(r);
}
