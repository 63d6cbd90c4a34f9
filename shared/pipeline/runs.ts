import { runRowKey, type AdminDeps } from '../admin/tenant-config';
import { storedConsent, storedRun, type StoredRun } from '../admin/schemas';
import { ConcurrencyError, type Write } from '../storage/tenant-store';
import { runDataDeletion, type QueuedMessage } from './work-queue';

// Run records change as the pipeline works on them (SPEC section 11). Every change is a read-decide-
// write on the tenant's partition with the run's ETag, retried on a concurrent change, so parallel
// chunk handlers never lose each other's progress.

export type RunChange = { run: StoredRun; writes?: Write[]; messages?: QueuedMessage[] } | null;

const maxAttempts = 20;

/**
 * Applies `decide` to the current run until it commits. `decide` returns null to change nothing.
 * Resolves with the run as stored afterwards (or as it was, when nothing changed; undefined if absent).
 */
export async function changeRun(
  deps: AdminDeps,
  tenantId: string,
  runId: string,
  decide: (run: StoredRun) => Promise<RunChange> | RunChange,
): Promise<StoredRun | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.store.get(tenantId, runRowKey(runId), storedRun);
    if (!current) return undefined;
    const change = await decide(current.value);
    if (!change) return current.value;
    try {
      await deps.store.commit(tenantId, [{ op: 'replace', rowKey: current.rowKey, etag: current.etag, value: change.run }, ...(change.writes ?? [])]);
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < maxAttempts) {
        // Back off a little with jitter: many chunk handlers of one run may be finishing together.
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        continue;
      }
      throw error;
    }
    for (const message of change.messages ?? []) await deps.queues.send(message);
    return change.run;
  }
}

export const isFinished = (run: StoredRun) => run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled';
const isInFlight = (run: StoredRun) => run.status === 'queued' || run.status === 'running';

/** The id of the partitions an import run's attempt writes its values to (values-store.ts). */
export const dataRunId = (run: Pick<StoredRun, 'runId' | 'attempt'>) => (run.attempt > 1 ? `${run.runId}~a${run.attempt}` : run.runId);

/** The import run whose attempt a data id names (a cycle's current run is a data id). */
export const runIdOfData = (dataId: string) => dataId.replace(/~a\d+$/, '');

/**
 * An import run ending without success: the values its attempt may already have written are deleted
 * (they belong to no report). Its attempt's partitions are its own, so a later attempt of the same run
 * never loses data to this deletion, and a chunk still in flight cleans up after itself (bucket.ts).
 */
function endUnsuccessfully(deps: AdminDeps, tenantId: string, run: StoredRun, status: 'failed' | 'cancelled', reason: string): RunChange {
  if (isFinished(run)) return null;
  const ended: StoredRun = { ...run, status, error: reason, finishedAt: deps.now().toISOString() };
  if (run.kind !== 'import' || run.programId === null || run.cycleId === null || run.status === 'queued') return { run: ended };
  return { run: ended, messages: [runDataDeletion(tenantId, run.runId, { programId: run.programId, cycleId: run.cycleId, runId: dataRunId(run) })] };
}

export function failRun(deps: AdminDeps, tenantId: string, runId: string, reason: string): Promise<StoredRun | undefined> {
  return changeRun(deps, tenantId, runId, (run) => endUnsuccessfully(deps, tenantId, run, 'failed', reason));
}

export function cancelRun(deps: AdminDeps, tenantId: string, runId: string, reason: string): Promise<StoredRun | undefined> {
  return changeRun(deps, tenantId, runId, (run) => endUnsuccessfully(deps, tenantId, run, 'cancelled', reason));
}

/**
 * Cancels every import or re-bucketing run of the tenant that is queued or running and matches
 * `which`. Deletions call this before they delete, so that nothing in flight writes after them;
 * deletion runs themselves are never cancelled.
 */
export async function cancelInFlight(deps: AdminDeps, tenantId: string, reason: string, which: (run: StoredRun) => boolean = () => true): Promise<number> {
  const runs = await deps.store.list(tenantId, 'run:', storedRun);
  const active = runs.filter(({ value: r }) => (r.kind === 'import' || r.kind === 'rebucket') && isInFlight(r) && which(r));
  for (const { value: run } of active) await cancelRun(deps, tenantId, run.runId, reason);
  return active.length;
}

export async function consentGranted(deps: AdminDeps, tenantId: string): Promise<boolean> {
  return (await deps.store.get(tenantId, 'consent', storedConsent))?.value.status === 'granted';
}

/**
 * The tenant's import runs still queued or running. Asking for imports again while these are in
 * flight returns them rather than queueing more: repeated clicks cannot multiply a tenant's work.
 */
export async function importsInFlight(deps: AdminDeps, tenantId: string): Promise<StoredRun[]> {
  const runs = await deps.store.list(tenantId, 'run:', storedRun);
  return runs.map((r) => r.value).filter((r) => r.kind === 'import' && isInFlight(r));
}
