import { createHash, randomUUID } from 'node:crypto';
import { cycleSundays, importWindow } from '../domain/weeks';
import { replace, tenantRanges, tenantRows, type StoredRun } from '../storage/tenant-rows';
import type { Write } from '../storage/tenant-store';
import { commitChange } from './change';
import type { WorkDeps } from './deps';
import { queueNames, runDataDeletion, type QueuedMessage } from './queues';

// Runs: the work a change asks the pipeline to do (SPEC section 11), from the record a change commits
// (`queued`) through start, progress and finish. Every change of a run is a read-decide-write with the
// run's ETag (change.ts), retried on a concurrent change, so parallel chunk handlers never lose each
// other's progress.

export type RunChange = { run: StoredRun; writes?: Write[]; messages?: QueuedMessage[] } | null;

// Many chunk handlers of one run may be finishing together.
const runRetry = { attempts: 20, pauseMs: (attempt: number) => 20 * attempt };

export function newRun(fields: Pick<StoredRun, 'runId' | 'kind'> & Partial<StoredRun>, now: Date): StoredRun {
  return {
    programId: null,
    cycleId: null,
    metricId: null,
    runDate: null,
    window: null,
    status: 'queued',
    attempt: 1,
    progress: { employees: 0, chunksDone: 0, chunksTotal: null },
    invalidRows: 0,
    matchedEmployees: 0,
    matchedByAlternateId: null,
    unmatchedGlintEmployees: null,
    unmatchedInsightsPersons: null,
    queuedAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    error: null,
    ...fields,
  };
}

export const newRunId = (prefix: 'reb' | 'del' | 'rem') => `${prefix}-${randomUUID()}`;

/**
 * Import runs are named by what they import, so asking twice for the same (program, cycle, runDate)
 * makes one run; a re-import passes a `variant` to get a new run of the same date. The id becomes part
 * of table keys, so only the date and a hash appear in it.
 */
export function importRunId(tenantId: string, programId: string, cycleId: string, runDate: string, variant = ''): string {
  const hash = createHash('sha256').update(`${tenantId}\n${programId}\n${cycleId}\n${runDate}\n${variant}`).digest('hex').slice(0, 20);
  return `imp-${runDate}-${hash}`;
}

export interface CycleDates {
  cycleId: string;
  startDate: string;
  endDate: string;
}

export function importRun(tenantId: string, programId: string, cycle: CycleDates, runDate: string, now: Date, runId = importRunId(tenantId, programId, cycle.cycleId, runDate)): StoredRun {
  const { from, to } = importWindow(runDate, cycleSundays(cycle).last);
  return newRun({ runId, kind: 'import', programId, cycleId: cycle.cycleId, runDate, window: { from, to } }, now);
}

/**
 * The same import asked for again after it failed or was cancelled: a fresh attempt under the same
 * id (so the schedule still finds it by what it imports), writing to partitions of its own.
 */
export function nextAttempt(existing: StoredRun, fresh: StoredRun): StoredRun {
  return { ...fresh, attempt: existing.attempt + 1 };
}

export function importMessage(tenantId: string, run: StoredRun): QueuedMessage {
  return {
    queue: queueNames.pull,
    body: { kind: 'pull', tenantId, runId: run.runId, programId: run.programId as string, cycleId: run.cycleId as string, runDate: run.runDate as string, attempt: run.attempt },
  };
}

/** The message that moves a queued run, built from the run alone: runs are their own outbox (stranded.ts re-sends it). */
export function runMessage(tenantId: string, run: StoredRun): QueuedMessage {
  if (run.kind === 'import') return importMessage(tenantId, run);
  if (run.kind === 'rebucket') return { queue: queueNames.reprocess, body: { kind: 'rebucket', tenantId, runId: run.runId, metricId: run.metricId as string } };
  if (run.kind === 'rematch') return { queue: queueNames.reprocess, body: { kind: 'rematch', tenantId, runId: run.runId } };
  const scope = run.metricId !== null ? { metricId: run.metricId } : run.programId !== null ? { programId: run.programId } : { all: true as const };
  return { queue: queueNames.reprocess, body: { kind: 'delete', tenantId, runId: run.runId, scope } };
}

