import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { ensureLocalKeys, mintLocalToken } from '../shared/auth/local-keys';
import { currentAgreementVersion, type StoredConsent, type StoredProgram } from '../shared/admin/schemas';
import { metricCatalog } from '../shared/domain/metrics';
import { addDays, sundayOnOrBefore } from '../shared/domain/weeks';
import { reportStateKey, storedReportState } from '../shared/reports/schemas';
import { chunk, maxBatch, runLimited } from '../shared/storage/table-support';
import { TenantStore } from '../shared/storage/tenant-store';
import { shardCount, shardOf, toEntity, type MetricValue } from '../shared/storage/values-store';
import { startInsightsSimulator } from '../local/insights-simulator';
import { syntheticColumns, syntheticRows, writeSyntheticCsv } from '../local/synthetic-person-query';

// `npm run bench`: the import, transform, memory, report and fan-out figures of the scale issue, each
// measured `--runs` times (median quoted), against Azurite and the local Functions host started here,
// each in its own process. Prints one table and writes the raw figures to .bench/.
//
//   npm run bench [-- --employees 100000 --runs 3 --tenants 1000 --only transform,import,reports,fanout --pull-heap-mb 192]

const appDir = path.resolve(__dirname, '..', '..');
const outDir = path.join(appDir, '.bench');
const audience = 'api://insights-to-glint-bench';
const itemCount = 10;
// The pipeline's write concurrency: host.json batchSize (16 messages at once) × ValuesStore.write's 8 transactions each.
const pipelineWriteConcurrency = 16 * 8;

interface Options {
  /** The pull worker's V8 old-space limit (in Azure, Node worker arguments can set the same: `languageWorkers__node__arguments`). */
  pullHeapMb: number | undefined;
  employees: number;
  runs: number;
  tenants: number;
  only: Set<string>;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const positive = (name: string, fallback: number) => {
    const n = Number(value(name, String(fallback)));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    pullHeapMb: argv.includes('--pull-heap-mb') ? positive('pull-heap-mb', 0) : undefined,
    employees: positive('employees', 100_000),
    runs: positive('runs', 3),
    tenants: positive('tenants', 1000),
    only: new Set(value('only', 'transform,import,reports,fanout').split(',')),
  };
}

// ---- processes ----

interface Child {
  info: Record<string, string>;
  /** SIGTERM, then the child's own peak RSS (kB). */
  stop(): Promise<number>;
}

const script = (name: string) => path.join(__dirname, 'processes', `${name}.js`);

function startChild(name: string, env: Record<string, string>): Promise<Child> {
  // stdin stays open as a lifeline: a child exits when the benchmark does, however it ends.
  const child: ChildProcess = spawn(process.execPath, [script(name)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let onExit: ((kb: number) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) {
        resolve({
          info: JSON.parse(line.slice(6)) as Record<string, string>,
          stop: () =>
            new Promise<number>((done) => {
              onExit = done;
              child.kill('SIGTERM');
            }),
        });
      } else if (line.startsWith('EXIT ')) {
        onExit?.((JSON.parse(line.slice(5)) as { maxRssKb: number }).maxRssKb);
      } else {
        process.stderr.write(`  [${name}] ${line}\n`);
      }
    });
  });
}

function runJson<T>(command: string, args: string[], env: Record<string, string> = {}): T {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}

// ---- statistics and the machine ----

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

function machine() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, os: `${os.type()} ${os.release()}` };
}

// ---- the app, as an administrator and the Glint platform use it ----

