import type { Principal } from '../auth/principal';
import { readPersonIndex } from '../storage/person-index';
import { readRoster } from '../storage/roster-store';
import { tenantRanges, type StoredRun } from '../storage/tenant-rows';
import { applyChange } from '../work/change';
import { consentGranted } from '../work/consent';
import type { ReprocessMessage } from '../work/queues';
import { reimportRuns } from '../work/reimport';
import { requestReportRefresh, type CycleRef } from '../work/report-refresh';
import { changeRun, dataRunId, isFinished, runIdOfData } from '../work/runs';
import type { PipelineDeps } from './deps';
import { runMatchCounts } from './match-counts';

// The resync that happens by itself (issue 15; the seed's "expect this resync to happen automatically"):
// after a new roster, every imported cycle is matched again from the Insights persons its current run
// kept (person-index.ts), without calling Viva Insights, its run's counts are recorded again, and its
// reports are recomputed (they match with the roster they read: refresh.ts). A cycle whose run kept
// no persons (imported before they were kept) is imported again. Runs still in flight whose pull has
// counted are counted again too, so no run keeps the counts of a replaced roster.

type RematchMessage = Extract<ReprocessMessage, { kind: 'rematch' }>;

/** Who a re-import asked for by the service itself is recorded as in the audit log. */
const rematchActor = (tenantId: string): Principal => ({ tenantId, objectId: 'service:rematch', roles: [], isGlobalAdmin: false, isGlintAdmin: false, isPlatform: false });


export async function rematch(deps: PipelineDeps, message: RematchMessage): Promise<{ rematched: number; reimported: number }> {
  const { tenantId } = message;
  // Always the current roster: a rematch of a roster replaced since does the newer one's work, which
  // its own rematch then repeats to the same result.
  const roster = await readRoster(deps, tenantId);
  const [states, runs] = await Promise.all([deps.store.list(tenantId, tenantRanges.cycleStates()), deps.store.list(tenantId, tenantRanges.runs)]);
  const byId = new Map(runs.map((r) => [r.value.runId, r.value]));
  const targets: { run: StoredRun; dataId: string; cycle: CycleRef | null }[] = states.flatMap(({ value: state }) => {
    const run = byId.get(runIdOfData(state.currentRunId));
    return run ? [{ run, dataId: state.currentRunId, cycle: { programId: state.programId, cycleId: state.cycleId } }] : [];
  });
  for (const { value: run } of runs) {
    if (run.kind === 'import' && !isFinished(run) && run.progress.chunksTotal !== null) targets.push({ run, dataId: dataRunId(run), cycle: null });
  }
  const refresh: CycleRef[] = [];
  const missing = new Set<string>();
  for (const { run, dataId, cycle } of targets) {
    const persons = await readPersonIndex(deps.persons, { tenantId, programId: run.programId as string, cycleId: run.cycleId as string, runId: dataId });
    if (!persons) {
      if (cycle) missing.add(`${cycle.programId}\n${cycle.cycleId}`);
      continue;
    }
    const counts = runMatchCounts(roster, persons);
    await changeRun(deps, tenantId, run.runId, (current) => (dataRunId(current) === dataId ? { run: { ...current, ...counts } } : null));
    if (cycle) refresh.push(cycle);
  }
  await requestReportRefresh(deps, tenantId, refresh);
  let reimported = 0;
  if (missing.size > 0 && (await consentGranted(deps, tenantId))) {
    reimported = await applyChange(deps, rematchActor(tenantId), async () => {
      const { writes, messages, runs: created } = await reimportRuns(deps, tenantId, 'rematch', { skip: (run) => !missing.has(`${run.programId}\n${run.cycleId}`) });
      return { writes, messages, audit: { action: 'roster.reimport', target: 'programs', before: null, after: { runs: created.map((r) => r.runId) } }, result: created.length };
    });
  }
  return { rematched: refresh.length, reimported };
}
