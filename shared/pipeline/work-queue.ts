import type { QueueServiceClient } from '@azure/storage-queue';
import { z } from 'zod';

// The pipeline's queues and their messages. Messages are JSON, base64-encoded as the Functions host
// expects, and at most 64 KiB once encoded.

export const queueNames = { pull: 'insights-pull', bucket: 'insights-bucket', reprocess: 'insights-reprocess' } as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const pullMessage = z.object({
  kind: z.literal('pull'),
  tenantId: z.string(),
  runId: z.string(),
  programId: z.string(),
  cycleId: z.string(),
  runDate: z.string(),
});
export type PullMessage = z.infer<typeof pullMessage>;

export const reprocessMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rebucket'), tenantId: z.string(), runId: z.string(), metricId: z.string() }),
  z.object({
    kind: z.literal('delete'),
    tenantId: z.string(),
    runId: z.string(),
    scope: z.union([z.object({ metricId: z.string() }), z.object({ programId: z.string() }), z.object({ all: z.literal(true) })]),
  }),
]);
export type ReprocessMessage = z.infer<typeof reprocessMessage>;

export interface QueuedMessage {
  queue: QueueName;
  body: PullMessage | ReprocessMessage;
}

const maxEncodedBytes = 64 * 1024;

export class WorkQueues {
  readonly #service: QueueServiceClient;
  readonly #created = new Map<string, Promise<unknown>>();

  constructor(service: QueueServiceClient) {
    this.#service = service;
  }

  async send(message: QueuedMessage): Promise<void> {
    const encoded = Buffer.from(JSON.stringify(message.body)).toString('base64');
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
    await queue.sendMessage(encoded);
  }
}
