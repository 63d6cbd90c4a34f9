import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { addDays, toDayNumber } from '../../shared/domain/weeks';

// The real Viva Insights person-query sample handed out beside the repository (MIT, see its SOURCE.md).
// Tests read it from there and skip when it is absent; it is never copied into the project.

export const sampleCsvPath = path.resolve(__dirname, '../../../shared/data/vivainsights/pq_data_vivainsights-py_84a84d0.csv');
export const sampleAvailable = existsSync(sampleCsvPath);
export const sampleLastSunday = '2022-07-03';

export function readSampleRows(): Record<string, string>[] {
  return parse<Record<string, string>>(readFileSync(sampleCsvPath, 'utf8'), { columns: true, skip_empty_lines: true });
}

/** The sample as CSV text with every MetricDate moved by whole weeks so that its last week is `lastSunday`. */
export function shiftedSampleCsv(lastSunday: string): string {
  const shift = toDayNumber(lastSunday) - toDayNumber(sampleLastSunday);
  if (shift % 7 !== 0) throw new Error('shift by whole weeks only');
  const rows = readSampleRows();
  const headers = Object.keys(rows[0]!);
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [headers.map(quote).join(',')];
  for (const row of rows) lines.push(headers.map((h) => quote(h === 'MetricDate' ? addDays(row[h]!, shift) : row[h]!)).join(','));
  return `${lines.join('\n')}\n`;
}
