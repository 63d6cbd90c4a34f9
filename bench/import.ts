import os from 'node:os';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { metricCatalog } from '../shared/domain/metrics';
import { chunk, maxBatch, runLimited } from '../shared/storage/table-support';
import { shardCount, shardOf, toEntity, type MetricValue } from '../shared/storage/values-store';
import { startInsightsSimulator } from '../local/insights-simulator';
import { syntheticColumns, syntheticRows } from '../local/synthetic-person-query';
import { startChild, type Child, type ProcessUsage } from './children';
import { digestOf, storedValues } from './digest';
import { api, configureTenant, hostSettings, lastDataSunday, startHost, tokensFor, waitForRun, type Api, type Tokens } from './stack';
import { pullWorkerArguments } from './worker-arguments';

// The import benchmark: 100,000 employees × 12 weeks × 10 metrics from the Viva Insights simulator
// through pull, bucket and Table Storage, with the pull in one host process and the bucket stage on
// `hosts` work-host processes consuming the same queue (as Functions scales it out on instances),
// against the storage limit measured on the same Azurite in the same run.

// The pipeline's write concurrency per work host: host.json batchSize (16 messages at once) × ValuesStore.write's 8 transactions each.
const writeConcurrencyPerHost = 16 * 8;

export interface ImportOptions {
  employees: number;
  /** The pull worker's V8 old-space limit (in Azure, Node worker arguments can set the same: `languageWorkers__node__arguments`). */
  pullHeapMb: number | undefined;
  /** Glint's roster sent first (issue 15), so the run is matched to it: the cost matching adds. */
  roster?: boolean;
}

/** Every data-quality rule on with the vivainsights packages' defaults (README "Data quality"). */
export const allDataQualityRules = {
  holidayWeeks: { enabled: true, sd: 1 },
  inactiveWeeks: { enabled: true, sd: 2 },
  nonKnowledgeWorkers: { enabled: true, minHours: 5 },
};

export interface ImportFigures {
  hosts: number;
  employees: number;
  wallMs: number;
  /** Until the pull had read the person query and started sending chunks (to the nearest poll, 250 ms). */
  pullMs: number;
  employeesPerSecond: number;
  pullPeakRssMb: number;
  limitEntitiesPerSecond: number;
  ratioToLimit: number;
  /** CPU time (ms) during the import, each process measuring its own; the limit client's while it writes as many entities. */
  cpuMs: { pull: number; bucket: number; azurite: number; limitClient: number };
  /** The stored values, canonical (bench/digest.ts): equal across host counts exactly when the data is. */
  valuesDigest: string;
  storedEntities: number;
  /** Whether the data-quality rules were all on, and what they did (the run's figures). */
  dataQuality?: { holidayWeeks: number; personWeeksExcluded: number; nonKnowledgeWorkers: number } | undefined;
  /** With a roster: the Glint employees the run matched, and its upload's time (not part of wallMs). */
  roster?: { employees: number; matched: number; matchedByAlternateId: number; uploadMs: number };
  /** The machine's 1-minute load average as the import ended: other work on the machine moves wall times (not in raw figures before 2026-11-29 15:00). */
  loadAverage?: number;
}

/** An imported cycle kept running for the report benchmark. */
export interface LiveImport {
  api: Api;
  apiHost: Child;
  azurite: Child;
  tokens: Tokens;
  tenantId: string;
  connectionString: string;
  settings: Record<string, string>;
  stop(): Promise<void>;
}

const cpuDelta = (before: ProcessUsage, after: ProcessUsage) => after.cpuMs - before.cpuMs;
const usages = (children: readonly Child[]) => Promise.all(children.map((c) => c.usage()));

