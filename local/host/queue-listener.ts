import { randomUUID } from 'node:crypto';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { RpcInvocationRequest, RpcTypedData } from './core-types';
import type { QueuesOptions } from './host-json';
import type { HostLogger } from './logger';

// The Storage Queues extension's listener, reduced to what an app can observe: batches of
// `batchSize` fetched whenever no more than `newBatchThreshold` are in flight, randomized exponential
// back-off from 100 ms up to `maxPollingInterval` while the queue is empty, a message kept invisible
// while it runs, deleted on success, made visible again after `visibilityTimeout` on failure, and
// copied to `<queue>-poison` when its last try (`maxDequeueCount`) fails or its body is not base64.

const minPollingIntervalMs = 100;
/** The Storage Queues extension keeps a running message invisible for 10 minutes, renewed at half-time. */
export const defaultLeaseSeconds = 10 * 60;

export interface QueueListenerOptions {
  functionName: string;
  triggerName: string;
  queue: QueueClient;
  poisonQueue: QueueClient;
  options: QueuesOptions;
  invoke: (request: RpcInvocationRequest) => Promise<unknown>;
  logger: HostLogger;
  /** How long a received message stays invisible while it runs (renewed at half-time); default 10 minutes. */
  leaseSeconds?: number;
}

export class QueueListener {
  readonly #o: QueueListenerOptions;
  #stopped = false;
  #inFlight = 0;
  #receives = 0;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  readonly #running = new Set<Promise<void>>();

  constructor(options: QueueListenerOptions) {
    this.#o = options;
  }

  get queueName(): string {
    return this.#o.queue.name;
  }

  start(): void {
    this.#loop = this.#poll();
  }

  /** How many receive requests were made, so back-off can be observed. */
  get receiveCount(): number {
    return this.#receives;
  }

  /** Ends the back-off wait so the next receive happens now. */
  pollNow(): void {
    this.#wake?.();
  }

  /** Messages in the queue, visible or not (Azure's approximate count includes invisible ones). */
  async approximateMessageCount(): Promise<number> {
    try {
      return (await this.#o.queue.getProperties()).approximateMessagesCount ?? 0;
    } catch (error) {
      if (isQueueNotFound(error)) return 0;
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.pollNow();
    await this.#loop;
    await Promise.allSettled([...this.#running]);
  }

  get #leaseSeconds(): number {
    return this.#o.leaseSeconds ?? defaultLeaseSeconds;
  }

  async #poll(): Promise<void> {
    const { batchSize, newBatchThreshold, maxPollingInterval } = this.#o.options;
    let delay = minPollingIntervalMs;
    while (!this.#stopped) {
      if (this.#inFlight > newBatchThreshold) {
        await this.#sleep(maxPollingInterval);
        continue;
      }
      let messages: DequeuedMessageItem[] = [];
      this.#receives++;
      try {
        const response = await this.#o.queue.receiveMessages({ numberOfMessages: batchSize, visibilityTimeout: this.#leaseSeconds });
        messages = response.receivedMessageItems;
      } catch (error) {
        if (!isQueueNotFound(error)) this.#o.logger.log('warning', `Queue ${this.queueName}: receive failed: ${(error as Error).message}`);
      }
      if (this.#stopped) {
        // Received after stop was asked: hand them back at once rather than run them.
        await Promise.allSettled(messages.map((m) => this.#o.queue.updateMessage(m.messageId, m.popReceipt, undefined, 0)));
        break;
      }
      if (messages.length > 0) {
        delay = minPollingIntervalMs;
        for (const message of messages) this.#track(this.#process(message));
        continue;
      }
      await this.#sleep(delay * (0.8 + Math.random() * 0.4));
      delay = Math.min(delay * 2, Math.max(maxPollingInterval, minPollingIntervalMs));
    }
  }

  #track(work: Promise<void>): void {
    this.#inFlight++;
    this.#running.add(work);
    void work.finally(() => {
      this.#inFlight--;
      this.#running.delete(work);
      this.pollNow();
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  async #process(message: DequeuedMessageItem): Promise<void> {
    const { queue, options, logger, functionName } = this.#o;
    let body: string;
    if (options.messageEncoding === 'base64') {
      if (!isStrictBase64(message.messageText)) {
        logger.log('error', `Queue ${queue.name}: message ${message.messageId} is not valid base64; moving it to ${this.#o.poisonQueue.name}`);
        await this.#moveToPoison(message, message.popReceipt);
        return;
      }
      body = Buffer.from(message.messageText, 'base64').toString('utf8');
    } else {
      body = message.messageText;
    }

    // Keep the message invisible while the function runs, renewing at half the lease as the host does.
    let popReceipt = message.popReceipt;
    let renewing: Promise<unknown> = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = queue
        .updateMessage(message.messageId, popReceipt, undefined, this.#leaseSeconds)
        .then((r) => {
          popReceipt = r.popReceipt ?? popReceipt;
        })
        .catch((error: Error) => logger.log('warning', `Queue ${queue.name}: could not extend message ${message.messageId}: ${error.message}`));
    }, (this.#leaseSeconds * 1000) / 2);

    let failure: unknown;
    try {
      await this.#o.invoke(this.#request(message, body));
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(renewal);
      await renewing;
    }

    try {
      if (failure === undefined) {
        await queue.deleteMessage(message.messageId, popReceipt);
      } else if (message.dequeueCount >= options.maxDequeueCount) {
        logger.log('error', `Function ${functionName} failed on the last of ${options.maxDequeueCount} tries of message ${message.messageId}; moving it to ${this.#o.poisonQueue.name}`);
        await this.#moveToPoison(message, popReceipt);
      } else {
        await queue.updateMessage(message.messageId, popReceipt, undefined, Math.round(options.visibilityTimeout / 1000));
      }
    } catch (error) {
      // Lost the lease (or storage hiccup): the message reappears by itself when its visibility ends.
      logger.log('warning', `Queue ${queue.name}: could not complete message ${message.messageId}: ${(error as Error).message}`);
    }
  }

  async #moveToPoison(message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const poison = this.#o.poisonQueue;
    await poison.createIfNotExists();
    await poison.sendMessage(message.messageText);
    await this.#o.queue.deleteMessage(message.messageId, popReceipt);
  }

  #request(message: DequeuedMessageItem, body: string): RpcInvocationRequest {
    const iso = (d: Date | undefined): RpcTypedData => ({ string: d ? d.toISOString() : '' });
    return {
      invocationId: randomUUID(),
      inputData: [{ name: this.#o.triggerName, data: { string: body } }],
      triggerMetadata: {
        QueueTrigger: { string: body },
        DequeueCount: { int: message.dequeueCount },
        Id: { string: message.messageId },
        PopReceipt: { string: message.popReceipt },
        InsertionTime: iso(message.insertedOn),
        ExpirationTime: iso(message.expiresOn),
        NextVisibleTime: iso(message.nextVisibleOn),
        sys: {
          json: JSON.stringify({ MethodName: this.#o.functionName, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
        },
      },
    };
  }
}

/** Base64 as .NET's Convert.FromBase64String accepts it: whole quanta, standard alphabet, padding only at the end. */
export function isStrictBase64(text: string): boolean {
  const compact = text.replace(/[\t\n\r ]/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

function isQueueNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}
