import { cycleStateKey, storedAttribute, storedCycleState, storedProgram, storedRun, type StoredAttribute, type StoredCycleState, type StoredRun } from '../admin/schemas';
import { newRun, newRunId, runRowKey } from '../admin/tenant-config';
import { bucketOf } from '../domain/aggregation';
import { cycleSundays } from '../domain/weeks';
import type { Stored, Write } from '../storage/tenant-store';
import type { EmployeeValues } from '../storage/values-store';
import { reportRefreshWrite } from '../reports/refresh-request';
import type { PipelineDeps } from './deps';
import { cancelRun, changeRun, consentGranted, hasChunk, isFinished, withChunk, type RunChange } from './runs';
import { queueNames, type BucketMessage, type QueuedMessage } from './work-queue';

// insights-bucket: bucket one chunk of employees with the current ranges, write them to Table Storage
// (entity group transactions per partition), and count the chunk done once. The last chunk completes
// the run: the cycle's current run switches to it, the data it supersedes is queued for deletion, and
// the cycle's reports are asked to be recomputed.

export async function bucketChunk(deps: PipelineDeps, message: BucketMessage): Promise<void> {
  const { tenantId, runId } = message;
  const run = (await deps.store.get(tenantId, runRowKey(runId), storedRun))?.value;
  if (!run || isFinished(run) || hasChunk(run.doneChunks, message.index)) return;
  if (!(await consentGranted(deps, tenantId))) {
    await cancelRun(deps, tenantId, runId, 'consent revoked');
    return;
  }
  const [attributes, program] = await Promise.all([
    deps.store.list(tenantId, 'attribute:', storedAttribute),
    deps.store.get(tenantId, `program:${message.programId}`, storedProgram),
  ]);
  if (!program?.value.enabled) {
    await cancelRun(deps, tenantId, runId, 'the program was disabled');
    return;
  }
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
  await deps.values.write({ tenantId, programId: message.programId, cycleId: message.cycleId, runId }, employees);

  await changeRun(deps, tenantId, runId, async (current) => {
    if (isFinished(current) || hasChunk(current.doneChunks, message.index)) return null;
    const next: StoredRun = {
      ...current,
      doneChunks: withChunk(current.doneChunks, message.index),
      progress: { ...current.progress, chunksDone: current.progress.chunksDone + 1 },
    };
    return next.progress.chunksDone >= (next.progress.chunksTotal ?? Number.POSITIVE_INFINITY) ? completeRun(deps, tenantId, next, attributes) : { run: next };
  });
}

/**
 * The change that completes an import run: succeeded; the cycle's current run becomes this one unless
 * a run of a later date already is; superseded data is queued for deletion; and a metric whose ranges
 * changed while the run worked is queued for re-bucketing, since some chunks may have used the old ranges.
 */
export async function completeRun(deps: PipelineDeps, tenantId: string, run: StoredRun, attributes: Stored<StoredAttribute>[]): Promise<RunChange> {
  const now = deps.now().toISOString();
  const done: StoredRun = { ...run, status: 'succeeded', finishedAt: now, error: null };
  const programId = run.programId as string;
  const cycleId = run.cycleId as string;
  const runDate = run.runDate as string;
  const writes: Write[] = [];
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
