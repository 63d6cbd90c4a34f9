import type { Principal } from '../auth/principal';
import { DomainError, notFound } from '../domain/errors';
import { diagnose, unmatchedReasons, type UnmatchedReason } from '../domain/matching';
import { readPersonIndex } from '../storage/person-index';
import { readRoster, rosterPointer } from '../storage/roster-store';
import { tenantRanges, tenantRows } from '../storage/tenant-rows';
import type { DataDeps } from '../work/deps';
import { dataRunId, runIdOfData } from '../work/runs';
import type { DiagnosticsView, RosterSummaryView } from './contract';

// What the Glint Administrator reads when people land in "No data" (issue 15): for an import run, how
// many Glint employees matched and why the others did not, with the unmatched employees listed by key
// a page at a time; and for the tenant, how many people Insights measured in the latest window and how
// many of them are Glint's, which the seed's admin UI showed as licence counts. Identifiers and counts
// only: never a metric value.

export async function importDiagnostics(deps: DataDeps, principal: Principal, runId: string, page: { after?: string | undefined; limit: number }): Promise<DiagnosticsView> {
  const { tenantId } = principal;
  const stored = await deps.store.get(tenantId, tenantRows.run(runId));
  if (!stored || stored.value.kind !== 'import') throw notFound(`Import run ${runId}`);
  const run = stored.value;
  if (run.status !== 'succeeded') throw new DomainError('conflict', `Run ${runId} is ${run.status}: its diagnostics exist once it has succeeded.`);
  const [persons, roster] = await Promise.all([
    readPersonIndex(deps.persons, { tenantId, programId: run.programId as string, cycleId: run.cycleId as string, runId: dataRunId(run) }),
    readRoster(deps, tenantId),
  ]);
  if (!persons) {
    throw new DomainError('conflict', `The Insights persons of run ${runId} are no longer kept (a later import of its cycle replaced it, or it was imported before they were kept): read the diagnostics of the cycle's current run, or resync.`);
  }
  const base = { runId, programId: run.programId as string, cycleId: run.cycleId as string };
  const noReasons = Object.fromEntries(unmatchedReasons.map((r) => [r, 0])) as Record<UnmatchedReason, number>;
  if (!roster) {
    const measured = persons.measured.size;
    return { ...base, roster: null, counts: { measuredEmployees: measured, matchedEmployees: measured, matchedByAlternateId: 0, unmatchedGlintEmployees: 0, unmatchedInsightsPersons: 0 }, reasons: noReasons, unmatched: [], nextAfter: null };
  }
  const { counts, unmatched } = diagnose(roster.employees, persons);
  const sorted = unmatched.sort((a, b) => (a.employee.key < b.employee.key ? -1 : 1));
  const from = page.after === undefined ? 0 : sorted.findIndex((u) => u.employee.key > page.after!);
  const shown = from < 0 ? [] : sorted.slice(from, from + page.limit);
  const more = from >= 0 && from + page.limit < sorted.length;
  const { reasons, ...totals } = counts;
  return {
    ...base,
    roster: { employees: roster.pointer.employees, active: roster.pointer.active, uploadedAt: roster.pointer.uploadedAt },
    counts: totals,
    reasons,
    unmatched: shown.map(({ employee, reason }) => ({ employeeKey: employee.key, email: employee.email, status: employee.status, reason })),
    nextAfter: more ? shown[shown.length - 1]!.employee.key : null,
  };
}

/** The tenant's measured employees, matched and unmatched, as of the latest imported window. */
export async function rosterSummary(deps: DataDeps, principal: Principal): Promise<RosterSummaryView> {
  const { tenantId } = principal;
  const [pointer, states] = await Promise.all([rosterPointer(deps, tenantId), deps.store.list(tenantId, tenantRanges.cycleStates())]);
  const roster = pointer ? { employees: pointer.value.employees, active: pointer.value.active, uploadedAt: pointer.value.uploadedAt } : null;
  const latest = states.map((s) => s.value).sort((a, b) => (a.currentRunDate < b.currentRunDate ? 1 : a.currentRunDate > b.currentRunDate ? -1 : 0))[0];
  const run = latest ? (await deps.store.get(tenantId, tenantRows.run(runIdOfData(latest.currentRunId))))?.value : undefined;
  if (!run) return { roster, latestRunId: null, measuredEmployees: null, matchedEmployees: null, unmatchedGlintEmployees: null };
  return { roster, latestRunId: run.runId, measuredEmployees: run.progress.employees, matchedEmployees: run.matchedEmployees, unmatchedGlintEmployees: run.unmatchedGlintEmployees };
}
