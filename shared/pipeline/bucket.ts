import { bucketOf } from '../domain/aggregation';
import { defaultDataQualityRules, sameEffect } from '../domain/data-quality';
import { create, put, remove, tenantRanges, tenantRows, type StoredAttribute, type StoredCycleState, type StoredRun } from '../storage/tenant-rows';
import type { Stored, Write } from '../storage/tenant-store';
import type { EmployeeValues, RunScope } from '../storage/values-store';
import { consentGranted } from '../work/consent';
import { runDataDeletion, type BucketMessage, type QueuedMessage } from '../work/queues';
import { reportRefreshWrite } from '../work/report-refresh';
import { cancelRun, changeRun, dataRunId, finalAfter, importMessage, importRun, importRunId, isFinished, newRun, newRunId, runMessage, type RunChange } from '../work/runs';
import { getDataQualityRules } from '../work/tenant-settings';
import { chunksDone, markChunkDone } from './chunk-progress';
import type { PipelineDeps } from './deps';

// insights-bucket: bucket one chunk of employees with the current ranges, write them to Table Storage
// (entity group transactions per partition), and count the chunk done once. The last chunk completes
// the run: the cycle's current run switches to it, the data it supersedes is queued for deletion, and
// the cycle's reports are asked to be recomputed.

export async function bucketChunk(deps: PipelineDeps, message: BucketMessage): Promise<void> {
  const { tenantId, runId } = message;
  // One round of reads, then the chunk's one write, then one round of reads that makes sure no
  // deletion was accepted meanwhile (see afterWrite).
  const [run, attributes, program] = await Promise.all([
    deps.store.get(tenantId, tenantRows.run(runId)),
    deps.store.list(tenantId, tenantRanges.attributes),
    deps.store.get(tenantId, tenantRows.program(message.programId)),
  ]);
  // A chunk of an earlier attempt, or of a run that ended, writes nothing.
  if (!run || isFinished(run.value) || run.value.attempt !== message.attempt) return;
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
  const scope = { tenantId, programId: message.programId, cycleId: message.cycleId, runId: dataRunId(run.value) };
  await deps.values.write(scope, employees);
  if (!(await afterWrite(deps, message, scope, employees))) return;
  if (!(await markChunkDone(deps, tenantId, run.value, message.index, total))) return;

  // This chunk filled its count row: if every row is full, the run is done. A retry of this message
  // gets here again (its mark is already there), so a failure before completing is not lost.
  const progress = await chunksDone(deps, tenantId, scope.runId);
  await changeRun(deps, tenantId, runId, async (current) => {
    if (isFinished(current) || current.attempt !== message.attempt || current.progress.chunksTotal === null || progress.done < current.progress.chunksTotal) return null;
    // The run's data becomes what reports read only with consent (the run row's ETag makes this
    // transaction fail if a deletion or the revocation cancelled it meanwhile).
    if (!(await consentGranted(deps, tenantId))) return null;
    return completeRun(deps, tenantId, { ...current, progress: { ...current.progress, chunksDone: progress.done } }, attributes, progress.rowKeys);
  });
}

/**
 * A deletion wins over a chunk being written (README "Data lifecycle"): a deletion first cancels the
 * runs in flight, then deletes, and consent revocation cancels them too. So after writing, the chunk
 * reads its run, consent and attributes again. If the run was stopped or consent went, the deletion may
 * have scanned before this write landed: the chunk deletes what it wrote. A metric deleted as an
 * attribute meanwhile is taken out of what it wrote. Either way no deleted data outlives the deletion.
 * Returns whether the chunk may count itself done.
 */
