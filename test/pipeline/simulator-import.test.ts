import type { InsightsSimulator, InsightsSimulatorOptions } from '../../local/insights-simulator';
import { startAppStack, type AppStack } from '../support/app-stack';
import { setUpTenant, simulatorFeed, storedEntities, storedValues, type PipelineTenant, withSimulator as withSimulatorOf } from '../support/pipeline-tenant';
import type { ProxiedRequest } from '../support/storage-proxy';

// The import end to end against the local Viva Insights simulator (OData pages over HTTP), through the
// local host and Azurite, with storage traffic going through a proxy that can duplicate queue messages
// and fail writes the way Azure does.

let stack: AppStack;
const people = 40;
const pageSize = 50; // 40 people × 12 weeks = 480 rows: 10 pages

beforeAll(async () => {
  stack = await startAppStack(
    // A failed message is retried at once (host.json says 10 s), so the retry tests take no time.
    { AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:00' },
    { storageProxy: true },
  );
});

afterEach(() => {
  stack.proxy!.decide = () => 'forward';
});

afterAll(async () => {
  await stack?.stop();
});

const withSimulator = <T>(use: (simulator: InsightsSimulator) => Promise<T>, options: Partial<InsightsSimulatorOptions> = {}) =>
  withSimulatorOf(stack, { people, pageSize, ...options }, use);

async function enableAndDrain(t: PipelineTenant): Promise<string> {
  const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
  expect(runs).toHaveLength(1);
  await stack.host.drain();
  return runs[0].runId;
}

const isSend = (queue: string) => (r: ProxiedRequest) => r.service === 'queue' && r.method === 'POST' && r.path.startsWith(`/devstoreaccount1/${queue}/messages`);
const isValuesBatch = (r: ProxiedRequest) => r.service === 'table' && r.method === 'POST' && r.path.includes('$batch') && r.body.includes('/insightsvalues(');

/** How the host ended each execution of a function logged since `from` (an index into the logs). */
function executions(functionName: string, from: number): string[] {
  const pattern = new RegExp(`^Executed 'Functions\\.${functionName}' \\((\\w+)`);
  return stack.logs.slice(from).flatMap((l) => pattern.exec(l.message)?.[1] ?? []);
}

/** What one clean import of the generated query stores: every other test must end in exactly this. */
let reference: Promise<Record<string, unknown>[]> | undefined;
function cleanImport(): Promise<Record<string, unknown>[]> {
  reference ??= withSimulator(async (simulator) => {
    const t = await setUpTenant(stack, simulatorFeed(simulator));
    await enableAndDrain(t);
    return storedValues(stack, t.tenantId);
  });
  return reference;
}

describe('a clean import', () => {
  it('reads every page of the person query and buckets every employee', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      const runId = await enableAndDrain(t);
      expect(await t.run(runId)).toMatchObject({ status: 'succeeded', matchedEmployees: people, invalidRows: 0 });
      expect(simulator.requests.filter((r) => r.status === 200)).toHaveLength(Math.ceil((people * 12) / pageSize));
      expect(await t.distribution('meetingHours')).toEqual([12, 8, 10, 10]);
      expect(await t.distribution('emailHours')).toEqual([40, null, null, null]); // empty ranges are hidden too (SPEC 7)
      const stored = await storedValues(stack, t.tenantId);
      expect(stored).toHaveLength(people);
      expect(stored).toEqual(await cleanImport());
      expect(stored.find((e) => e.employeeKey === 'person7@contoso.com')).toMatchObject({ w_meetingHours: 12, s_meetingHours: 84e9, b_meetingHours: 2, b_emailHours: 1 });
    });
  });
});

