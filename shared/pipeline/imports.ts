import type { Principal } from '../auth/principal';
import { notFound } from '../domain/errors';
import { sundayOnOrBefore } from '../domain/weeks';
import { tenantRanges, tenantRows, type StoredRun } from '../storage/tenant-rows';
import { requireConsent } from '../work/consent';
import { dataRunId, importsInFlight } from '../work/runs';
import { chunksDone } from './chunk-progress';
import type { PipelineDeps } from './deps';
import { scheduleTenant } from './schedule';

// The read side of imports for administrators: runs, and the schedule run on demand.

/** A running import's chunks are counted apart from its row (chunk-progress.ts): add them in. */
async function withLiveProgress(deps: PipelineDeps, tenantId: string, run: StoredRun): Promise<StoredRun> {
  if (run.kind !== 'import' || run.status !== 'running' || run.progress.chunksTotal === null) return run;
  return { ...run, progress: { ...run.progress, chunksDone: (await chunksDone(deps, tenantId, dataRunId(run))).done } };
}

export async function listRuns(deps: PipelineDeps, principal: Principal, filter: { programId?: string | undefined; cycleId?: string | undefined }): Promise<StoredRun[]> {
  const runs = await deps.store.list(principal.tenantId, tenantRanges.runs);
  const selected = runs
    .map((r) => r.value)
    .filter((r) => (filter.programId === undefined || r.programId === filter.programId) && (filter.cycleId === undefined || r.cycleId === filter.cycleId))
    .sort((a, b) => (a.queuedAt < b.queuedAt ? 1 : a.queuedAt > b.queuedAt ? -1 : 0));
  return Promise.all(selected.map((run) => withLiveProgress(deps, principal.tenantId, run)));
}

export async function getRun(deps: PipelineDeps, principal: Principal, runId: string): Promise<StoredRun> {
  const run = await deps.store.get(principal.tenantId, tenantRows.run(runId));
  if (!run) throw notFound(`Run ${runId}`);
  return withLiveProgress(deps, principal.tenantId, run.value);
}

/** POST /api/imports/run: today's Sunday schedule for the caller's tenant, now. */
export async function runScheduleNow(deps: PipelineDeps, principal: Principal): Promise<StoredRun[]> {
  await requireConsent(deps, principal.tenantId);
  const inFlight = await importsInFlight(deps, principal.tenantId);
  if (inFlight.length > 0) return inFlight;
  const runDate = sundayOnOrBefore(deps.now().toISOString().slice(0, 10));
  return scheduleTenant(deps, principal.tenantId, runDate);
}
