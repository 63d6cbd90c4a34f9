import { cycleStateKey, storedAttribute, storedCycleState, storedProgram, storedRun, type StoredAttribute, type StoredCycleState, type StoredRun } from '../admin/schemas';
import { newRun, newRunId, runRowKey } from '../admin/tenant-config';
import { bucketOf } from '../domain/aggregation';
import { cycleSundays } from '../domain/weeks';
import type { Stored, Write } from '../storage/tenant-store';
import type { EmployeeValues } from '../storage/values-store';
import { reportRefreshWrite } from '../reports/refresh-request';
import type { PipelineDeps } from './deps';
import { chunksDone, markChunkDone } from './chunk-progress';
import { cancelRun, changeRun, isFinished, type RunChange } from './runs';
import { queueNames, type BucketMessage, type QueuedMessage } from './work-queue';

// insights-bucket: bucket one chunk of employees with the current ranges, write them to Table Storage
// (entity group transactions per partition), and count the chunk done once. The last chunk completes
// the run: the cycle's current run switches to it, the data it supersedes is queued for deletion, and
// the cycle's reports are asked to be recomputed.

export async function bucketChunk(deps: PipelineDeps, message: BucketMessage): Promise<void> {
  const { tenantId, runId } = message;
  // One round of reads, then the chunk's one write: a chunk costs little besides the write. Consent
  // needs no read of its own: revoking it cancels the tenant's runs in the same transaction.
  const [run, attributes, program] = await Promise.all([
    deps.store.get(tenantId, runRowKey(runId), storedRun),
    deps.store.list(tenantId, 'attribute:', storedAttribute),
    deps.store.get(tenantId, `program:${message.programId}`, storedProgram),
  ]);
  if (!run || isFinished(run.value)) return;
  if (!program?.value.enabled) {
    await cancelRun(deps, tenantId, runId, 'the program was disabled');
    return;
  }
  const total = run.value.progress.chunksTotal;
  if (total === null) throw new Error(`run ${runId} has chunks but no chunk total`);
  const ranges = new Map(attributes.map((a) => [a.value.metricId, a.value.max]));
  const employees: EmployeeValues[] = message.employees.map(([employeeKey, metrics]) => ({
    employeeKey,
    metrics: Object.fromEntries(
      Object.entries(metrics)
        // A metric that stopped being an attribute since the pull is not stored.
        .filter(([metricId]) => ranges.has(metricId))
        .map(([metricId, [sumNano, weeks]]) => [metricId, { sumNano, weeks, bucket: bucketOf({ sumNano, weeks }, ranges.get(metricId)!) }]),
    ),
  }));
  // Writing a chunk again (a duplicate message) writes the same entities.
  await deps.values.write({ tenantId, programId: message.programId, cycleId: message.cycleId, runId }, employees);
  if (!(await markChunkDone(deps, tenantId, runId, message.index, total))) return;

  // This chunk filled its count row: if every row is full, the run is done. A retry of this message
  // gets here again (its mark is already there), so a failure before completing is not lost.
  const progress = await chunksDone(deps, tenantId, runId);
  await changeRun(deps, tenantId, runId, (current) => {
    if (isFinished(current) || current.progress.chunksTotal === null || progress.done < current.progress.chunksTotal) return null;
    return completeRun(deps, tenantId, { ...current, progress: { ...current.progress, chunksDone: progress.done } }, attributes, progress.rowKeys);
  });
}

/**
 * The change that completes an import run: succeeded; the cycle's current run becomes this one unless
 * a run of a later date already is; superseded data is queued for deletion; and a metric whose ranges
 * changed while the run worked is queued for re-bucketing, since some chunks may have used the old ranges.
 */
export async function completeRun(deps: PipelineDeps, tenantId: string, run: StoredRun, attributes: Stored<StoredAttribute>[], progressRowKeys: readonly string[] = []): Promise<RunChange> {
  const now = deps.now().toISOString();
  const done: StoredRun = { ...run, status: 'succeeded', finishedAt: now, error: null };
  const programId = run.programId as string;
  const cycleId = run.cycleId as string;
  const runDate = run.runDate as string;
  // The chunk counts are done with once the run is.
  const writes: Write[] = progressRowKeys.map((rowKey): Write => ({ op: 'delete', rowKey }));
  const messages: QueuedMessage[] = [];
  const supersede = (runId: string) =>
    messages.push({ queue: queueNames.reprocess, body: { kind: 'delete', tenantId, runId, scope: { supersededRun: { programId, cycleId, runId } } } });

  const [state, program, refresh] = await Promise.all([
    deps.store.get(tenantId, cycleStateKey(programId, cycleId), storedCycleState),
    deps.store.get(tenantId, `program:${programId}`, storedProgram),
    reportRefreshWrite(deps, tenantId, { programId, cycleId }),
  ]);
  const cycle = program?.value.cycles.find((c) => c.cycleId === cycleId);
  if (state && state.value.currentRunDate > runDate) {
    supersede(run.runId);
  } else {
    const next: StoredCycleState = {
      programId,
      cycleId,
      currentRunId: run.runId,
      currentRunDate: runDate,
      final: (state?.value.final ?? false) || (cycle !== undefined && runDate >= cycleSundays(cycle).last),
      updatedAt: now,
    };
    writes.push(state ? { op: 'replace', rowKey: state.rowKey, etag: state.etag, value: next } : { op: 'create', rowKey: cycleStateKey(programId, cycleId), value: next });
    if (state && state.value.currentRunId !== run.runId) supersede(state.value.currentRunId);
    // The cycle's reports now read this run's buckets.
    writes.push(refresh.write);
    messages.push(refresh.message);
  }

  for (const attribute of attributes) {
    if (run.startedAt && attribute.value.updatedAt > run.startedAt) {
      const rebucket = newRun({ runId: newRunId('reb'), kind: 'rebucket', metricId: attribute.value.metricId }, deps.now());
      writes.push({ op: 'create', rowKey: runRowKey(rebucket.runId), value: rebucket });
      messages.push({ queue: queueNames.reprocess, body: { kind: 'rebucket', tenantId, runId: rebucket.runId, metricId: attribute.value.metricId } });
    }
  }
  return { run: done, writes, messages };
}
