import { bucketOf } from '../domain/aggregation';
import { metricCatalog } from '../domain/metrics';
import { deletePersonIndex } from '../storage/person-index';
import { remove, tenantRanges, tenantRows } from '../storage/tenant-rows';
import type { RunScope } from '../storage/values-store';
import { consentGranted } from '../work/consent';
import type { ReprocessMessage } from '../work/queues';
import { cyclesWithReports, requestReportRefresh } from '../work/report-refresh';
import { cancelInFlight, cancelRun, dataRunId, startRun, succeedRun } from '../work/runs';
import type { PipelineDeps } from './deps';
import { rematch } from './rematch';

// insights-reprocess: work on stored values without pulling again (SPEC sections 7 and 11):
// re-bucket a metric after a range change, match the imported cycles to a new roster (rematch.ts),
// or delete exactly the data an attribute deletion, a program removal, a purge or a newer import run
// names. Each step is idempotent: re-bucketing sets
// buckets computed from the stored sums, deleting what is already gone deletes nothing.

const allMetricIds = metricCatalog.map((m) => m.id);

export async function reprocess(deps: PipelineDeps, message: ReprocessMessage): Promise<void> {
  const { tenantId } = message;
  if (message.kind === 'delete' && 'supersededRun' in message.scope) {
    await deleteRunData(deps, { tenantId, ...message.scope.supersededRun });
    return;
  }
  if (!(await startRun(deps, tenantId, message.runId))) return;

  if (message.kind === 'rematch') {
    await rematch(deps, message);
  } else if (message.kind === 'rebucket') {
    // Re-bucketing writes data: it stops with consent, like imports. Deletions always go ahead.
    if (!(await consentGranted(deps, tenantId))) {
      await cancelRun(deps, tenantId, message.runId, 'consent revoked');
      return;
    }
    await rebucket(deps, tenantId, message.metricId);
    await requestReportRefresh(deps, tenantId, await currentRuns(deps, tenantId));
  } else if ('metricId' in message.scope) {
    // Every import's partitions, in flight ones included: a chunk written before this scan is cleaned
    // here, one written after it sees the attribute gone and cleans itself (bucket.ts).
    const metricId = message.scope.metricId;
    for (const scope of await importPartitions(deps, tenantId)) await deps.values.removeMetric(scope, metricId, allMetricIds);
    await requestReportRefresh(deps, tenantId, await cyclesWithReports(deps, tenantId), [metricId]);
  } else {
    const programId = 'programId' in message.scope ? message.scope.programId : undefined;
    // Nothing in flight may write after the deletion: cancel it first, then delete everything.
    await cancelInFlight(deps, tenantId, programId ? 'the program was disabled' : 'the imported data was deleted', (r) => programId === undefined || r.programId === programId);
    await deleteImportedData(deps, tenantId, programId);
    // A poisoned message may still carry employees' values: a purge leaves none of the tenant's behind.
    if (!programId) await deps.queues.clearTenant(tenantId);
    // Their reports become unavailable (their stored numbers and history are deleted) once recomputed.
    const cycles = (await cyclesWithReports(deps, tenantId)).filter((c) => programId === undefined || c.programId === programId);
    await requestReportRefresh(deps, tenantId, cycles, ['*']);
  }
  await succeedRun(deps, tenantId, message.runId);
}

/** What an import run's attempt stored: its values and the persons it read (person-index.ts). */
async function deleteRunData(deps: PipelineDeps, scope: RunScope): Promise<void> {
  await deps.values.deleteRun(scope);
  await deletePersonIndex(deps.persons, scope);
}

/** The runs whose data reports read: one per imported cycle. */
async function currentRuns(deps: PipelineDeps, tenantId: string, programId?: string): Promise<RunScope[]> {
  const states = await deps.store.list(tenantId, tenantRanges.cycleStates(programId));
  return states.map(({ value }) => ({ tenantId, programId: value.programId, cycleId: value.cycleId, runId: value.currentRunId }));
}

async function rebucket(deps: PipelineDeps, tenantId: string, metricId: string): Promise<void> {
  const attribute = await deps.store.get(tenantId, tenantRows.attribute(metricId));
  if (!attribute) return; // deleted since: its values are being deleted, nothing to re-bucket
  for (const scope of await currentRuns(deps, tenantId)) {
    const changed: { employeeKey: string; bucket: 1 | 2 | 3 | 4 }[] = [];
    for await (const employee of deps.values.scan(scope, [metricId])) {
      const value = employee.metrics[metricId];
      if (!value) continue;
      const bucket = bucketOf(value, attribute.value.max);
      if (bucket !== value.bucket) changed.push({ employeeKey: employee.employeeKey, bucket });
    }
    await deps.values.setBuckets(scope, metricId, changed);
  }
}

/** The partitions every attempt of every import run of the tenant (or of one program) may have written. */
async function importPartitions(deps: PipelineDeps, tenantId: string, programId?: string): Promise<RunScope[]> {
  const runs = (await deps.store.list(tenantId, tenantRanges.runs)).filter(
    (r) => r.value.kind === 'import' && r.value.programId !== null && r.value.cycleId !== null && (programId === undefined || r.value.programId === programId),
  );
  return runs.flatMap(({ value: run }) =>
    Array.from({ length: run.attempt }, (_, i) => ({ tenantId, programId: run.programId as string, cycleId: run.cycleId as string, runId: dataRunId({ runId: run.runId, attempt: i + 1 }) })),
  );
}

/** Deletes the data of every import run (of one program, or of the tenant) and forgets the cycles' current runs. */
async function deleteImportedData(deps: PipelineDeps, tenantId: string, programId: string | undefined): Promise<void> {
  for (const scope of await importPartitions(deps, tenantId, programId)) await deleteRunData(deps, scope);
  const states = await deps.store.list(tenantId, tenantRanges.cycleStates(programId));
  for (let i = 0; i < states.length; i += 100) {
    await deps.store.commit(tenantId, states.slice(i, i + 100).map(remove));
  }
}