export async function importOnce(options: ImportOptions, hosts: number, keysDir: string, keep: boolean, dataQuality = false): Promise<{ figures: ImportFigures; live?: LiveImport }> {
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
  const pullHost = await startHost('pull', settings, options.pullHeapMb ? { NODE_OPTIONS: pullWorkerArguments(options.pullHeapMb) } : {});
  const apiHost = await startHost('api', settings);
  const workHosts = await Promise.all(Array.from({ length: hosts }, () => startHost('work', settings)));
  console.log(`  pids: azurite ${azurite.pid}, pull ${pullHost.pid}, api ${apiHost.pid}, work ${workHosts.map((h) => h.pid).join(' ')}`);
  const app = api(apiHost.info.url!);
  const tenantId = crypto.randomUUID();
  const tokens = await tokensFor(keysDir, tenantId);
  await configureTenant(app, tokens, { type: 'odata', url: simulator.feedUrl(tenantId) });
  if (dataQuality) await app.call('PUT', '/api/settings/data-quality', tokens.admin, allDataQualityRules);
  const uploadMs = options.roster ? await sendRoster(app, tokens, options.employees) : 0;

  const [pullBefore, azuriteBefore, ...workBefore] = await usages([pullHost, azurite, ...workHosts]);
  const started = performance.now();
  const { runs } = await app.call('POST', '/api/programs/p1/enable', tokens.admin);
  // The pull is done once it has recorded how many chunks it sent (the chunks are sent as it cuts them).
  let pullMs: number | undefined;
  const run = await waitForRun(app, tokens.admin, runs[0].runId, undefined, (r) => {
    if (pullMs === undefined && r.progress.chunksTotal !== null) pullMs = performance.now() - started;
  });
  const wallMs = performance.now() - started;
  const loadAverage = os.loadavg()[0]!;
  const [pullAfter, azuriteAfter, ...workAfter] = await usages([pullHost, azurite, ...workHosts]);
  if (run.status !== 'succeeded') throw new Error(`import ${run.status}: ${run.error}`);
  await Promise.all(workHosts.map((h) => h.stop()));
  const pullExit = await pullHost.stop();
  await simulator.stop();

  const limit = await storageLimit(connectionString, options.employees, hosts * writeConcurrencyPerHost);
  // After the limit, so the limit client's CPU time does not include collecting this read's garbage.
  const values = await storedValues(connectionString, tenantId);
  const figures: ImportFigures = {
    hosts,
    employees: run.progress.employees,
    wallMs,
    pullMs: pullMs ?? wallMs,
    employeesPerSecond: run.progress.employees / (wallMs / 1000),
    pullPeakRssMb: pullExit.maxRssKb / 1024,
    limitEntitiesPerSecond: limit.entitiesPerSecond,
    ratioToLimit: run.progress.employees / (wallMs / 1000) / limit.entitiesPerSecond,
    cpuMs: {
      pull: cpuDelta(pullBefore!, pullAfter!),
      bucket: workAfter.reduce((sum, after, i) => sum + cpuDelta(workBefore[i]!, after), 0),
      azurite: cpuDelta(azuriteBefore!, azuriteAfter!),
      limitClient: limit.cpuMs,
    },
    valuesDigest: digestOf(values),
    storedEntities: values.length,
    loadAverage,
    ...(run.dataQuality ? { dataQuality: { holidayWeeks: run.dataQuality.holidayWeeks.length, personWeeksExcluded: run.dataQuality.personWeeksExcluded, nonKnowledgeWorkers: run.dataQuality.nonKnowledgeWorkers } } : {}),
    ...(options.roster ? { roster: { employees: options.employees, matched: run.matchedEmployees, matchedByAlternateId: run.matchedByAlternateId ?? 0, uploadMs } } : {}),
  };
  const stop = async () => {
    await apiHost.stop();
    await azurite.stop();
  };
  if (!keep) {
    await stop();
    return { figures };
  }
  return { figures, live: { api: app, apiHost, azurite, tokens, tenantId, connectionString, settings, stop } };
}

/**
 * Glint's roster of the same people, as the platform would send it: one in ten known to Glint by its
 * own key and matched through the email, the rest by the key itself. Returns the upload's time.
 */
async function sendRoster(app: Api, tokens: Tokens, employees: number): Promise<number> {
  const lines: string[] = [];
  for (let p = 0; p < employees; p++) {
    const email = `person${String(p).padStart(6, '0')}@contoso.com`;
    lines.push(JSON.stringify({ employeeKey: p % 10 === 0 ? `G${p}` : email, email, status: 'active', entraObjectId: crypto.randomUUID() }));
  }
  const started = performance.now();
  await app.call('PUT', '/api/employees', tokens.app, undefined, { text: lines.join('\n'), contentType: 'application/x-ndjson' });
  return performance.now() - started;
}

/**
 * A minimal client writing as many entities of the values' shape (an employee key and sum, weeks and
 * bucket of every metric) to the same Azurite: 16 shard partitions, 100-entity transactions, the
 * pipeline's write concurrency. What the import could reach if pulling and bucketing cost nothing,
 * and the CPU time a client needs for just these writes (this process's, while it writes).
 */
async function storageLimit(connectionString: string, employees: number, concurrency: number): Promise<{ entitiesPerSecond: number; cpuMs: number }> {
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
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await runLimited(batches, concurrency, (batch) => table.submitTransaction(batch));
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { entitiesPerSecond: employees / (ms / 1000), cpuMs: (cpu.user + cpu.system) / 1000 };
}
