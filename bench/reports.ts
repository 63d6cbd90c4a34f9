import os from 'node:os';
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { metricCatalog } from '../shared/domain/metrics';
import { queueNames } from '../shared/work/queues';
import { ReportHistoryStore } from '../shared/reports/history-store';
import { tenantRows } from '../shared/storage/tenant-rows';
import { TenantStore } from '../shared/storage/tenant-store';
import type { Child } from './children';
import { digestOf, storedReports } from './digest';
import type { LiveImport } from './import';
import { startHost } from './stack';
import { median, percentile } from './stats';

// The report benchmark over an imported cycle: every employee answers 10 items (posted as NDJSON
// through the API host), then `hosts` work-host processes recompute the cycle's reports, then report
// requests are timed.

const itemCount = 10;

export interface ReportFigures {
  hosts: number;
  respondents: number;
  ingestMs: number;
  /** From the moment the queued refresh requests are handed to the ready hosts until the reports cover the last post. */
  refreshMs: number;
  /** The same recomputation with ten range changes in the cycle's history, from the request until the reports cover it. */
  refreshWithHistoryMs: number;
  /** CPU time (ms): the API host during the ingest, the work hosts during the recomputation, Azurite during each. */
  cpuMs: { ingest: number; refresh: number; azuriteIngest: number; azuriteRefresh: number };
  reportsDigest: string;
  /** The machine's 1-minute load average after the ingest and after the recomputation (not in raw figures before 2026-11-29 15:00). */
  loadAverage?: { ingest: number; refresh: number };
  /** Median and p95 of report requests, when asked for. */
  rounds: { medianMs: number; p95Ms: number }[];
}

const cpuOf = async (children: readonly Child[]) => (await Promise.all(children.map((c) => c.usage()))).reduce((sum, u) => sum + u.cpuMs, 0);

export async function reportsOnce(live: LiveImport, respondents: number, hosts: number, timeRequests: boolean): Promise<ReportFigures> {
  const { api: app, tokens } = live;
  const items = Array.from({ length: itemCount }, (_, i) => ({
    itemId: `q${String(i + 1).padStart(2, '0')}`,
    text: `Item ${i + 1}`,
    label: `Item ${i + 1}`,
    category: 'Engagement',
    scale: { min: 1, max: 5, favorableMin: 4 },
  }));
  await app.call('PUT', '/api/programs/p1/cycles/c1/items', tokens.app, { items });

  // No work host runs during the ingest, so its CPU is the API's alone, and the recomputation after
  // it is one computation over every response.
  const [apiBefore, azuriteBefore] = [await cpuOf([live.apiHost]), await cpuOf([live.azurite])];
  const started = performance.now();
  const linesPerPost = 100_000; // about 6 MB of NDJSON, under the route's 8 MiB
  let lines: string[] = [];
  const post = async () => {
    await app.call('POST', '/api/programs/p1/cycles/c1/responses', tokens.app, undefined, { text: lines.join('\n'), contentType: 'application/x-ndjson' });
    lines = [];
  };
  // Every imported employee answers; scores lean on the person so groups differ; a few comments.
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
  const ingestLoad = os.loadavg()[0]!;
  const [apiAfter, azuriteAfterIngest] = [await cpuOf([live.apiHost]), await cpuOf([live.azurite])];

  // The refresh requests wait, invisible, until every host is ready: host start-up is not part of
  // the recomputation, and no host gets a head start over the others.
  const queue = new QueueClient(live.connectionString, queueNames.reports);
  const held: { messageId: string; popReceipt: string }[] = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 3600 });
    if (receivedMessageItems.length === 0) break;
    held.push(...receivedMessageItems);
  }
  const workHosts = await Promise.all(Array.from({ length: hosts }, () => startHost('work', live.settings)));
  console.log(`  pids: work ${workHosts.map((h) => h.pid).join(' ')}`);
  const workBefore = await cpuOf(workHosts);
  const refreshStarted = performance.now();
  await Promise.all(held.map((m) => queue.updateMessage(m.messageId, m.popReceipt, undefined, 0)));
  const store = new TenantStore(TableClient.fromConnectionString(live.connectionString, 'config', { allowInsecureConnection: true }));
  await reportsComputed(store, live.tenantId);
  const refreshMs = performance.now() - refreshStarted;
  const refreshLoad = os.loadavg()[0]!;
  const [workAfter, azuriteAfterRefresh] = [await cpuOf(workHosts), await cpuOf([live.azurite])];
  await seedRangeChanges(live, store);
  const historyStarted = performance.now();
  await app.call('PUT', '/api/programs/p1/cycles/c1/items', tokens.app, { items });
  await reportsComputed(store, live.tenantId);
  const refreshWithHistoryMs = performance.now() - historyStarted;
  await Promise.all(workHosts.map((h) => h.stop()));

  const rounds: ReportFigures['rounds'] = [];
  const metricIds = metricCatalog.map((m) => m.id);
  for (let round = 0; timeRequests && round < 3; round++) {
    const times: number[] = [];
    for (let k = 0; k < 220; k++) {
      const t0 = performance.now();
      const body = await app.call('GET', `/api/reports/programs/p1/cycles/c1/behaviors/${metricIds[k % metricIds.length]}`, tokens.admin);
      if (!Array.isArray(body.groups)) throw new Error('unexpected report');
      if (k >= 20) times.push(performance.now() - t0); // the first 20 warm up connections and caches
    }
    rounds.push({ medianMs: median(times), p95Ms: percentile(times, 95) });
  }
  return {
    hosts,
    respondents,
    ingestMs,
    refreshMs,
    refreshWithHistoryMs,
    cpuMs: { ingest: apiAfter - apiBefore, refresh: workAfter - workBefore, azuriteIngest: azuriteAfterIngest - azuriteBefore, azuriteRefresh: azuriteAfterRefresh - azuriteAfterIngest },
    reportsDigest: digestOf(await storedReports(live.connectionString, live.tenantId, 'p1', 'c1')),
    loadAverage: { ingest: ingestLoad, refresh: refreshLoad },
    rounds,
  };
}