interface Api {
  call(method: string, route: string, token: string, body?: unknown, rawBody?: { text: string; contentType: string }): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function api(url: string): Api {
  return {
    async call(method, route, token, body, rawBody) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (rawBody) headers['content-type'] = rawBody.contentType;
      const response = await fetch(`${url}${route}`, { method, headers, body: rawBody ? rawBody.text : body !== undefined ? JSON.stringify(body) : undefined });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
}

const thisSunday = sundayOnOrBefore(new Date().toISOString().slice(0, 10));
/** Two weeks back: the cycle has ended, so enabling its program imports it at once. */
const lastDataSunday = addDays(thisSunday, -14);

function hostSettings(connectionString: string, keysDir: string): Record<string, string> {
  return {
    AzureWebJobsStorage: connectionString,
    AUTH_MODE: 'local',
    AUTH_AUDIENCE: audience,
    AUTH_LOCAL_KEYS_DIR: keysDir,
    IMPORT_SCHEDULE: '0 0 6 * * 0',
    INSIGHTS_AUTH: 'local',
    FUNCTIONS_WORKER_RUNTIME: 'node',
  };
}
const disabled = (...names: string[]) => Object.fromEntries(names.map((n) => [`AzureWebJobs.${n}.Disabled`, 'true']));

interface Tokens {
  admin: string;
  global: string;
  app: string;
}

async function tokensFor(keysDir: string, tenantId: string): Promise<Tokens> {
  const mint = (o: { roles?: string[]; globalAdmin?: boolean }) => mintLocalToken({ keysDir, audience, tenantId, expiresInSeconds: 6 * 3600, ...o });
  return { admin: await mint({ roles: ['Glint.Admin'] }), global: await mint({ globalAdmin: true }), app: await mint({ roles: ['Glint.Platform'] }) };
}

/** Consent, a role, every metric as an attribute, the simulator as source, program p1 with cycle c1. */
async function configureTenant(app: Api, t: Tokens, sourceUrl: string): Promise<void> {
  const all = { reportFilters: true, reportSections: true, commentFilters: true };
  const { agreementVersion } = await app.call('GET', '/api/consent', t.global);
  await app.call('PUT', '/api/consent', t.global, { accept: true, agreementVersion });
  await app.call('PUT', '/api/roles/hr', t.app, { name: 'HR', permissions: all });
  for (const metric of metricCatalog) await app.call('POST', '/api/attributes', t.admin, { metricId: metric.id, roles: [{ roleId: 'hr', ...all }] });
  await app.call('PUT', '/api/insights-source', t.admin, { type: 'odata', url: sourceUrl });
  await app.call('PUT', '/api/programs/p1', t.app, { name: 'P1', cycles: [{ cycleId: 'c1', name: 'C1', startDate: addDays(lastDataSunday, 1), endDate: addDays(lastDataSunday, 7) }] });
}

async function waitForRun(app: Api, token: string, runId: string): Promise<{ status: string; matchedEmployees: number; error: string | null }> {
  for (;;) {
    const run = await app.call('GET', `/api/imports/${runId}`, token);
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') return run;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- import, with the storage limit measured on the same Azurite ----

interface ImportFigures {
  employees: number;
  wallMs: number;
  employeesPerSecond: number;
  pullPeakRssMb: number;
  limitEntitiesPerSecond: number;
  ratioToLimit: number;
}

interface LiveImport {
  api: Api;
  tokens: Tokens;
  tenantId: string;
  connectionString: string;
  stop(): Promise<void>;
}

async function importOnce(options: Options, keysDir: string, keep: boolean): Promise<{ figures: ImportFigures; live?: LiveImport }> {
  const azurite = await startChild('azurite', {});
  const connectionString = azurite.info.connectionString!;
  const simulator = await startInsightsSimulator({
    keysDir,
    records: () => {
      const rows = syntheticRows({ people: options.employees, weeks: 12, lastSunday: lastDataSunday, seed: 42 });
      return (function* () {
        for (const row of rows) yield Object.fromEntries(syntheticColumns.map((c, i) => [c, row[i]]));
      })();
    },
  });
  const settings = hostSettings(connectionString, keysDir);
  // The pull in one process (its peak RSS is the pull's), the rest in another, both at once, as
  // Functions runs them on separate workers when scaled out.
  const pullHost = await startChild('host', {
    ...settings,
    ...disabled('weeklyImport', 'insightsBucket', 'insightsReprocess', 'reportRefresh'),
    // Node sizes its heap from the machine (24 GiB here) and collects lazily; an Azure instance has
    // 512 MB to 4 GB, and the same limit can be passed to its Node worker (`languageWorkers__node__arguments`).
    ...(options.pullHeapMb ? { NODE_OPTIONS: `--max-old-space-size=${options.pullHeapMb}` } : {}),
  });
  const workHost = await startChild('host', { ...settings, ...disabled('weeklyImport', 'insightsPull') });
  const app = api(workHost.info.url!);
  const tenantId = crypto.randomUUID();
  const tokens = await tokensFor(keysDir, tenantId);
  await configureTenant(app, tokens, simulator.feedUrl(tenantId));

  const started = performance.now();
  const { runs } = await app.call('POST', '/api/programs/p1/enable', tokens.admin);
  const run = await waitForRun(app, tokens.admin, runs[0].runId);
  const wallMs = performance.now() - started;
  if (run.status !== 'succeeded') throw new Error(`import ${run.status}: ${run.error}`);
  const pullPeakRssKb = await pullHost.stop();
  await simulator.stop();

  const limitEntitiesPerSecond = await storageLimit(connectionString, options.employees);
  const figures: ImportFigures = {
    employees: run.matchedEmployees,
    wallMs,
    employeesPerSecond: run.matchedEmployees / (wallMs / 1000),
    pullPeakRssMb: pullPeakRssKb / 1024,
    limitEntitiesPerSecond,
    ratioToLimit: run.matchedEmployees / (wallMs / 1000) / limitEntitiesPerSecond,
  };
  const stop = async () => {
    await workHost.stop();
    await azurite.stop();
  };
  if (!keep) {
    await stop();
    return { figures };
  }
  return { figures, live: { api: app, tokens, tenantId, connectionString, stop } };
}

/**
 * A minimal client writing as many entities of the values' shape (an employee key and sum, weeks and
 * bucket of every metric) to the same Azurite: 16 shard partitions, 100-entity transactions, the
 * pipeline's write concurrency. What the import could reach if pulling and bucketing cost nothing.
 */
async function storageLimit(connectionString: string, employees: number): Promise<number> {
  const table = TableClient.fromConnectionString(connectionString, 'benchlimit', { allowInsecureConnection: true });
  await table.createTable();
  const byShard: TransactionAction[][] = Array.from({ length: shardCount }, () => []);
  for (let e = 0; e < employees; e++) {
    const employeeKey = `person${String(e).padStart(6, '0')}@contoso.com`;
    const shard = shardOf(employeeKey);
    const metrics = Object.fromEntries(metricCatalog.map((m): [string, MetricValue] => [m.id, { sumNano: 1_234_567_890_123 + e, weeks: 12, bucket: (1 + (e % 4)) as MetricValue['bucket'] }]));
    // The app's own entity shape, so the limit is measured on exactly what the import writes.
    byShard[shard]!.push(['upsert', toEntity({ tenantId: 'tenant', programId: 'p1', cycleId: 'c1', runId: 'run' }, { employeeKey, metrics }), 'Replace']);
  }
  const batches = byShard.flatMap((actions) => chunk(actions, maxBatch));
  const started = performance.now();
  await runLimited(batches, pipelineWriteConcurrency, (batch) => table.submitTransaction(batch));
  return employees / ((performance.now() - started) / 1000);
}

// ---- reports over the imported cycle ----

interface ReportFigures {
  respondents: number;
  ingestMs: number;
  refreshMs: number;
  rounds: { medianMs: number; p95Ms: number }[];
}

async function reports(live: LiveImport, respondents: number): Promise<ReportFigures> {
  const { api: app, tokens } = live;
  const items = Array.from({ length: itemCount }, (_, i) => ({
    itemId: `q${String(i + 1).padStart(2, '0')}`,
    text: `Item ${i + 1}`,
    label: `Item ${i + 1}`,
    category: 'Engagement',
    scale: { min: 1, max: 5, favorableMin: 4 },
  }));
  await app.call('PUT', '/api/programs/p1/cycles/c1/items', tokens.app, { items });

  // Every imported employee answers; scores lean on the person so groups differ; a few comments.
  const started = performance.now();
  const linesPerPost = 100_000; // about 6 MB of NDJSON, under the route's 8 MiB
  let lines: string[] = [];
  const post = async () => {
    await app.call('POST', '/api/programs/p1/cycles/c1/responses', tokens.app, undefined, { text: lines.join('\n'), contentType: 'application/x-ndjson' });
    lines = [];
  };
  for (let p = 0; p < respondents; p++) {
    const employeeKey = `person${String(p).padStart(6, '0')}@contoso.com`;
    for (let i = 0; i < itemCount; i++) {
      const score = 1 + ((p * 7 + i * 3 + (p >> 5)) % 5);
      lines.push(JSON.stringify(p % 20 === i ? { employeeKey, itemId: items[i]!.itemId, score, comment: `Comment ${p}` } : { employeeKey, itemId: items[i]!.itemId, score }));
    }
    if (lines.length >= linesPerPost) await post();
  }
  if (lines.length > 0) await post();
  const ingestMs = performance.now() - started;

  const store = new TenantStore(TableClient.fromConnectionString(live.connectionString, 'config', { allowInsecureConnection: true }));
  for (;;) {
    const state = await store.get(live.tenantId, reportStateKey('p1', 'c1'), storedReportState);
    if (state && state.value.computedSeq >= state.value.requestedSeq) {
      if (state.value.unavailable !== null) throw new Error(`no report: ${state.value.unavailable}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const refreshMs = performance.now() - started - ingestMs;

  const rounds: ReportFigures['rounds'] = [];
  const metricIds = metricCatalog.map((m) => m.id);
  for (let round = 0; round < 3; round++) {
    const times: number[] = [];
    for (let k = 0; k < 220; k++) {
      const t0 = performance.now();
      const body = await app.call('GET', `/api/reports/programs/p1/cycles/c1/behaviors/${metricIds[k % metricIds.length]}`, tokens.admin);
      if (!Array.isArray(body.groups)) throw new Error('unexpected report');
      if (k >= 20) times.push(performance.now() - t0); // the first 20 warm up connections and caches
    }
    rounds.push({ medianMs: median(times), p95Ms: percentile(times, 95) });
  }
  return { respondents, ingestMs, refreshMs, rounds };
}

// ---- transform: the app's parse + window + mean + bucket against pandas ----

interface TransformFigures {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  peakRssMb: number;
  buckets: number[];
}

async function exportFile(options: Options): Promise<{ file: string; from: string; to: string }> {
  // A fixed last week, so the file is made once and reused across days.
  const lastSunday = '2026-11-01';
  const dir = path.join(outDir, 'data');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `person-query-${options.employees}.csv`);
  if (!existsSync(file) || statSync(file).size === 0) {
    console.log(`generating ${file} ...`);
    await writeSyntheticCsv(file, { people: options.employees, weeks: 12, lastSunday, seed: 42 });
  }
  return { file, from: addDays(lastSunday, -77), to: lastSunday };
}

function transformOnce(file: string, from: string, to: string): TransformFigures {
  const r = runJson<{ rows: number; ms: number; maxRssKb: number; buckets: number[] }>(process.execPath, [script('transform'), file, from, to]);
  return { rows: r.rows, ms: r.ms, rowsPerSecond: r.rows / (r.ms / 1000), peakRssMb: r.maxRssKb / 1024, buckets: r.buckets };
}

function pandasPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

function pandasOnce(python: string, file: string, from: string, to: string): TransformFigures {
  const ranges = Object.fromEntries(metricCatalog.map((m) => [m.columns[1] ?? m.columns[0], m.defaultMax]));
  const r = runJson<{ rows: number; ms: number; maxRssKb: number; buckets: number[] }>(python, [path.join(appDir, 'bench', 'transform_pandas.py'), file, from, to, JSON.stringify(ranges)]);
  return { rows: r.rows, ms: r.ms, rowsPerSecond: r.rows / (r.ms / 1000), peakRssMb: r.maxRssKb / 1024, buckets: r.buckets };
}

// ---- fan-out: the Sunday timer over many tenants ----

async function fanoutOnce(options: Options, keysDir: string): Promise<{ tenants: number; pulls: number; ms: number }> {
  const azurite = await startChild('azurite', {});
  const connectionString = azurite.info.connectionString!;
  const store = new TenantStore(TableClient.fromConnectionString(connectionString, 'config', { allowInsecureConnection: true }));
  const now = new Date().toISOString();
  const consent: StoredConsent = { status: 'granted', agreementVersion: currentAgreementVersion, grantedBy: 'bench', grantedAt: now, revokedBy: null, revokedAt: null };
  const program = (programId: string): StoredProgram => ({
    programId,
    name: programId,
    // Started, not ended: every Sunday imports it.
    cycles: [{ cycleId: 'c1', name: 'C1', startDate: addDays(thisSunday, -30), endDate: addDays(thisSunday, 60) }],
    enabled: true,
    enabledAt: now,
    updatedAt: now,
  });
  const tenants = Array.from({ length: options.tenants }, () => crypto.randomUUID());
  await runLimited(tenants, 16, (tenantId) =>
    store.commit(tenantId, [
      { op: 'create', rowKey: 'consent', value: consent },
      ...['p1', 'p2', 'p3'].map((p) => ({ op: 'create' as const, rowKey: `program:${p}`, value: program(p) })),
    ]),
  );
  const result = runJson<{ ms: number; pulls: number }>(process.execPath, [script('fanout')], {
    ...hostSettings(connectionString, keysDir),
    ...disabled('insightsPull', 'insightsBucket', 'insightsReprocess', 'reportRefresh'),
  });
  await azurite.stop();
  return { tenants: tenants.length, pulls: result.pulls, ms: result.ms };
}

// ---- main ----

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });
  const keysDir = path.join(outDir, 'keys');
  await ensureLocalKeys(keysDir);
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine: machine(), options: { ...options, only: [...options.only] } };
  const table: [string, string, string, string][] = [];
  const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

  if (options.only.has('import') || options.only.has('reports')) {
    const runs: ImportFigures[] = [];
    let reportFigures: ReportFigures | undefined;
    for (let r = 0; r < options.runs; r++) {
      const keep = r === 0 && options.only.has('reports');
      console.log(`import ${r + 1}/${options.runs}: ${options.employees} employees × 12 weeks × ${metricCatalog.length} metrics ...`);
      const { figures, live } = await importOnce(options, keysDir, keep);
      console.log(`  ${fmt(figures.wallMs / 1000, 1)} s, ${fmt(figures.employeesPerSecond)} employees/s, limit ${fmt(figures.limitEntitiesPerSecond)}/s, pull peak RSS ${fmt(figures.pullPeakRssMb)} MB`);
      runs.push(figures);
      if (live) {
        try {
          console.log(`reports: ${figures.employees} respondents × ${itemCount} items ...`);
          reportFigures = await reports(live, figures.employees);
          console.log(`  ${JSON.stringify(reportFigures.rounds)}`);
        } finally {
          await live.stop();
        }
      }
    }
    results.import = runs;
    const eps = median(runs.map((r) => r.employeesPerSecond));
    const ratio = median(runs.map((r) => r.ratioToLimit));
    table.push(['import: employees/s (wall)', `${fmt(eps)} (${fmt(median(runs.map((r) => r.wallMs)) / 1000, 1)} s)`, '', '']);
    table.push(['import: ratio to storage limit', `${fmt(ratio, 2)} (limit ${fmt(median(runs.map((r) => r.limitEntitiesPerSecond)))} entities/s)`, '≥ 0.80', ratio >= 0.8 ? 'yes' : 'no']);
    const rss = median(runs.map((r) => r.pullPeakRssMb));
    table.push(['memory: pull step peak RSS', `${fmt(rss)} MB`, '≤ 256 MB', rss <= 256 ? 'yes' : 'no']);
    if (reportFigures) {
      results.reports = reportFigures;
      const p50 = median(reportFigures.rounds.map((r) => r.medianMs));
      const p95 = median(reportFigures.rounds.map((r) => r.p95Ms));
      table.push([`reports: behavior section, ${fmt(reportFigures.respondents)} respondents`, `median ${fmt(p50, 1)} ms, p95 ${fmt(p95, 1)} ms`, 'p95 ≤ 50 ms', p95 <= 50 ? 'yes' : 'no']);
      table.push(['reports: recomputation after the last post', `${fmt(reportFigures.refreshMs / 1000, 1)} s (ingest ${fmt(reportFigures.ingestMs / 1000, 1)} s)`, '', '']);
    }
  }

  if (options.only.has('transform')) {
    const { file, from, to } = await exportFile(options);
    const ours = Array.from({ length: options.runs }, () => transformOnce(file, from, to));
    results.transform = ours;
    const python = pandasPython();
    const pandas = python ? Array.from({ length: options.runs }, () => pandasOnce(python, file, from, to)) : [];
    results.pandas = pandas;
    const rps = median(ours.map((r) => r.rowsPerSecond));
    const rss = median(ours.map((r) => r.peakRssMb));
    if (pandas.length > 0) {
      const pandasRps = median(pandas.map((r) => r.rowsPerSecond));
      const pandasRss = median(pandas.map((r) => r.peakRssMb));
      const sameBuckets = JSON.stringify(ours[0]!.buckets) === JSON.stringify(pandas[0]!.buckets);
      table.push(['transform: rows/s vs pandas', `${fmt(rps)} vs ${fmt(pandasRps)} (×${fmt(rps / pandasRps, 2)})`, '≥ ×1.00', rps >= pandasRps ? 'yes' : 'no']);
      table.push(['transform: peak RSS vs pandas', `${fmt(rss)} MB vs ${fmt(pandasRss)} MB (×${fmt(rss / pandasRss, 2)})`, '≤ ×0.50', rss <= pandasRss / 2 ? 'yes' : 'no']);
      table.push(['transform: same buckets as pandas', sameBuckets ? 'yes' : `no: ${ours[0]!.buckets} vs ${pandas[0]!.buckets}`, '', '']);
    } else {
      table.push(['transform: rows/s, peak RSS', `${fmt(rps)}, ${fmt(rss)} MB (pandas not installed: apt-get install python3-pandas)`, '', '']);
    }
  }

  if (options.only.has('fanout')) {
    const runs = [];
    for (let r = 0; r < options.runs; r++) {
      console.log(`fan-out ${r + 1}/${options.runs}: ${options.tenants} tenants × 3 programs ...`);
      runs.push(await fanoutOnce(options, keysDir));
    }
    results.fanout = runs;
    const ms = median(runs.map((r) => r.ms));
    table.push([`fan-out: Sunday timer, ${fmt(options.tenants)} tenants × 3 programs`, `${fmt(ms / 1000, 2)} s for ${fmt(runs[0]!.pulls)} pulls (${fmt(runs[0]!.pulls / (ms / 1000))}/s)`, '', '']);
  }

  const m = results.machine as ReturnType<typeof machine>;
  const lines = [
    `Benchmark ${String(results.date).slice(0, 10)}, median of ${options.runs} runs; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`,
    '',
    '| figure | measured | target | met |',
    '|---|---|---|---|',
    ...table.map((row) => `| ${row.join(' | ')} |`),
  ];
  console.log(`\n${lines.join('\n')}`);
  const file = path.join(outDir, `bench-${String(results.date).replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...results, table: lines }, null, 2)}\n`);
  console.log(`\nraw figures: ${path.relative(appDir, file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
