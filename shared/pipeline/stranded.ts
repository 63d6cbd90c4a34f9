import { z } from 'zod';
import { runLimited } from '../storage/table-support';
import { tenantRanges, tenantRows, type StoredRun } from '../storage/tenant-rows';
import { queueNames } from '../work/queues';
import { failRun, runMessage } from '../work/runs';
import type { PipelineDeps } from './deps';
import { maxDequeueCount } from './queue-handler';

// No run is stranded (README "Data lifecycle"). A handler whose process dies (killed, out of memory,
// timed out) never reaches the code that fails its run on the last try: its message simply lands in
// `<queue>-poison` after maxDequeueCount deliveries. A function on each poison queue fails the run
// with that reason. And a sweeper finds what no message will ever move again: a run queued long ago
// (its message lost between the commit and the send) gets its message again; a run running far past
// any step's deadline is failed.

const poisonedRunMessage = z.object({ tenantId: z.string(), runId: z.string() });

const steps: Record<string, string> = {
  [queueNames.pull]: 'reading the person query',
  [queueNames.bucket]: 'storing the values',
  [queueNames.reprocess]: 'working on the stored values',
};

/** A message of `queue` that exhausted its deliveries: its run fails, saying why. */
export async function failPoisonedRun(deps: PipelineDeps, queue: keyof typeof steps, raw: unknown): Promise<StoredRun | undefined> {
  const parsed = poisonedRunMessage.safeParse(raw);
  // Not a run's message (it failed validation, which is why it is here): nothing to mark.
  if (!parsed.success) return undefined;
  const reason = `the step ${steps[queue]} stopped without finishing ${maxDequeueCount} times (its process ended: stopped, out of memory or timed out); retry the import`;
  return failRun(deps, parsed.data.tenantId, parsed.data.runId, reason);
}

export interface SweepLimits {
  /** A queued run whose message may have been lost gets it again after this long. */
  resendAfterSeconds: number;
  /** A run running this long is failed: every step would have ended (or been retried) long before. */
  staleAfterSeconds: number;
}

export async function sweepTenant(deps: PipelineDeps, tenantId: string, limits: SweepLimits): Promise<{ resent: number; failed: number }> {
  const now = deps.now().getTime();
  const age = (iso: string | null) => (iso === null ? 0 : (now - Date.parse(iso)) / 1000);
  let resent = 0;
  let failed = 0;
  for (const { value: run } of await deps.store.list(tenantId, tenantRanges.runs)) {
    if (run.status === 'queued' && age(run.queuedAt) > limits.resendAfterSeconds) {
      // Sending twice is harmless: every handler does nothing for a run that moved on.
      await deps.queues.send(runMessage(tenantId, run));
      resent++;
    } else if (run.status === 'running' && age(run.startedAt) > limits.staleAfterSeconds) {
      await failRun(deps, tenantId, run.runId, `no step of this run finished for ${Math.round(limits.staleAfterSeconds / 60)} minutes (its work was lost); retry the import`);
      failed++;
    }
  }
  return { resent, failed };
}

export async function sweepAll(deps: PipelineDeps, limits: SweepLimits, concurrency = 16): Promise<{ resent: number; failed: number }> {
  const totals = { resent: 0, failed: 0 };
  await runLimited(await deps.store.tenantsWith(tenantRows.consent), concurrency, async (tenantId) => {
    const { resent, failed } = await sweepTenant(deps, tenantId, limits);
    totals.resent += resent;
    totals.failed += failed;
  });
  return totals;
}
