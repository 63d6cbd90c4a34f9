import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { queueNames } from '../../shared/work/queues';
import { tenantRanges } from '../../shared/storage/tenant-rows';
import { TenantStore } from '../../shared/storage/tenant-store';
import { writeSyntheticCsv } from '../../local/synthetic-person-query';
import { storedValues } from '../../bench/digest';
import { api, configureTenant, lastDataSunday, tokensFor, waitForRun, type RunView } from '../../bench/stack';
import { startHostProcesses, type HostProcesses } from '../support/host-processes';
import { waitFor } from '../support/local-stack';

// Many instances at once, as Functions scales the queue functions out: three work-host processes
// (started as the benchmark starts them) consume the same bucket queue of one Azurite, and one of them
// is killed with SIGKILL in the middle of an import and started again. Its messages in flight come
// back after their lease; the run must still count every chunk exactly once and store exactly what a
// run on one work host stores. The hosts are the compiled app (`npm test` builds it first).

const employees = 4000; // 16 shards × 250: 48 chunks, three of them per shard
const leaseSeconds = 3;

let processes: HostProcesses;

beforeAll(async () => {
  processes = await startHostProcesses('multihost', leaseSeconds);
  await writeSyntheticCsv(path.join(processes.dir, 'export.csv'), { people: employees, weeks: 12, lastSunday: lastDataSunday, seed: 7 });
});

afterAll(async () => {
  await processes?.stop();
});

/** The chunks a count row holds: row k's bit b is chunk b × 16 + k. */
function chunkIndices(k: number, done: string): number[] {
  const indices: number[] = [];
  Buffer.from(done, 'base64').forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) indices.push((i * 8 + bit) * 16 + k);
  });
  return indices;
}

test('three work hosts, one killed and restarted mid-import, store what one host stores and count every chunk once', async () => {
  try {
    await killAndRestartMidImport();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\nprocess output:\n${processes.logs.slice(-40).join('\n') || '(none)'}`, { cause: error });
  }
}, 120_000);

async function killAndRestartMidImport(): Promise<void> {
  const { connectionString } = processes;
  const store = new TenantStore(TableClient.fromConnectionString(connectionString, 'config', { allowInsecureConnection: true }));
  await processes.host('pull', 'pull');
  const app = api((await processes.host('api', 'api')).info.url!);

  async function startImport(): Promise<{ tenantId: string; runId: string; run: () => Promise<RunView>; finished: () => Promise<RunView> }> {
    const tenantId = crypto.randomUUID();
    const tokens = await tokensFor(processes.keysDir, tenantId);
    // The organization's export, uploaded as its Glint Administrator would (files are kept per tenant).
    await app.call('PUT', '/api/insights-files/export.csv', tokens.admin, undefined, { text: readFileSync(path.join(processes.dir, 'export.csv'), 'utf8'), contentType: 'text/csv' });
    await configureTenant(app, tokens, { type: 'file', name: 'export.csv' });
    const { runs } = await app.call('POST', '/api/programs/p1/enable', tokens.admin);
    const runId: string = runs[0].runId;
    return { tenantId, runId, run: () => app.call('GET', `/api/imports/${runId}`, tokens.admin), finished: () => waitForRun(app, tokens.admin, runId, 60_000) };
  }

  // The reference: the same export imported on one work host.
  await processes.host('work', 'work-1');
  const reference = await startImport();
  expect(await reference.finished()).toMatchObject({ status: 'succeeded', matchedEmployees: employees });

  const second = await processes.host('work', 'work-2');
  await processes.host('work', 'work-3');
  const many = await startImport();

  // While the run works: every count row counts exactly the chunks its bit set holds, and only
  // chunks that exist (chunk i is bit i div 16 of row i mod 16).
  let snapshots = 0;
  const checkCounts = async (total: number) => {
    for (const row of await store.list(many.tenantId, tenantRanges.chunkProgress(many.runId))) {
      const indices = chunkIndices(Number.parseInt(row.rowKey.slice(-2), 16), row.value.done);
      expect({ row: row.rowKey, count: row.value.count }).toEqual({ row: row.rowKey, count: indices.length });
      expect(Math.max(...indices)).toBeLessThan(total);
    }
    snapshots++;
  };

  const midway = await waitFor(
    async () => {
      const run = await many.run();
      if (run.progress.chunksTotal === null) return false;
      await checkCounts(run.progress.chunksTotal);
      return run.progress.chunksDone >= run.progress.chunksTotal / 4 && run;
    },
    'a quarter of the chunks',
    30_000,
  );
  const total = midway.progress.chunksTotal!;
  expect(total).toBe(48);
  expect(midway.status).toBe('running');
  const bucketQueue = new QueueClient(connectionString, queueNames.bucket);
  expect((await bucketQueue.getProperties()).approximateMessagesCount).toBeGreaterThan(0);
  await processes.kill(second);
  await processes.host('work', 'work-2 restarted');

  const run = await waitFor(
    async () => {
      const current = await many.run();
      if (current.status !== 'running' && current.status !== 'queued') return current;
      await checkCounts(total);
      return false;
    },
    'the run to finish after the kill',
    60_000,
  );
  expect(run).toMatchObject({ status: 'succeeded', matchedEmployees: employees, progress: { chunksDone: total, chunksTotal: total } });
  expect(snapshots).toBeGreaterThan(1);
  // The count rows go with the run's completion, and stay gone once the killed host's messages,
  // back after their lease, have been handled too.
  await waitFor(async () => (await bucketQueue.getProperties()).approximateMessagesCount === 0, 'the bucket queue to empty', 30_000);
  expect(await store.list(many.tenantId, tenantRanges.chunkProgress(many.runId))).toEqual([]);
  expect(await storedValues(connectionString, many.tenantId)).toEqual(await storedValues(connectionString, reference.tenantId));
  expect(await new QueueClient(connectionString, `${queueNames.bucket}-poison`).exists()).toBe(false);
}