async function afterWrite(deps: PipelineDeps, message: BucketMessage, scope: RunScope, written: EmployeeValues[]): Promise<boolean> {
  const { tenantId, runId } = message;
  const [run, consent, attributes] = await Promise.all([
    deps.store.get(tenantId, tenantRows.run(runId)),
    consentGranted(deps, tenantId),
    deps.store.list(tenantId, tenantRanges.attributes),
  ]);
  // A run that succeeded meanwhile (this chunk was a duplicate) keeps what this chunk wrote: the same values.
  const stopped = run === undefined || run.value.attempt !== message.attempt || run.value.status === 'failed' || run.value.status === 'cancelled';
  if (stopped || !consent) {
    await deps.values.deleteEmployees(scope, written.map((e) => e.employeeKey));
    if (!consent) await cancelRun(deps, tenantId, runId, 'consent revoked');
    return false;
  }
  const current = new Set(attributes.map((a) => a.value.metricId));
  const removed = [...new Set(written.flatMap((e) => Object.keys(e.metrics)))].filter((metricId) => !current.has(metricId));
  if (removed.length > 0) {
    await deps.values.replaceExisting(
      scope,
      written.map((e) => ({ employeeKey: e.employeeKey, metrics: Object.fromEntries(Object.entries(e.metrics).filter(([metricId]) => current.has(metricId))) })),
    );
  }
  return true;
}

/**
 * The change that completes an import run: succeeded; the cycle's current run becomes this one unless
 * a run of a later date already is; superseded data is queued for deletion; a metric whose ranges
 * changed while the run worked is queued for re-bucketing, since some chunks may have used the old
 * ranges; and the cycle is imported again if the data-quality rules changed since the pull read them.
 */
export async function completeRun(deps: PipelineDeps, tenantId: string, run: StoredRun, attributes: Stored<StoredAttribute>[], progressRowKeys: readonly string[] = []): Promise<RunChange> {
  const now = deps.now().toISOString();
  const done: StoredRun = { ...run, status: 'succeeded', finishedAt: now, error: null };
  const runData = dataRunId(run);
  const programId = run.programId as string;
  const cycleId = run.cycleId as string;
  const runDate = run.runDate as string;
  // The chunk counts are done with once the run is.
  const writes: Write[] = progressRowKeys.map((rowKey) => remove({ rowKey }));
  const messages: QueuedMessage[] = [];
  const supersede = (runId: string) => messages.push(runDataDeletion(tenantId, runId, { programId, cycleId, runId }));

  const [state, program, refresh, rules] = await Promise.all([
    deps.store.get(tenantId, tenantRows.cycleState(programId, cycleId)),
    deps.store.get(tenantId, tenantRows.program(programId)),
    reportRefreshWrite(deps, tenantId, { programId, cycleId }),
    getDataQualityRules(deps, tenantId),
  ]);
  const cycle = program?.value.cycles.find((c) => c.cycleId === cycleId);
  if (state && state.value.currentRunDate > runDate) {
    supersede(runData);
  } else {
    const next: StoredCycleState = {
      programId,
      cycleId,
      currentRunId: runData,
      currentRunDate: runDate,
      final: (state?.value.final ?? false) || (cycle !== undefined && finalAfter(cycle, runDate)),
      updatedAt: now,
    };
    writes.push(put(tenantRows.cycleState(programId, cycleId), state, next));
    if (state && state.value.currentRunId !== runData) supersede(state.value.currentRunId);
    // The cycle's reports now read this run's buckets.
    writes.push(refresh.write);
    messages.push(refresh.message);
    // The data-quality rules changed while the run worked: the cycle is imported again under the new ones.
    if (cycle && !sameEffect(run.dataQuality?.rules ?? defaultDataQualityRules, rules)) {
      const reimport = importRun(tenantId, programId, cycle, runDate, deps.now(), importRunId(tenantId, programId, cycleId, runDate, `data-quality change ${now}`));
      writes.push(create(tenantRows.run(reimport.runId), reimport));
      messages.push(importMessage(tenantId, reimport));
    }
  }

  for (const attribute of attributes) {
    if (run.startedAt && attribute.value.updatedAt > run.startedAt) {
      const rebucket = newRun({ runId: newRunId('reb'), kind: 'rebucket', metricId: attribute.value.metricId }, deps.now());
      writes.push(create(tenantRows.run(rebucket.runId), rebucket));
      messages.push(runMessage(tenantId, rebucket));
    }
  }
  return { run: done, writes, messages };
}
