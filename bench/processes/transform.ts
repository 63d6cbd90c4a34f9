import path from 'node:path';
import { bucketOf, WindowAggregator } from '../../shared/domain/aggregation';
import { metricCatalog } from '../../shared/domain/metrics';
import { openLocalFile } from '../../shared/insights/export-files';
import { openFileSource } from '../../shared/insights/file-source';
import { readWindow } from '../../shared/pipeline/read-window';

// What the pull does to an export, alone in a process: parse the CSV, keep the window's rows, sum each
// employee's weeks exactly, and bucket each mean with the default ranges. Prints rows, employees,
// milliseconds and this process's peak RSS as JSON. Usage: transform.js <file.csv> <from> <to>
void (async () => {
  const [file, from, to] = process.argv.slice(2) as [string, string, string];
  const started = performance.now();
  const metricIds = metricCatalog.map((m) => m.id);
  const aggregator = new WindowAggregator({ window: { from, to }, metricIds });
  const source = openFileSource({ name: path.basename(file), open: () => openLocalFile(file) });
  const { rows } = await readWindow(source, aggregator, { employeeKeyColumn: 'PersonId', metricIds });
  const ranges = new Map(metricCatalog.map((m) => [m.id, m.defaultMax]));
  const counts = new Array<number>(4).fill(0);
  let employees = 0;
  for (const [, metrics] of aggregator.employees()) {
    employees++;
    for (const metricId in metrics) counts[bucketOf(metrics[metricId]!, ranges.get(metricId)!) - 1]!++;
  }
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ rows, employees, buckets: counts, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
})();