async function reportsComputed(store: TenantStore, tenantId: string): Promise<void> {
  for (;;) {
    const state = await store.get(tenantId, tenantRows.reportState('p1', 'c1'));
    if (state && state.value.computedSeq >= state.value.requestedSeq) {
      if (state.value.unavailable !== null) throw new Error(`no report: ${state.value.unavailable}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const rangeChanges = 10;

/**
 * Ten versions in the cycle's report history, as ten range changes of the first attribute would leave
 * them: each moves more of its bucket 3 into bucket 4 (0.5 % of the respondents more each time). The
 * re-bucketing itself is the import's work and is not what this measures; the next recomputation
 * decides against all eleven versions.
 */
async function seedRangeChanges(live: LiveImport, store: TenantStore): Promise<void> {
  const history = new ReportHistoryStore(TableClient.fromConnectionString(live.connectionString, 'reporthistory', { allowInsecureConnection: true }));
  const scope = { tenantId: live.tenantId, programId: 'p1', cycleId: 'c1' };
  const [first] = await history.load(scope);
  const state = await store.get(live.tenantId, tenantRows.reportState('p1', 'c1'));
  if (!first || !state) throw new Error('the first recomputation left no history');
  const seq = String(state.value.computedSeq).padStart(10, '0');
  for (let k = 1; k <= rangeChanges; k++) {
    const column = Uint8Array.from(first.columns[0]!);
    const toMove = Math.round((first.people.length * k) / 200);
    for (let p = 0, moved = 0; p < column.length && moved < toMove; p++) {
      if (column[p] !== 2) continue;
      column[p] = 3;
      moved++;
    }
    // Generations sort by request: these come after the first computation and before the next.
    await history.append(scope, `${seq}-range${String(k).padStart(2, '0')}`, { ...first, columns: [column, ...first.columns.slice(1)] });
  }
}
