import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { RpcInvocationRequest } from './core-types';
import type { HostLogger } from './logger';
import type { NcrontabSchedule } from './ncrontab';

// The timer trigger as the Functions host runs it: one invocation at a time per function, the
// schedule status (last, next, last updated) kept in storage when `useMonitor` is on, so that a
// host starting after a missed occurrence runs the function once at once with `isPastDue: true`;
// `runOnStartup` runs it when the host starts.

export interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

export interface TimerListenerOptions {
  functionName: string;
  triggerName: string;
  schedule: NcrontabSchedule;
  runOnStartup: boolean;
  useMonitor: boolean;
  /** Where schedule status blobs live, as the host keeps them in `azure-webjobs-hosts`. */
  statusContainer: ContainerClient;
  hostId: string;
  invoke: (request: RpcInvocationRequest) => Promise<unknown>;
  logger: HostLogger;
  now?: () => Date;
}

const maxTimeoutMs = 2 ** 31 - 1;

export class TimerListener {
  readonly #o: TimerListenerOptions;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #status: ScheduleStatus | undefined;
  #chain: Promise<void> = Promise.resolve();
  #next: Date | null = null;

  constructor(options: TimerListenerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  get nextOccurrence(): Date | null {
    return this.#next;
  }

  get #statusBlob() {
    return this.#o.statusContainer.getBlockBlobClient(`timers/${this.#o.hostId}/Host.Functions.${this.#o.functionName}/status`);
  }

  async start(): Promise<void> {
    const now = this.#now();
    let pastDue = false;
    if (this.#o.useMonitor) {
      this.#status = await this.#readStatus();
      pastDue = this.#status !== undefined && now.getTime() > Date.parse(this.#status.Next);
      if (this.#status === undefined) {
        await this.#writeStatus({ Last: '0001-01-01T00:00:00.000Z', Next: this.#o.schedule.next(now)?.toISOString() ?? '', LastUpdated: now.toISOString() });
      }
    }
    if (pastDue) this.#o.logger.log('information', `Timer ${this.#o.functionName} is past due (next was ${this.#status?.Next}); running it now`);
    if (pastDue || this.#o.runOnStartup) void this.#enqueue(now, pastDue);
    this.#arm();
  }

  /** Runs the function now, after any invocation of it still running; resolves when it has finished. */
  invokeNow(): Promise<void> {
    return this.#enqueue(this.#now(), false);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#chain.catch(() => undefined);
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#next = this.#o.schedule.next(this.#now());
    if (!this.#next) return;
    const wait = Math.max(0, this.#next.getTime() - this.#now().getTime());
    this.#timer = setTimeout(() => {
      if (wait > maxTimeoutMs || this.#now() < (this.#next as Date)) return this.#arm();
      void this.#enqueue(this.#next as Date, false).finally(() => this.#arm());
    }, Math.min(wait, maxTimeoutMs));
  }

  #enqueue(occurrence: Date, isPastDue: boolean): Promise<void> {
    const run = this.#chain.then(() => this.#fire(occurrence, isPastDue));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #fire(occurrence: Date, isPastDue: boolean): Promise<void> {
    const next = this.#o.schedule.next(occurrence.getTime() > this.#now().getTime() ? occurrence : this.#now());
    const status: ScheduleStatus | null = this.#o.useMonitor
      ? { Last: this.#status?.Last ?? '0001-01-01T00:00:00.000Z', Next: next?.toISOString() ?? '', LastUpdated: this.#now().toISOString() }
      : null;
    const timerInfo = { Schedule: { AdjustForDST: true }, ScheduleStatus: status, IsPastDue: isPastDue };
    const request: RpcInvocationRequest = {
      invocationId: randomUUID(),
      inputData: [{ name: this.#o.triggerName, data: { json: JSON.stringify(timerInfo) } }],
      triggerMetadata: { [this.#o.triggerName]: { json: JSON.stringify(timerInfo) } },
    };
    try {
      await this.#o.invoke(request);
    } finally {
      if (this.#o.useMonitor) {
        const now = this.#now();
        await this.#writeStatus({ Last: occurrence.toISOString(), Next: this.#o.schedule.next(now)?.toISOString() ?? '', LastUpdated: now.toISOString() }).catch(
          (error: Error) => this.#o.logger.log('warning', `Timer ${this.#o.functionName}: could not save schedule status: ${error.message}`),
        );
      }
    }
  }

  async #readStatus(): Promise<ScheduleStatus | undefined> {
    try {
      const buffer = await this.#statusBlob.downloadToBuffer();
      const parsed = JSON.parse(buffer.toString('utf8')) as Partial<ScheduleStatus>;
      return typeof parsed.Next === 'string' && typeof parsed.Last === 'string' ? (parsed as ScheduleStatus) : undefined;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async #writeStatus(status: ScheduleStatus): Promise<void> {
    this.#status = status;
    const text = JSON.stringify(status);
    const upload = () => this.#statusBlob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    try {
      await upload();
    } catch (error) {
      // The host creates azure-webjobs-hosts on first use.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      await this.#o.statusContainer.createIfNotExists();
      await upload();
    }
  }
}