describe('Viva Insights faults', () => {
  it('recovers from throttling, a server error, a page dropped halfway and an expired token', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      simulator.fault({ kind: '429', retryAfterSeconds: 1 });
      simulator.fault({ kind: '503' });
      simulator.fault({ kind: 'drop-mid-page' });
      simulator.fault({ kind: 'expired-token' });
      const runId = await enableAndDrain(t);
      expect(await t.run(runId)).toMatchObject({ status: 'succeeded', matchedEmployees: people });
      expect(simulator.requests.slice(0, 5).map((r) => r.status)).toEqual([429, 503, 200, 401, 200]);
      expect(await storedValues(stack, t.tenantId)).toEqual(await cleanImport());
    });
  });

  it('reports a token the service keeps refusing as the run failing, without retrying the message', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      simulator.fault({ kind: 'expired-token' });
      simulator.fault({ kind: 'expired-token' });
      const from = stack.logs.length;
      const runId = await enableAndDrain(t);
      const run = await t.run(runId);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/401/);
      expect(run.error).not.toMatch(/eyJ/); // no token (a JWT) in what the tenant reads
      expect(executions('insightsPull', from)).toEqual(['Succeeded']);
      expect(await storedEntities(stack, t.tenantId)).toEqual([]);
    });
  });

  it('reports a person query that does not exist', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, (tenantId) => ({ type: 'odata', url: simulator.feedUrl(tenantId).replace('/person-query/', '/no-such-query/') }));
      const run = await t.run(await enableAndDrain(t));
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/404/);
    });
  });
});

describe('at-least-once delivery', () => {
  it.each(['insights-pull', 'insights-bucket'])('every %s message delivered twice ends in the same data as one clean run', async (queue) => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      let duplicated = 0;
      stack.proxy!.decide = (r) => (isSend(queue)(r) ? (duplicated++, 'duplicate') : 'forward');
      const runId = await enableAndDrain(t);
      expect(duplicated).toBeGreaterThan(0);
      const run = await t.run(runId);
      expect(run).toMatchObject({ status: 'succeeded', matchedEmployees: people });
      expect(run.progress.chunksDone).toBe(run.progress.chunksTotal);
      expect(await storedValues(stack, t.tenantId)).toEqual(await cleanImport());
    });
  });

  it('a run asked for twice at once is one run', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      // The backfill fails (a refused token), so the cycle is still due on today's schedule.
      simulator.fault({ kind: 'expired-token' });
      simulator.fault({ kind: 'expired-token' });
      const { runs: backfill } = await t.call('POST', '/api/programs/p1/enable', t.admin);
      // While the backfill is in flight, asking returns it rather than queueing more work.
      expect((await t.call('POST', '/api/imports/run', t.admin)).runs.map((r: { runId: string }) => r.runId)).toEqual([backfill[0].runId]);
      await stack.host.drain();
      expect((await t.run(backfill[0].runId)).status).toBe('failed');
      const [first, second] = await Promise.all([t.call('POST', '/api/imports/run', t.admin), t.call('POST', '/api/imports/run', t.admin)]);
      const asked = [...new Set([...first.runs, ...second.runs].map((r: { runId: string }) => r.runId))];
      expect(asked).toHaveLength(1);
      await stack.host.drain();
      const runs = (await t.call('GET', '/api/imports?programId=p1', t.admin)).runs as { runId: string; status: string }[];
      expect(runs.map((r) => [r.runId, r.status]).sort()).toEqual([[backfill[0].runId, 'failed'], [asked[0], 'succeeded']].sort());
      expect(await storedValues(stack, t.tenantId)).toEqual(await cleanImport());
    });
  });

  it('a bucket handler that fails after other chunks were written is retried to the same data', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      let batches = 0;
      // The third transaction of the run's values is refused (not retried by the SDK): that chunk's
      // handler throws with other chunks written; the host retries the message.
      stack.proxy!.decide = (r) => (isValuesBatch(r) && ++batches === 3 ? { fail: 403 } : 'forward');
      const from = stack.logs.length;
      const runId = await enableAndDrain(t);
      expect(batches).toBeGreaterThan(3);
      const run = await t.run(runId);
      expect(run).toMatchObject({ status: 'succeeded', matchedEmployees: people });
      // One chunk failed once; every chunk, that one included, then succeeded once.
      const outcomes = executions('insightsBucket', from);
      expect(outcomes.filter((o) => o === 'Failed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'Succeeded')).toHaveLength(run.progress.chunksTotal!);
      expect(await storedValues(stack, t.tenantId)).toEqual(await cleanImport());
    });
  });
});

