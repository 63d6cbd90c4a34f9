// The transform's anchor, for the benchmark only: DuckDB (@duckdb/node-api, a dev dependency; the
// benchmark skips it when it is not installed) reads the same export on one thread, keeps the
// window's active rows, and buckets each person's mean with the same default ranges, exactly: values
// are DECIMAL(18,9) (nano-units, as the app), and "mean < m" is decided as "sum < m × weeks" on
// decimals, as bucketOf does on integers, so no binary fraction decides a bucket.
// Prints rows, employees, buckets, milliseconds and this process's peak RSS as JSON, or {"skipped"}.
// Usage: transform-duckdb.js <file.csv> <from> <to> <ranges-json: {column: [m1, m2, m3]}>

// The few calls used, typed here so the build does not depend on the package being installed.
interface DuckDbApi {
  DuckDBInstance: {
    create(path: string, options: Record<string, string>): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }> }>;
    }>;
  };
}

function loadDuckDb(): DuckDbApi | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@duckdb/node-api') as DuckDbApi;
  } catch {
    return undefined;
  }
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteString = (text: string) => `'${text.replace(/'/g, "''")}'`;

void (async () => {
  const [file, from, to, rangesJson] = process.argv.slice(2) as [string, string, string, string];
  const duckdb = loadDuckDb();
  if (!duckdb) {
    process.stdout.write(`${JSON.stringify({ skipped: '@duckdb/node-api is not installed (npm install)' })}\n`);
    return;
  }
  const ranges = Object.entries(JSON.parse(rangesJson) as Record<string, [number, number, number]>);
  const started = performance.now();
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await instance.connect();
  const columns = {
    PersonId: 'VARCHAR',
    MetricDate: 'DATE',
    ...Object.fromEntries(ranges.map(([column]) => [column, 'DECIMAL(18,9)'])),
    IsActive: 'BOOLEAN',
  };
  // The export's other columns (none in the benchmark's file) would be read as text and ignored.
  const columnsSql = `{${Object.entries(columns).map(([name, type]) => `${quoteString(name)}: ${quoteString(type)}`).join(', ')}}`;
  const inWindow = `IsActive AND MetricDate BETWEEN DATE ${quoteString(from)} AND DATE ${quoteString(to)}`;
  const perPerson = ranges.map(([column], k) => `sum(${quoteIdentifier(column)}) FILTER (WHERE ${inWindow}) AS s${k}, count(${quoteIdentifier(column)}) FILTER (WHERE ${inWindow}) AS n${k}`);
  // Bucket 1 is below m1, ..., 4 is m3 or more: a mean equal to a maximum goes to the next bucket.
  const bucketOf = (k: number, [m1, m2, m3]: [number, number, number]) =>
    `1 + (s${k} >= ${m1}::DECIMAL(18,9) * n${k})::INT + (s${k} >= ${m2}::DECIMAL(18,9) * n${k})::INT + (s${k} >= ${m3}::DECIMAL(18,9) * n${k})::INT`;
  const bucketCounts = [1, 2, 3, 4].map((b) => `${ranges.map((_, k) => `count(*) FILTER (WHERE n${k} > 0 AND ${bucketOf(k, ranges[k]![1])} = ${b})`).join(' + ')} AS b${b}`);
  const sql = `
    WITH people AS (
      SELECT count(*) AS rows, ${perPerson.join(', ')}
      FROM read_csv(${quoteString(file)}, header = true, auto_detect = false, columns = ${columnsSql})
      GROUP BY PersonId
    )
    SELECT sum(rows)::BIGINT AS rows, count(*) FILTER (WHERE ${ranges.map((_, k) => `n${k} > 0`).join(' OR ')}) AS employees, ${bucketCounts.join(', ')}
    FROM people`;
  const [row] = (await db.runAndReadAll(sql)).getRowObjectsJS();
  const ms = performance.now() - started;
  const n = (key: string) => Number(row![key]);
  process.stdout.write(`${JSON.stringify({ rows: n('rows'), employees: n('employees'), buckets: [n('b1'), n('b2'), n('b3'), n('b4')], ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
})();
