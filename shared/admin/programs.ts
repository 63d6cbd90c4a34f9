import type { Principal } from '../auth/principal';
import { DomainError, notFound, ruleViolation, type FieldError } from '../domain/errors';
import type { z } from 'zod';
import { backfillCycles } from '../domain/weeks';
import { create, put, replace, tenantRanges, tenantRows, type StoredCycleState, type StoredProgram, type StoredRun } from '../storage/tenant-rows';
import type { Stored, Write } from '../storage/tenant-store';
import { applyChange } from '../work/change';
import { requireConsent } from '../work/consent';
import type { WorkDeps } from '../work/deps';
import { reimportRuns } from '../work/reimport';
import { importMessage, importRun, importsInFlight, newRun, newRunId, nextAttempt, runMessage } from '../work/runs';
import type { programView as programViewSchema, runsAccepted } from './contract';

// Survey programs and their cycles (SPEC section 8), enabling them (with backfill), disabling them,
// and resync.

type Cycle = StoredProgram['cycles'][number];
type ProgramView = z.infer<typeof programViewSchema>;
type AcceptedRun = z.infer<typeof runsAccepted>['runs'][number];

const accepted = (run: StoredRun): AcceptedRun => ({ runId: run.runId, kind: run.kind, programId: run.programId, cycleId: run.cycleId, runDate: run.runDate });

function cycleProblems(cycles: Cycle[]): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  cycles.forEach((cycle, i) => {
    if (seen.has(cycle.cycleId)) problems.push({ path: `body.cycles.${i}.cycleId`, message: `cycle ${cycle.cycleId} is listed twice` });
    seen.add(cycle.cycleId);
    if (cycle.endDate < cycle.startDate) problems.push({ path: `body.cycles.${i}.endDate`, message: `must be on or after startDate (${cycle.startDate})` });
  });
  return problems;
}

/** Per (program, cycle): its latest import run. */
function latestRuns(runs: Stored<StoredRun>[]): Map<string, StoredRun> {
  const latest = new Map<string, StoredRun>();
  for (const { value: run } of runs) {
    if (run.kind !== 'import' || !run.runDate) continue;
    const key = `${run.programId}\n${run.cycleId}`;
    if (run.queuedAt > (latest.get(key)?.queuedAt ?? '')) latest.set(key, run);
  }
  return latest;
}

function programView(program: StoredProgram, runs: Map<string, StoredRun>, states: Map<string, StoredCycleState>): ProgramView {
  return {
    programId: program.programId,
    name: program.name,
    enabled: program.enabled,
    enabledAt: program.enabledAt,
    cycles: program.cycles.map((cycle) => {
      const key = `${program.programId}\n${cycle.cycleId}`;
      const latest = runs.get(key);
      // Final as the schedule sees it: the cycle's state, which a purge deletes (SPEC section 9).
      const final = states.get(key)?.final ?? false;
      const importState = latest ? { lastRunId: latest.runId, lastRunDate: latest.runDate, status: latest.status, final } : { lastRunId: null, lastRunDate: null, status: 'none' as const, final };
      return { ...cycle, importState };
    }),
    updatedAt: program.updatedAt,
  };
}

async function importStates(deps: WorkDeps, tenantId: string, programId?: string): Promise<[Map<string, StoredRun>, Map<string, StoredCycleState>]> {
  const [runs, states] = await Promise.all([deps.store.list(tenantId, tenantRanges.runs), deps.store.list(tenantId, tenantRanges.cycleStates(programId))]);
  return [latestRuns(runs), new Map(states.map(({ value }) => [`${value.programId}\n${value.cycleId}`, value]))];
}

export async function listPrograms(deps: WorkDeps, principal: Principal): Promise<ProgramView[]> {
  const [programs, [runs, states]] = await Promise.all([deps.store.list(principal.tenantId, tenantRanges.programs), importStates(deps, principal.tenantId)]);
  return programs.map((p) => programView(p.value, runs, states));
}

export async function getProgram(deps: WorkDeps, principal: Principal, programId: string): Promise<ProgramView> {
  const program = await deps.store.get(principal.tenantId, tenantRows.program(programId));
  if (!program) throw notFound(`Program ${programId}`);
  return programView(program.value, ...(await importStates(deps, principal.tenantId, programId)));
}

export async function putProgram(
  deps: WorkDeps,
  principal: Principal,
  programId: string,
  input: { name: string; cycles: Cycle[] },
): Promise<{ program: ProgramView; created: boolean }> {
  const problems = cycleProblems(input.cycles);
  if (problems.length > 0) throw ruleViolation(problems);
  const result = await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.program(programId));
    const next: StoredProgram = {
      programId,
      name: input.name,
      cycles: input.cycles,
      enabled: current?.value.enabled ?? false,
      enabledAt: current?.value.enabledAt ?? null,
      updatedAt: deps.now().toISOString(),
    };
    return { writes: [put(tenantRows.program(programId), current, next)], audit: { action: 'program.put', target: `program/${programId}`, before: current?.value ?? null, after: next }, result: { created: !current } };
  });
  return { program: await getProgram(deps, principal, programId), created: result.created };
}