/** A cycle is final once a run dated on or after its last Sunday succeeded: no later import changes it (SPEC section 9). */
export const finalAfter = (cycle: CycleDates, runDate: string) => runDate >= cycleSundays(cycle).last;

/**
 * Applies `decide` to the current run until it commits. `decide` returns null to change nothing.
 * Resolves with the run as stored afterwards (or as it was, when nothing changed; undefined if absent).
 */
export async function changeRun(deps: WorkDeps, tenantId: string, runId: string, decide: (run: StoredRun) => Promise<RunChange> | RunChange): Promise<StoredRun | undefined> {
  const ref = tenantRows.run(runId);
  let unchanged: StoredRun | undefined;
  const changed = await commitChange(deps, tenantId, async () => {
    const current = await deps.store.get(tenantId, ref);
    unchanged = current?.value;
    const change = current ? await decide(current.value) : null;
    if (!current || !change) return null;
    return { writes: [replace(current, change.run), ...(change.writes ?? [])], messages: change.messages ?? [], result: change.run };
  }, runRetry);
  return changed ?? unchanged;
}

/**
 * Marks the run running, unless it finished or `belongs` says the message is not its (a message of an
 * earlier attempt). Resolves with the run when the caller should work on it.
 */
export async function startRun(deps: WorkDeps, tenantId: string, runId: string, belongs: (run: StoredRun) => boolean = () => true): Promise<StoredRun | undefined> {
  const started = await changeRun(deps, tenantId, runId, (run) =>
    isFinished(run) || !belongs(run) ? null : { run: { ...run, status: 'running', startedAt: run.startedAt ?? deps.now().toISOString() } },
  );
  return started && !isFinished(started) && belongs(started) ? started : undefined;
}

/** Marks the run succeeded, unless it already finished (a deletion may have cancelled it meanwhile). */
export function succeedRun(deps: WorkDeps, tenantId: string, runId: string): Promise<StoredRun | undefined> {
  return changeRun(deps, tenantId, runId, (run) => (isFinished(run) ? null : { run: { ...run, status: 'succeeded', finishedAt: deps.now().toISOString() } }));
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
function endUnsuccessfully(deps: WorkDeps, tenantId: string, run: StoredRun, status: 'failed' | 'cancelled', reason: string): RunChange {
  if (isFinished(run)) return null;
  const ended: StoredRun = { ...run, status, error: reason, finishedAt: deps.now().toISOString() };
  if (run.kind !== 'import' || run.programId === null || run.cycleId === null || run.status === 'queued') return { run: ended };
  return { run: ended, messages: [runDataDeletion(tenantId, run.runId, { programId: run.programId, cycleId: run.cycleId, runId: dataRunId(run) })] };
}

export function failRun(deps: WorkDeps, tenantId: string, runId: string, reason: string): Promise<StoredRun | undefined> {
  return changeRun(deps, tenantId, runId, (run) => endUnsuccessfully(deps, tenantId, run, 'failed', reason));
}

export function cancelRun(deps: WorkDeps, tenantId: string, runId: string, reason: string): Promise<StoredRun | undefined> {
  return changeRun(deps, tenantId, runId, (run) => endUnsuccessfully(deps, tenantId, run, 'cancelled', reason));
}

/**
 * Cancels every import or re-bucketing run of the tenant that is queued or running and matches
 * `which`. Deletions call this before they delete, so that nothing in flight writes after them;
 * deletion runs themselves are never cancelled.
 */
export async function cancelInFlight(deps: WorkDeps, tenantId: string, reason: string, which: (run: StoredRun) => boolean = () => true): Promise<number> {
  const runs = await deps.store.list(tenantId, tenantRanges.runs);
  const active = runs.filter(({ value: r }) => (r.kind === 'import' || r.kind === 'rebucket') && isInFlight(r) && which(r));
  for (const { value: run } of active) await cancelRun(deps, tenantId, run.runId, reason);
  return active.length;
}

/**
 * The tenant's import runs still queued or running. Asking for imports again while these are in
 * flight returns them rather than queueing more: repeated clicks cannot multiply a tenant's work.
 */
export async function importsInFlight(deps: WorkDeps, tenantId: string): Promise<StoredRun[]> {
  const runs = await deps.store.list(tenantId, tenantRanges.runs);
  return runs.map((r) => r.value).filter((r) => r.kind === 'import' && isInFlight(r));
}