describe('a message failing its last try', () => {
  it('lands in <queue>-poison and its run shows failed with the reason', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      stack.proxy!.decide = (r) => (isValuesBatch(r) ? { fail: 403 } : 'forward');
      const from = stack.logs.length;
      const runId = await enableAndDrain(t);
      const run = await t.run(runId);
      // Chunk messages were tried until the first one failed its fifth try, which failed the run (the
      // others' later deliveries then find the run ended); every try that wrote failed.
      const outcomes = executions('insightsBucket', from);
      expect(outcomes.filter((o) => o === 'Failed').length).toBeGreaterThanOrEqual(5);
      expect(outcomes.length).toBeLessThanOrEqual(5 * run.progress.chunksTotal!);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/\(after 5 tries\)$/);
      // The messages that failed five times went to insights-bucket-poison, where its poison function
      // took them (the run was already failed, with the reason of its last try, which stays).
      const poisoned = executions('insightsBucketPoison', from);
      expect(poisoned.length).toBeGreaterThanOrEqual(1);
      expect(new Set(poisoned)).toEqual(new Set(['Succeeded']));
      expect(await stack.queueMessages('insights-bucket-poison')).toEqual([]);
      expect(await storedEntities(stack, t.tenantId)).toEqual([]);
    });
  });
});

describe('consent revoked mid-run', () => {
  it('cancels the running import, and nothing is written after', async () => {
    let t: PipelineTenant | undefined;
    await withSimulator(
      async (simulator) => {
        t = await setUpTenant(stack, simulatorFeed(simulator));
        const runId = await enableAndDrain(t);
        expect(await t.run(runId)).toMatchObject({ status: 'cancelled', error: 'consent revoked' });
        expect(simulator.requests.length).toBeGreaterThan(3); // the pull was reading when consent went
        expect(await storedEntities(stack, t.tenantId)).toEqual([]);
        expect(stack.logs.some((l) => l.level === 'error' && l.message.includes(runId))).toBe(false);
      },
      { beforePage: async (offset) => void (offset === 3 * pageSize && (await t!.call('DELETE', '/api/consent', t!.global))) },
    );
  });
});

describe('reprocessing', () => {
  it('a range change moves the distribution without calling Viva Insights', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      await enableAndDrain(t);
      const calls = simulator.requests.length;
      await t.call('PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [5, 10, 15] });
      await stack.host.drain();
      expect(await t.distribution('meetingHours')).toEqual([10, 10, 10, 10]);
      expect(simulator.requests.length).toBe(calls);
    });
  });

  it('deleting an attribute deletes its values and keeps the others', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      await enableAndDrain(t);
      await t.call('DELETE', '/api/attributes/emailHours', t.admin);
      await stack.host.drain();
      const withoutEmail = (await cleanImport()).map(({ s_emailHours: _s, w_emailHours: _w, b_emailHours: _b, ...rest }) => rest);
      expect(await storedValues(stack, t.tenantId)).toEqual(withoutEmail);
    });
  });

  it('removing a program deletes its data and keeps the other program', async () => {
    await withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      const { cycles } = await t.call('GET', '/api/programs/p1', t.admin);
      await t.call('PUT', '/api/programs/p2', t.app, { name: 'P2', cycles: cycles.map(({ cycleId, name, startDate, endDate }: Record<string, string>) => ({ cycleId, name, startDate, endDate })) });
      await t.call('POST', '/api/programs/p2/enable', t.admin);
      await enableAndDrain(t);
      const p2 = (await storedValues(stack, t.tenantId)).filter((e) => String(e.partition).startsWith('p2|'));
      expect(p2).toHaveLength(people);
      await t.call('DELETE', '/api/programs/p1/enable', t.admin);
      await stack.host.drain();
      expect(await storedValues(stack, t.tenantId)).toEqual(p2);
    });
  });
});
