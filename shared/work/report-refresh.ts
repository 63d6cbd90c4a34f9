import { put, tenantRanges, tenantRows, type StoredReportState } from '../storage/tenant-rows';
import type { Stored, Write } from '../storage/tenant-store';
import { updateRow } from './change';
import type { WorkDeps } from './deps';
import { queueNames, type QueuedMessage } from './queues';

// Asking for a cycle's reports to be recomputed. Every change that moves a report's numbers
// (responses or items posted, an import run completed, ranges re-bucketed, data deleted,
// confidentiality settings changed) bumps the cycle's `requestedSeq` once the change is durable and
// queues a `report-refresh` message; the job (shared/reports/refresh.ts) records the `requestedSeq` it computed, so
// a message whose change an earlier computation already covered does nothing.

export interface CycleRef {
  programId: string;
  cycleId: string;
}

function requestedState(current: Stored<StoredReportState> | undefined, cycle: CycleRef, forget: readonly string[] = []): StoredReportState {
  const base: StoredReportState = current?.value ?? {
    programId: cycle.programId,
    cycleId: cycle.cycleId,
    requestedSeq: 0,
    computedSeq: 0,
    computedAt: null,
    runId: null,
    settings: null,
    itemIds: [],
    commentsGeneration: null,
    unavailable: null,
    forgotten: [],
    forget: [],
    lease: null,
  };
  return { ...base, requestedSeq: base.requestedSeq + 1, forget: [...new Set([...base.forget, ...forget])] };
}

/**
 * The write that asks for a refresh, for callers that commit it with their own change, and the
 * message to send once that change has committed.
 */
export async function reportRefreshWrite(deps: WorkDeps, tenantId: string, cycle: CycleRef): Promise<{ write: Write; message: QueuedMessage }> {
  const ref = tenantRows.reportState(cycle.programId, cycle.cycleId);
  const current = await deps.store.get(tenantId, ref);
  return {
    write: put(ref, current, requestedState(current, cycle)),
    message: refreshMessage(tenantId, cycle),
  };
}

/** The message that has a cycle's reports recomputed (what the change asked for is in its report state). */
export const refreshMessage = (tenantId: string, cycle: CycleRef): QueuedMessage => ({
  queue: queueNames.reports,
  body: { kind: 'report', tenantId, programId: cycle.programId, cycleId: cycle.cycleId },
});

/**
 * Asks for the reports of these cycles to be recomputed (after the change that moves them is
 * durable); `forget` names data that was deleted (attribute ids, "*" for all), which the cycles'
 * report history must then delete too (shared/reports/refresh.ts).
 */
export async function requestReportRefresh(deps: WorkDeps, tenantId: string, cycles: readonly CycleRef[], forget: readonly string[] = []): Promise<void> {
  for (const cycle of cycles) {
    await updateRow(deps, tenantId, tenantRows.reportState(cycle.programId, cycle.cycleId), (current) => requestedState(current, cycle, forget));
    await deps.queues.send(refreshMessage(tenantId, cycle));
  }
}

/** Every cycle that has report state: what a change of confidentiality settings must refresh. */
export async function cyclesWithReports(deps: WorkDeps, tenantId: string): Promise<CycleRef[]> {
  return (await deps.store.list(tenantId, tenantRanges.reportStates)).map(({ value }) => ({ programId: value.programId, cycleId: value.cycleId }));
}

