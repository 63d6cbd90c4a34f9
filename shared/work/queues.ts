import type { QueueServiceClient } from '@azure/storage-queue';
import { z } from 'zod';

// The pipeline's queues and their messages. Messages are JSON, base64-encoded as the Functions host
// expects, and at most 64 KiB once encoded.

export const queueNames = { pull: 'insights-pull', bucket: 'insights-bucket', reprocess: 'insights-reprocess', reports: 'report-refresh' } as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const pullMessage = z.object({
  kind: z.literal('pull'),
  tenantId: z.string(),
  runId: z.string(),
  programId: z.string(),
  cycleId: z.string(),
  runDate: z.string(),
  /** The run's attempt this message belongs to; a message of an earlier attempt does nothing. */
  attempt: z.number().int().min(1).default(1),
});
export type PullMessage = z.infer<typeof pullMessage>;

/** One chunk of a pull's per-employee window aggregates: employee key → metric id → [sumNano, weeks]. */
export const bucketMessage = z.object({
  kind: z.literal('bucket'),
  tenantId: z.string(),
  runId: z.string(),
  programId: z.string(),
  cycleId: z.string(),
  attempt: z.number().int().min(1).default(1),
  index: z.number().int().min(0),
  employees: z.array(z.tuple([z.string(), z.record(z.string(), z.tuple([z.number(), z.number().int().min(1)]))])),
});
export type BucketMessage = z.infer<typeof bucketMessage>;

export const reprocessMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rebucket'), tenantId: z.string(), runId: z.string(), metricId: z.string() }),
  z.object({
    kind: z.literal('delete'),
    tenantId: z.string(),
    runId: z.string(),
    scope: z.union([
      z.object({ metricId: z.string() }),
      z.object({ programId: z.string() }),
      z.object({ all: z.literal(true) }),
      // The data of one superseded import run, once a newer run of its cycle succeeded.
      z.object({ supersededRun: z.object({ programId: z.string(), cycleId: z.string(), runId: z.string() }) }),
    ]),
  }),
  // Match the imported cycles to the tenant's current roster again (rematch.ts).
  z.object({ kind: z.literal('rematch'), tenantId: z.string(), runId: z.string() }),
]);
export type ReprocessMessage = z.infer<typeof reprocessMessage>;

/** Recompute a cycle's reports, if a change asked for it since they were last computed. */
export const reportMessage = z.object({ kind: z.literal('report'), tenantId: z.string(), programId: z.string(), cycleId: z.string() });
export type ReportMessage = z.infer<typeof reportMessage>;

export interface QueuedMessage {
  queue: QueueName;
  body: PullMessage | BucketMessage | ReprocessMessage | ReportMessage;
}

/** Deletes the values one import run (attempt) wrote: `partitions.runId` names its partitions (dataRunId). */
export function runDataDeletion(tenantId: string, runId: string, partitions: { programId: string; cycleId: string; runId: string }): QueuedMessage {
  return { queue: queueNames.reprocess, body: { kind: 'delete', tenantId, runId, scope: { supersededRun: partitions } } };
}

export const maxEncodedBytes = 64 * 1024;

/**
 * How long a message may wait in its queue. Bucket messages carry employees' window sums, so they
 * expire after a day (well under the queues' default of 7 days): per-person values never linger in a
 * queue; a run whose chunk expired is failed by the sweeper long before. Other messages carry ids only.
 */
export const messageTimeToLiveSeconds: Record<QueueName, number> = {
  'insights-pull': 7 * 24 * 3600,
  'insights-bucket': 24 * 3600,
  'insights-reprocess': 7 * 24 * 3600,
  'report-refresh': 7 * 24 * 3600,
};

export function encodeMessage(body: unknown): string {
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

/** Where a message the host gave up on waits for its poison function (functions/insights-*-poison.ts). */
export const poisonQueueOf = (queue: QueueName) => `${queue}-poison`;

/** How many rounds of 32 messages a poison queue is searched for a tenant's messages: it is near empty. */
const maxPoisonRounds = 100;

export class WorkQueues {
  readonly #service: QueueServiceClient;
  readonly #created = new Map<string, Promise<unknown>>();

  constructor(service: QueueServiceClient) {
    this.#service = service;
  }

  async send(message: QueuedMessage): Promise<void> {
    const encoded = encodeMessage(message.body);
    if (encoded.length > maxEncodedBytes) throw new Error(`Message for ${message.queue} is ${encoded.length} bytes encoded; the limit is ${maxEncodedBytes}`);
    const queue = this.#service.getQueueClient(message.queue);
    let created = this.#created.get(message.queue);
    if (!created) {
      created = queue.createIfNotExists().catch((error: unknown) => {
        this.#created.delete(message.queue);
        throw error;
      });
      this.#created.set(message.queue, created);
    }
    await created;
    await queue.sendMessage(encoded, { messageTimeToLive: messageTimeToLiveSeconds[message.queue] });
  }

  /**
   * Deletes a tenant's messages from the poison queues (a purge: a poisoned bucket message still
   * carries employees' values). Every message is taken for the moment of the search; another
   * tenant's is put back as it was. Returns how many were deleted.
   */
  async clearTenant(tenantId: string): Promise<number> {
    let deleted = 0;
    for (const name of [queueNames.pull, queueNames.bucket, queueNames.reprocess]) {
      const queue = this.#service.getQueueClient(poisonQueueOf(name));
      if (!(await queue.exists())) continue;
      // Another tenant's messages stay taken until the search is over, so each round reads new ones.
      const held: { messageId: string; popReceipt: string; messageText: string }[] = [];
      for (let round = 0; round < maxPoisonRounds; round++) {
        const { receivedMessageItems: items } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
        if (items.length === 0) break;
        for (const message of items) {
          if (tenantOf(message.messageText) === tenantId) {
            await queue.deleteMessage(message.messageId, message.popReceipt);
            deleted++;
          } else {
            held.push(message);
          }
        }
      }
      for (const message of held) await queue.updateMessage(message.messageId, message.popReceipt, message.messageText, 0);
    }
    return deleted;
  }
}

/** The tenant a queued message names, if it can be read at all. */
function tenantOf(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    return typeof body === 'object' && body !== null && 'tenantId' in body && typeof body.tenantId === 'string' ? body.tenantId : undefined;
  } catch {
    return undefined;
  }
}
