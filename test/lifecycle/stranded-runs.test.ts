import { QueueClient } from '@azure/storage-queue';
import type { InsightsSimulator } from '../../local/insights-simulator';
import { encodeMessage } from '../../shared/work/queues';
import { startAppStack, type AppStack } from '../support/app-stack';
import { setUpTenant, simulatorFeed, storedEntities, storedValues, withSimulator as withSimulatorOf } from '../support/pipeline-tenant';

// No run is stranded (README "Data lifecycle"): a message whose process died on every delivery ends in
// `<queue>-poison`, where a function fails its run; a run whose message was lost is sent again by the
// sweeper; a failed import is retried as a fresh attempt that never mixes with the failed one's data.

let stack: AppStack;
const people = 30;

beforeAll(async () => {
  stack = await startAppStack(
    { AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:00', RUN_RESEND_AFTER_SECONDS: '1', RUN_STALE_AFTER_SECONDS: '2' },
    { storageProxy: true },
  );
});

afterEach(() => {
  stack.proxy!.decide = () => 'forward';
});

afterAll(async () => {
  await stack?.stop();
});

const withSimulator = <T>(use: (simulator: InsightsSimulator) => Promise<T>) => withSimulatorOf(stack, { people, pageSize: 100 }, use);

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('a pull message poisoned by dying processes fails its run with the reason', async () => {
  await withSimulator(async (simulator) => {
    const t = await setUpTenant(stack, simulatorFeed(simulator));
    // The run is queued; its message is what the host moves to the poison queue after the fifth
    // delivery whose process died (the local host cannot die on purpose here: the message is put where
    // the host puts it).
    stack.proxy!.decide = (r) => (r.service === 'queue' && r.method === 'POST' && r.path.includes('/insights-pull/messages') ? 'lose' : 'forward');
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    stack.proxy!.decide = () => 'forward';
    const [run] = (await t.call('GET', '/api/imports', t.admin)).runs;
    expect(run.status).toBe('queued');
    const poison = new QueueClient(stack.azurite.connectionString, 'insights-pull-poison');
    await poison.createIfNotExists();
    await poison.sendMessage(encodeMessage({ kind: 'pull', tenantId: t.tenantId, runId: run.runId, programId: 'p1', cycleId: 'c1', runDate: run.runDate, attempt: 1 }));
    await stack.host.drain();
    expect(await t.run(run.runId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped without finishing 5 times/) });
    expect((await poison.peekMessages()).peekedMessageItems).toEqual([]);
  });
});

it('the sweeper sends a lost message again, and the run completes', async () => {
  await withSimulator(async (simulator) => {
    const t = await setUpTenant(stack, simulatorFeed(simulator));
    // Lost between the commit and the send: the run is recorded, its message never arrives.
    stack.proxy!.decide = (r) => (r.service === 'queue' && r.method === 'POST' && r.path.includes('/insights-pull/messages') ? 'lose' : 'forward');
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    stack.proxy!.decide = () => 'forward';
    const [lost] = (await t.call('GET', '/api/imports', t.admin)).runs;
    await stack.host.drain();
    expect((await t.run(lost.runId)).status).toBe('queued'); // nothing moves it
    await wait(1_100);
    await stack.host.invokeTimer('runSweeper');
    await stack.host.drain();
    expect(await t.run(lost.runId)).toMatchObject({ status: 'succeeded', matchedEmployees: people });
  });
});

it('the sweeper fails a run stuck running', async () => {
  await withSimulator(async (simulator) => {
    const t = await setUpTenant(stack, simulatorFeed(simulator));
    // Every bucket message is lost: the run waits for chunks that never come.
    stack.proxy!.decide = (r) => (r.service === 'queue' && r.method === 'POST' && r.path.includes('/insights-bucket/messages') ? 'lose' : 'forward');
    const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    stack.proxy!.decide = () => 'forward';
    await wait(2_100);
    await stack.host.invokeTimer('runSweeper');
    await stack.host.drain();
    expect(await t.run(runs[0].runId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/no step of this run finished/) });
  });
});

it('a failed import retried is a fresh attempt: the same data as a clean run, no partition of the failed one left', async () => {
  await withSimulator(async (simulator) => {
    const clean = await setUpTenant(stack, simulatorFeed(simulator));
    await clean.call('POST', '/api/programs/p1/enable', clean.admin);
    await stack.host.drain();

    const t = await setUpTenant(stack, simulatorFeed(simulator));
    // The first attempt writes some chunks, then fails: its bucket writes start failing for good.
    let batches = 0;
    stack.proxy!.decide = (r) => (r.service === 'table' && r.method === 'POST' && r.path.includes('$batch') && r.body.includes('/insightsvalues(') && !r.body.includes('DELETE ') && ++batches > 3 ? { fail: 403 } : 'forward');
    const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    stack.proxy!.decide = () => 'forward';
    expect((await t.run(runs[0].runId)).status).toBe('failed');
    await stack.host.drain(); // the failed attempt's partial values are deleted
    expect(await storedEntities(stack, t.tenantId)).toEqual([]);

    expect((await stack.call('POST', `/api/imports/${runs[0].runId}/retry`, { token: clean.admin })).status).toBe(404); // another tenant's run
    const retried = await t.call('POST', `/api/imports/${runs[0].runId}/retry`, t.admin);
    expect(retried.runs.map((r: { runId: string }) => r.runId)).toEqual([runs[0].runId]);
    await stack.host.drain();
    expect(await t.run(runs[0].runId)).toMatchObject({ status: 'succeeded', attempt: 2, matchedEmployees: people });
    const stored = await storedEntities(stack, t.tenantId);
    expect(new Set(stored.map((e) => String(e.partitionKey).split('|')[3]))).toEqual(new Set([`${runs[0].runId}~a2`]));
    const normalize = (values: Record<string, unknown>[]) => values.map(({ partition, ...rest }) => ({ ...rest, shard: String(partition).split('|')[2] }));
    expect(normalize(await storedValues(stack, t.tenantId))).toEqual(normalize(await storedValues(stack, clean.tenantId)));
    expect((await stack.call('POST', `/api/imports/${runs[0].runId}/retry`, { token: t.admin })).status).toBe(409);
  });
});