/** Enables imports for a program and backfills its two latest cycles of the last 24 months. */
export async function enableProgram(deps: WorkDeps, principal: Principal, programId: string): Promise<{ runs: AcceptedRun[] }> {
  await requireConsent(deps, principal.tenantId);
  return applyChange(deps, principal, async () => {
    const program = await deps.store.get(principal.tenantId, tenantRows.program(programId));
    if (!program) throw notFound(`Program ${programId}`);
    if ((await deps.store.list(principal.tenantId, tenantRanges.attributes, { limit: 1 })).length === 0) {
      throw new DomainError('no-attributes', 'Add at least one attribute before enabling a program (POST /api/attributes).');
    }
    const now = deps.now();
    const today = now.toISOString().slice(0, 10);
    const next: StoredProgram = { ...program.value, enabled: true, enabledAt: program.value.enabled ? program.value.enabledAt : now.toISOString(), updatedAt: now.toISOString() };
    const writes: Write[] = [replace(program, next)];
    const runs: StoredRun[] = [];
    for (const { cycle, runDate } of backfillCycles(program.value.cycles, today)) {
      const run = importRun(principal.tenantId, programId, cycle, runDate, now);
      const existing = await deps.store.get(principal.tenantId, tenantRows.run(run.runId));
      // The same (program, cycle, runDate) asked again is the same run, unless it ended without success.
      if (existing && !['failed', 'cancelled'].includes(existing.value.status)) continue;
      const queued = existing ? nextAttempt(existing.value, run) : run;
      writes.push(put(tenantRows.run(run.runId), existing, queued));
      runs.push(queued);
    }
    return {
      writes,
      audit: { action: 'program.enable', target: `program/${programId}`, before: program.value, after: next },
      messages: runs.map((r) => importMessage(principal.tenantId, r)),
      result: { runs: runs.map(accepted) },
    };
  });
}

/** Stops future imports of a program; the pipeline deletes the data imported for it. */
export async function disableProgram(deps: WorkDeps, principal: Principal, programId: string): Promise<{ runs: AcceptedRun[] }> {
  return applyChange(deps, principal, async () => {
    const program = await deps.store.get(principal.tenantId, tenantRows.program(programId));
    if (!program) throw notFound(`Program ${programId}`);
    const now = deps.now();
    const next: StoredProgram = { ...program.value, enabled: false, enabledAt: null, updatedAt: now.toISOString() };
    const run = newRun({ runId: newRunId('del'), kind: 'delete', programId }, now);
    return {
      writes: [
        replace(program, next),
        create(tenantRows.run(run.runId), run),
      ],
      audit: { action: 'program.disable', target: `program/${programId}`, before: program.value, after: next },
      messages: [runMessage(principal.tenantId, run)],
      result: { runs: [accepted(run)] },
    };
  });
}

/** Re-imports every cycle that has imported data, in every enabled program, keeping the configuration. */
export async function resync(deps: WorkDeps, principal: Principal): Promise<{ runs: AcceptedRun[] }> {
  await requireConsent(deps, principal.tenantId);
  const inFlight = await importsInFlight(deps, principal.tenantId);
  if (inFlight.length > 0) return { runs: inFlight.map(accepted) };
  return applyChange(deps, principal, async () => {
    const { writes, messages, runs } = await reimportRuns(deps, principal.tenantId, 'resync');
    return { writes, audit: { action: 'resync', target: 'programs', before: null, after: { runs: runs.map((r) => r.runId) } }, messages, result: { runs: runs.map(accepted) } };
  });
}

/** POST /api/imports/{runId}/retry: a failed or cancelled import again, as a fresh attempt. */
export async function retryImport(deps: WorkDeps, principal: Principal, runId: string): Promise<{ runs: AcceptedRun[] }> {
  await requireConsent(deps, principal.tenantId);
  return applyChange(deps, principal, async () => {
    const existing = await deps.store.get(principal.tenantId, tenantRows.run(runId));
    if (!existing || existing.value.kind !== 'import') throw notFound(`Import run ${runId}`);
    const { value: run } = existing;
    if (run.status !== 'failed' && run.status !== 'cancelled') throw new DomainError('conflict', `Run ${runId} is ${run.status}: only a failed or cancelled import can be retried.`);
    const program = await deps.store.get(principal.tenantId, tenantRows.program(run.programId as string));
    if (!program?.value.enabled || !program.value.cycles.some((c) => c.cycleId === run.cycleId)) {
      throw new DomainError('conflict', `Program ${run.programId} is not enabled or no longer has cycle ${run.cycleId}: enable it to import again.`);
    }
    const fresh = nextAttempt(run, newRun({ runId, kind: 'import', programId: run.programId, cycleId: run.cycleId, runDate: run.runDate, window: run.window }, deps.now()));
    return {
      writes: [replace(existing, fresh)],
      audit: { action: 'import.retry', target: `imports/${runId}`, before: run, after: fresh },
      messages: [importMessage(principal.tenantId, fresh)],
      result: { runs: [accepted(fresh)] },
    };
  });
}
