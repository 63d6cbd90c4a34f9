import type { Principal } from '../auth/principal';
import { notFound, ruleViolation } from '../domain/errors';
import { decideCounts, groupThreshold } from '../domain/confidentiality';
import { bucketLabels, findMetric, previewGrid, rangeProblems, snapToGrid, type Ranges } from '../domain/metrics';
import { sundayOnOrBefore } from '../domain/weeks';
import { cycleStateKey, storedAttribute, storedCycleState, storedProgram, storedRun, type StoredRun } from '../admin/schemas';
import { runRowKey } from '../admin/tenant-config';
import { getConfidentiality } from '../admin/settings';
import { bucketOf } from '../domain/aggregation';
import type { PipelineDeps } from './deps';
import { chunksDone } from './chunk-progress';
import { scheduleTenant } from './schedule';
import { dataRunId, importsInFlight } from './runs';
import { requireConsent } from '../admin/tenant-config';

// The read side of imports for administrators: runs, the schedule run on demand, and how employees
// of a cycle spread over an attribute's buckets (with saved or previewed ranges).

export type RunView = StoredRun;

/** A running import's chunks are counted apart from its row (chunk-progress.ts): add them in. */
async function withLiveProgress(deps: PipelineDeps, tenantId: string, run: StoredRun): Promise<RunView> {
  if (run.kind !== 'import' || run.status !== 'running' || run.progress.chunksTotal === null) return run;
  return { ...run, progress: { ...run.progress, chunksDone: (await chunksDone(deps, tenantId, dataRunId(run))).done } };
}

export async function listRuns(deps: PipelineDeps, principal: Principal, filter: { programId?: string | undefined; cycleId?: string | undefined }): Promise<RunView[]> {
  const runs = await deps.store.list(principal.tenantId, 'run:', storedRun);
  const selected = runs
    .map((r) => r.value)
    .filter((r) => (filter.programId === undefined || r.programId === filter.programId) && (filter.cycleId === undefined || r.cycleId === filter.cycleId))
    .sort((a, b) => (a.queuedAt < b.queuedAt ? 1 : a.queuedAt > b.queuedAt ? -1 : 0));
  return Promise.all(selected.map((run) => withLiveProgress(deps, principal.tenantId, run)));
}

export async function getRun(deps: PipelineDeps, principal: Principal, runId: string): Promise<RunView> {
  const run = await deps.store.get(principal.tenantId, runRowKey(runId), storedRun);
  if (!run) throw notFound(`Run ${runId}`);
  return withLiveProgress(deps, principal.tenantId, run.value);
}

/** POST /api/imports/run: today's Sunday schedule for the caller's tenant, now. */
export async function runScheduleNow(deps: PipelineDeps, principal: Principal): Promise<RunView[]> {
  await requireConsent(deps, principal.tenantId);
  const inFlight = await importsInFlight(deps, principal.tenantId);
  if (inFlight.length > 0) return inFlight;
  const runDate = sundayOnOrBefore(deps.now().toISOString().slice(0, 10));
  return scheduleTenant(deps, principal.tenantId, runDate);
}

export interface DistributionBucket {
  bucket: 1 | 2 | 3 | 4;
  label: string;
  employees: number | null;
  belowThreshold: boolean;
  /** Hidden though not below the threshold: the one other hidden count would be a difference otherwise. */
  suppressed: boolean;
}

export async function distribution(
  deps: PipelineDeps,
  principal: Principal,
  metricId: string,
  query: { programId: string; cycleId: string; max?: Ranges | undefined },
): Promise<{ metricId: string; programId: string; cycleId: string; max: Ranges; preview: boolean; runId: string | null; buckets: DistributionBucket[] }> {
  const { tenantId } = principal;
  // Counts of employees are numbers derived from Insights data: none is shown without consent.
  await requireConsent(deps, tenantId);
  // Previewed maxima are snapped to the metric's grid before anything is counted (metrics.ts).
  const metric = findMetric(metricId);
  const previewMax = query.max && metric ? snapToGrid(query.max, metric.unit) : query.max;
  if (previewMax) {
    const problems = rangeProblems(previewMax, 'query.max');
    if (problems.length > 0) throw ruleViolation(problems.map((p) => ({ ...p, message: `${p.message} (previewed maxima are rounded to steps of ${metric ? previewGrid[metric.unit] : 1})` })));
  }
  const [attribute, program, state, confidentiality] = await Promise.all([
    deps.store.get(tenantId, `attribute:${metricId}`, storedAttribute),
    deps.store.get(tenantId, `program:${query.programId}`, storedProgram),
    deps.store.get(tenantId, cycleStateKey(query.programId, query.cycleId), storedCycleState),
    getConfidentiality(deps, tenantId),
  ]);
  if (!attribute) throw notFound(`Attribute ${metricId}`);
  if (!program || !program.value.cycles.some((c) => c.cycleId === query.cycleId)) throw notFound(`Cycle ${query.cycleId} of program ${query.programId}`);
  const max = previewMax ?? attribute.value.max;
  const counts = [0, 0, 0, 0];
  if (state) {
    const scope = { tenantId, programId: query.programId, cycleId: query.cycleId, runId: state.value.currentRunId };
    for await (const employee of deps.values.scan(scope, [metricId])) {
      const value = employee.metrics[metricId];
      if (value) counts[(previewMax ? bucketOf(value, max) : value.bucket) - 1]!++;
    }
  }
  // The report threshold (SPEC sections 7 and 12): a group this small would be hidden, so its size is too.
  const visibility = decideCounts(counts, groupThreshold(confidentiality));
  const labels = bucketLabels(max);
  return {
    metricId,
    programId: query.programId,
    cycleId: query.cycleId,
    max,
    preview: previewMax !== undefined,
    runId: state?.value.currentRunId ?? null,
    buckets: counts.map((count, i) => ({
      bucket: (i + 1) as 1 | 2 | 3 | 4,
      label: labels[i]!,
      employees: visibility[i] === 'shown' ? count : null,
      belowThreshold: visibility[i] === 'below-threshold',
      suppressed: visibility[i] === 'suppressed',
    })),
  };
}
