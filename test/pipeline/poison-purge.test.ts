import { QueueServiceClient } from '@azure/storage-queue';
import { encodeMessage, poisonQueueOf, queueNames, WorkQueues } from '../../shared/work/queues';
import { startAzurite, type RunningAzurite } from '../support/local-stack';

// A purge leaves none of the tenant's messages in the poison queues (a poisoned bucket message still
// carries employees' window sums), and every other tenant's message where it was.

let azurite: RunningAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

it("deletes the tenant's poisoned messages and puts back everyone else's", async () => {
  const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  const bucketPoison = service.getQueueClient(poisonQueueOf(queueNames.bucket));
  const pullPoison = service.getQueueClient(poisonQueueOf(queueNames.pull));
  await bucketPoison.createIfNotExists();
  await pullPoison.createIfNotExists();
  const message = (tenantId: string, runId: string) => ({ kind: 'bucket', tenantId, runId, employees: [{ employeeKey: 'a@contoso.com', sums: [1.5] }] });
  for (let k = 0; k < 40; k++) await bucketPoison.sendMessage(encodeMessage(message(k % 4 === 0 ? 'purged' : 'other', `r${k}`)));
  await pullPoison.sendMessage(encodeMessage({ kind: 'pull', tenantId: 'purged', runId: 'p1' }));
  await pullPoison.sendMessage('not base64 JSON at all');

  expect(await new WorkQueues(service).clearTenant('purged')).toBe(11);

  const left: string[] = [];
  for (const queue of [bucketPoison, pullPoison]) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    const more = await queue.receiveMessages({ numberOfMessages: 32 });
    for (const m of [...receivedMessageItems, ...more.receivedMessageItems]) left.push(m.messageText);
  }
  const tenants = left.map((text) => {
    try {
      return (JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { tenantId: string }).tenantId;
    } catch {
      return 'unreadable';
    }
  });
  expect(tenants.filter((t) => t === 'purged')).toEqual([]);
  expect(tenants.filter((t) => t === 'other')).toHaveLength(30);
  expect(left).toContain('not base64 JSON at all');
});
