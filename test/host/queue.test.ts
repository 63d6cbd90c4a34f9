import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { clearRecorded, recorded } from '../fixtures/conformance-app/recorder';
import { base64Json, conformanceApp, startAzurite, startTestHost, waitFor, type RunningAzurite, type TestHost } from '../support/local-stack';

let azurite: RunningAzurite;
let stack: TestHost;
let queues: QueueServiceClient;

async function send(queueName: string, text: string): Promise<void> {
  const queue = queues.getQueueClient(queueName);
  await queue.createIfNotExists();
  await queue.sendMessage(text);
}

async function peekAll(queueName: string): Promise<string[]> {
  const queue = queues.getQueueClient(queueName);
  if (!(await queue.exists())) return [];
  return (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
}

beforeAll(async () => {
  azurite = await startAzurite();
  process.env.AzureWebJobsStorage = azurite.connectionString;
  queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  stack = await startTestHost({ appDir: conformanceApp, settings: { AzureWebJobsStorage: azurite.connectionString, SUNDAY_SCHEDULE: '0 0 6 * * 0' } });
});

afterAll(async () => {
  await stack?.host.stop();
  await azurite?.stop();
});

beforeEach(() => clearRecorded());

const calls = (fn: string) => recorded().filter((r) => r.fn === fn);

describe('storage queue triggers on the local host', () => {
  it('decodes base64, parses JSON, and passes the trigger metadata the host sends', async () => {
    await send('work-items', base64Json({ hello: 'world' }));
    await stack.host.drain();
    const [call] = calls('work');
    expect(call?.input).toEqual({ hello: 'world' });
    expect(call?.meta).toMatchObject({
      dequeueCount: 1,
      id: expect.stringMatching(/.+/),
      popReceipt: expect.stringMatching(/.+/),
      queueTrigger: { hello: 'world' },
      insertionTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      expirationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      nextVisibleTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      sys: { methodName: 'work', utcNow: expect.any(String), randGuid: expect.any(String) },
    });
    expect(await peekAll('work-items')).toEqual([]);
  });

  it('hands a non-JSON message over as a string', async () => {
    await send('work-items', Buffer.from('plain text').toString('base64'));
    await stack.host.drain();
    expect(calls('work').map((c) => c.input)).toEqual(['plain text']);
  });

  it('moves a message that is not base64 to <queue>-poison untouched, without invoking the function', async () => {
    await send('work-items', 'not base64 at all!');
    await stack.host.drain();
    expect(calls('work')).toHaveLength(0);
    expect(await peekAll('work-items-poison')).toEqual(['not base64 at all!']);
  });

  it('retries a failing message up to maxDequeueCount (5), then moves it to <queue>-poison with its body intact', async () => {
    const body = base64Json({ id: 'doomed', payload: 'x'.repeat(100) });
    await send('always-fails', body);
    await stack.host.drain();
    expect(calls('alwaysFails').map((c) => (c.meta as { dequeueCount: number }).dequeueCount)).toEqual([1, 2, 3, 4, 5]);
    expect(await peekAll('always-fails')).toEqual([]);
    expect(await peekAll('always-fails-poison')).toEqual([body]);
    expect(stack.logs.some((l) => l.level === 'error' && l.message.includes('always-fails-poison'))).toBe(true);
  });

  it('makes a failed message visible again and succeeds on a later try without poisoning it', async () => {
    await send('fails-twice', base64Json({ id: 'eventually' }));
    await stack.host.drain();
    expect(calls('failsTwice').map((c) => (c.meta as { dequeueCount: number }).dequeueCount)).toEqual([1, 2, 3]);
    expect(await peekAll('fails-twice-poison')).toEqual([]);
    expect(await peekAll('fails-twice')).toEqual([]);
  });

  it('runs a batch in parallel, never more than batchSize + newBatchThreshold at once', async () => {
    for (let i = 0; i < 12; i++) await send('slow-items', base64Json({ i }));
    await stack.host.drain();
    const slow = calls('slow');
    expect(slow).toHaveLength(12);
    const peak = Math.max(...slow.map((c) => (c.meta as { running: number }).running));
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(4 + 2);
  });

  it('drain waits for work that running invocations enqueue', async () => {
    await send('work-items', base64Json({ followUp: 'chain-1' }));
    await stack.host.drain();
    expect(calls('followUp').map((c) => c.input)).toEqual([{ from: 'chain-1' }]);
  });

  it('backs off while a queue is empty, and still picks a new message up within maxPollingInterval', async () => {
    await stack.host.drain();
    const before = stack.host.queueReceiveCount('work');
    await new Promise((r) => setTimeout(r, 2000));
    const idleReceives = stack.host.queueReceiveCount('work') - before;
    // 100, 200, 400, then 500 ms (the fixture's maxPollingInterval) apart: about 6 in 2 s, not hundreds.
    expect(idleReceives).toBeGreaterThan(0);
    expect(idleReceives).toBeLessThanOrEqual(10);
    const sentAt = Date.now();
    await send('work-items', base64Json({ late: true }));
    const call = await waitFor(() => calls('work')[0], 'the late message');
    expect(call.at - sentAt).toBeLessThan(500 + 1000);
  });
});

/** A copy of the queue fixture app with its own host.json `extensions.queues`. */
function queueAppWith(queues: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'host-queues-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'queues', main: path.join(conformanceApp, 'functions', 'queues.ts') }));
  writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0', extensions: { queues } }));
  return dir;
}

describe('visibilityTimeout', () => {
  it('keeps a failed message invisible for host.json visibilityTimeout before the next try', async () => {
    const dir = queueAppWith({ maxPollingInterval: '00:00:00.200', visibilityTimeout: '00:00:01', maxDequeueCount: 5 });
    await stack.host.stop();
    const slowRetry = await startTestHost({ appDir: dir, settings: { AzureWebJobsStorage: azurite.connectionString } });
    try {
      await send('fails-twice', base64Json({ id: 'timed' }));
      await slowRetry.host.drain();
      const tries = calls('failsTwice').map((c) => c.at);
      expect(tries).toHaveLength(3);
      expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(950);
      expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(950);
    } finally {
      await slowRetry.host.stop();
    }
  });

  it('takes host.json values from AzureFunctionsJobHost__ app settings, as the real host does', async () => {
    const dir = queueAppWith({ visibilityTimeout: '00:00:30', maxDequeueCount: 5 });
    await stack.host.stop();
    const settings = {
      AzureWebJobsStorage: azurite.connectionString,
      AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:01',
      AzureFunctionsJobHost__Extensions__Queues__MaxDequeueCount: '2',
    };
    const overridden = await startTestHost({ appDir: dir, settings });
    try {
      await send('fails-twice', base64Json({ id: 'overridden' }));
      await overridden.host.drain();
      // Two tries 1 s apart (not 30 s), then poison: maxDequeueCount 2 came from the setting.
      const tries = calls('failsTwice').map((c) => c.at);
      expect(tries).toHaveLength(2);
      expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(950);
      expect(tries[1]! - tries[0]!).toBeLessThan(5_000);
      expect(await peekAll('fails-twice-poison')).toContainEqual(base64Json({ id: 'overridden' }));
    } finally {
      await overridden.host.stop();
    }
  });
});

describe('AzureWebJobs.<name>.Disabled', () => {
  it('keeps a disabled queue function from being triggered, as the real host does', async () => {
    await stack.host.stop();
    const settings = { AzureWebJobsStorage: azurite.connectionString, SUNDAY_SCHEDULE: '0 0 6 * * 0', 'AzureWebJobs.work.Disabled': 'true' };
    const disabled = await startTestHost({ appDir: conformanceApp, settings });
    try {
      await send('work-items', base64Json({ id: 'left alone' }));
      await disabled.host.drain();
      await new Promise((r) => setTimeout(r, 300));
      expect(calls('work')).toEqual([]);
      expect(await peekAll('work-items')).toEqual([base64Json({ id: 'left alone' })]);
      expect(disabled.logs.some((l) => l.message.includes("Function 'work' is disabled"))).toBe(true);
    } finally {
      await disabled.host.stop();
    }
  });
});
