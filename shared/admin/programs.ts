import type { Principal } from '../auth/principal';
import { DomainError, notFound, ruleViolation, type FieldError } from '../domain/errors';
import { backfillCycles, cycleSundays, importWindow } from '../domain/weeks';
import { queueNames, type QueuedMessage } from '../pipeline/work-queue';
import { importsInFlight } from '../pipeline/runs';
import type { Stored, Write } from '../storage/tenant-store';
import { storedAttribute, storedProgram, storedRun, type StoredProgram, type StoredRun } from './schemas';
import { applyChange, importRunId, newRun, newRunId, requireConsent, runRowKey, type AdminDeps } from './tenant-config';

// Survey programs and their cycles (SPEC section 8), enabling them (with backfill), disabling them,
// and resync.

const programKey = (programId: string) => `program:${programId}`;

export interface Cycle {
  cycleId: string;
  name: string;
  startDate: string;
  endDate: string;
}

export interface CycleImportState {
  lastRunId: string | null;
  lastRunDate: string | null;
  status: 'none' | StoredRun['status'];
  final: boolean;
}

export interface ProgramView {
  programId: string;
  name: string;
  enabled: boolean;
  enabledAt: string | null;
  cycles: (Cycle & { importState: CycleImportState })[];
  updatedAt: string;
}

export interface AcceptedRun {
  runId: string;
  kind: StoredRun['kind'];
  programId: string | null;
  cycleId: string | null;
  runDate: string | null;
}

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

interface CycleRuns {
  latest: StoredRun;
  lastSucceededRunDate: string | null;
}

/** Per (program, cycle): its latest import run and the latest date a run of it succeeded. */
function runsByCycle(runs: Stored<StoredRun>[]): Map<string, CycleRuns> {
  const byCycle = new Map<string, CycleRuns>();
  for (const { value: run } of runs) {
    if (run.kind !== 'import' || !run.runDate) continue;
    const key = `${run.programId}\n${run.cycleId}`;
    const entry = byCycle.get(key) ?? { latest: run, lastSucceededRunDate: null };
    if (run.queuedAt > entry.latest.queuedAt) entry.latest = run;
    if (run.status === 'succeeded' && (entry.lastSucceededRunDate ?? '') < run.runDate) entry.lastSucceededRunDate = run.runDate;
    byCycle.set(key, entry);
  }
  return byCycle;
}

function programView(program: StoredProgram, runs: Map<string, CycleRuns>): ProgramView {
  return {
    programId: program.programId,
    name: program.name,
    enabled: program.enabled,
    enabledAt: program.enabledAt,
    cycles: program.cycles.map((cycle) => {
      const entry = runs.get(`${program.programId}\n${cycle.cycleId}`);
      const importState: CycleImportState = entry
        ? {
            lastRunId: entry.latest.runId,
            lastRunDate: entry.latest.runDate,
            status: entry.latest.status,
            // Final once a run dated on or after the cycle's last Sunday succeeded (SPEC section 9).
            final: entry.lastSucceededRunDate !== null && entry.lastSucceededRunDate >= cycleSundays(cycle).last,
          }
        : { lastRunId: null, lastRunDate: null, status: 'none', final: false };
      return { ...cycle, importState };
    }),
    updatedAt: program.updatedAt,
  };
}

export async function listPrograms(deps: AdminDeps, principal: Principal): Promise<ProgramView[]> {
  const [programs, runs] = await Promise.all([
    deps.store.list(principal.tenantId, 'program:', storedProgram),
    deps.store.list(principal.tenantId, 'run:', storedRun),
  ]);
  const byCycle = runsByCycle(runs);
  return programs.map((p) => programView(p.value, byCycle));
}

export async function getProgram(deps: AdminDeps, principal: Principal, programId: string): Promise<ProgramView> {
  const program = await deps.store.get(principal.tenantId, programKey(programId), storedProgram);
  if (!program) throw notFound(`Program ${programId}`);
  return programView(program.value, runsByCycle(await deps.store.list(principal.tenantId, 'run:', storedRun)));
}

export async function putProgram(
  deps: AdminDeps,
  principal: Principal,
  programId: string,
  input: { name: string; cycles: Cycle[] },
): Promise<{ program: ProgramView; created: boolean }> {
  const problems = cycleProblems(input.cycles);
  if (problems.length > 0) throw ruleViolation(problems);
  const result = await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, programKey(programId), storedProgram);
    const next: StoredProgram = {
      programId,
      name: input.name,
      cycles: input.cycles,
      enabled: current?.value.enabled ?? false,
      enabledAt: current?.value.enabledAt ?? null,
      updatedAt: deps.now().toISOString(),
    };
    const write: Write = current ? { op: 'replace', rowKey: current.rowKey, etag: current.etag, value: next } : { op: 'create', rowKey: programKey(programId), value: next };
    return { writes: [write], audit: { action: 'program.put', target: `program/${programId}`, before: current?.value ?? null, after: next }, result: { created: !current } };
  });
  return { program: await getProgram(deps, principal, programId), created: result.created };
}

export function importMessage(tenantId: string, run: StoredRun): QueuedMessage {
  return {
    queue: queueNames.pull,
    body: { kind: 'pull', tenantId, runId: run.runId, programId: run.programId as string, cycleId: run.cycleId as string, runDate: run.runDate as string, attempt: run.attempt },
  };
}

/**
 * The same import asked for again after it failed or was cancelled: a fresh attempt under the same
 * id (so the schedule still finds it by what it imports), writing to partitions of its own.
 */
export function nextAttempt(existing: StoredRun, fresh: StoredRun): StoredRun {
  return { ...fresh, attempt: existing.attempt + 1 };
}

export function importRun(tenantId: string, programId: string, cycle: Cycle, runDate: string, now: Date, runId = importRunId(tenantId, programId, cycle.cycleId, runDate)): StoredRun {
  const { from, to } = importWindow(runDate, cycleSundays(cycle).last);
  return newRun({ runId, kind: 'import', programId, cycleId: cycle.cycleId, runDate, window: { from, to } }, now);
}

/** Enables imports for a program and backfills its two latest cycles of the last 24 months. */
export async function enableProgram(deps: AdminDeps, principal: Principal, programId: string): Promise<{ runs: AcceptedRun[] }> {
  await requireConsent(deps, principal.tenantId);
  return applyChange(deps, principal, async () => {
    const program = await deps.store.get(principal.tenantId, programKey(programId), storedProgram);
    if (!program) throw notFound(`Program ${programId}`);
    if ((await deps.store.list(principal.tenantId, 'attribute:', storedAttribute, { limit: 1 })).length === 0) {
      throw new DomainError('no-attributes', 'Add at least one attribute before enabling a program (POST /api/attributes).');
    }
    const now = deps.now();
    const today = now.toISOString().slice(0, 10);
    const next: StoredProgram = { ...program.value, enabled: true, enabledAt: program.value.enabled ? program.value.enabledAt : now.toISOString(), updatedAt: now.toISOString() };
    const writes: Write[] = [{ op: 'replace', rowKey: program.rowKey, etag: program.etag, value: next }];
    const runs: StoredRun[] = [];
    for (const { cycle, runDate } of backfillCycles(program.value.cycles, today)) {
      const run = importRun(principal.tenantId, programId, cycle, runDate, now);
      const existing = await deps.store.get(principal.tenantId, runRowKey(run.runId), storedRun);
      // The same (program, cycle, runDate) asked again is the same run, unless it ended without success.
      if (existing && !['failed', 'cancelled'].includes(existing.value.status)) continue;
      const queued = existing ? nextAttempt(existing.value, run) : run;
      writes.push(existing ? { op: 'replace', rowKey: existing.rowKey, etag: existing.etag, value: queued } : { op: 'create', rowKey: runRowKey(run.runId), value: queued });
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
export async function disableProgram(deps: AdminDeps, principal: Principal, programId: string): Promise<{ runs: AcceptedRun[] }> {
  return applyChange(deps, principal, async () => {
    const program = await deps.store.get(principal.tenantId, programKey(programId), storedProgram);
    if (!program) throw notFound(`Program ${programId}`);
    const now = deps.now();
    const next: StoredProgram = { ...program.value, enabled: false, enabledAt: null, updatedAt: now.toISOString() };
    const run = newRun({ runId: newRunId('del'), kind: 'delete', programId }, now);
    return {
      writes: [
        { op: 'replace', rowKey: program.rowKey, etag: program.etag, value: next },
        { op: 'create', rowKey: runRowKey(run.runId), value: run },
      ],
      audit: { action: 'program.disable', target: `program/${programId}`, before: program.value, after: next },
      messages: [{ queue: queueNames.reprocess, body: { kind: 'delete', tenantId: principal.tenantId, runId: run.runId, scope: { programId } } }],
      result: { runs: [accepted(run)] },
    };
  });
}

// A transaction holds 100 writes: the program rows are not written, the audit entry takes one.
const maxResyncRuns = 99;

/** Re-imports every cycle that has imported data, in every enabled program, keeping the configuration. */
export async function resync(deps: AdminDeps, principal: Principal): Promise<{ runs: AcceptedRun[] }> {
  await requireConsent(deps, principal.tenantId);
  const inFlight = await importsInFlight(deps, principal.tenantId);
  if (inFlight.length > 0) return { runs: inFlight.map(accepted) };
  return applyChange(deps, principal, async () => {
    const { writes, messages, runs } = await reimportRuns(deps, principal.tenantId, 'resync');
    return { writes, audit: { action: 'resync', target: 'programs', before: null, after: { runs: runs.map((r) => r.runId) } }, messages, result: { runs: runs.map(accepted) } };
  });
}

/**
 * New import runs of every cycle that has imported data, in every enabled program, at the date of
 * the cycle's latest successful import: what a resync commits, and what a change of the key column,
 * a roster the stored data cannot be matched to, or a change of the data-quality rules asks for.
 * `skip` leaves runs out. They are written in one transaction with the change that asks for them,
 * hence `maxRuns`.
 */
export async function reimportRuns(
  deps: AdminDeps,
  tenantId: string,
  reason: string,
  options: { skip?: (run: StoredRun) => boolean; maxRuns?: number } = {},
): Promise<{ writes: Write[]; messages: QueuedMessage[]; runs: StoredRun[] }> {
  const { skip = () => false, maxRuns = maxResyncRuns } = options;
  const now = deps.now();
  const [programs, runs] = await Promise.all([deps.store.list(tenantId, 'program:', storedProgram), deps.store.list(tenantId, 'run:', storedRun)]);
  const latestImported = new Map<string, string>();
  for (const { value: run } of runs) {
    if (run.kind !== 'import' || run.status !== 'succeeded' || !run.runDate) continue;
    const key = `${run.programId}\n${run.cycleId}`;
    if ((latestImported.get(key) ?? '') < run.runDate) latestImported.set(key, run.runDate);
  }
  const created: StoredRun[] = [];
  for (const { value: program } of programs) {
    if (!program.enabled) continue;
    for (const cycle of program.cycles) {
      const runDate = latestImported.get(`${program.programId}\n${cycle.cycleId}`);
      if (!runDate) continue;
      // A re-import is a new run of an imported (program, cycle, runDate), so it gets its own id.
      const runId = importRunId(tenantId, program.programId, cycle.cycleId, runDate, `${reason} ${now.toISOString()}`);
      const run = importRun(tenantId, program.programId, cycle, runDate, now, runId);
      if (!skip(run)) created.push(run);
    }
  }
  if (created.length > maxRuns) {
    throw ruleViolation([{ path: 'programs', message: `a ${reason} can re-import at most ${maxRuns} cycles at once; ${created.length} have data` }]);
  }
  return {
    writes: created.map((run): Write => ({ op: 'create', rowKey: runRowKey(run.runId), value: run })),
    messages: created.map((r) => importMessage(tenantId, r)),
    runs: created,
  };
}

/** POST /api/imports/{runId}/retry: a failed or cancelled import again, as a fresh attempt. */
export async function retryImport(deps: AdminDeps, principal: Principal, runId: string): Promise<{ runs: AcceptedRun[] }> {
  await requireConsent(deps, principal.tenantId);
  return applyChange(deps, principal, async () => {
    const existing = await deps.store.get(principal.tenantId, runRowKey(runId), storedRun);
    if (!existing || existing.value.kind !== 'import') throw notFound(`Import run ${runId}`);
    const { value: run } = existing;
    if (run.status !== 'failed' && run.status !== 'cancelled') throw new DomainError('conflict', `Run ${runId} is ${run.status}: only a failed or cancelled import can be retried.`);
    const program = await deps.store.get(principal.tenantId, programKey(run.programId as string), storedProgram);
    if (!program?.value.enabled || !program.value.cycles.some((c) => c.cycleId === run.cycleId)) {
      throw new DomainError('conflict', `Program ${run.programId} is not enabled or no longer has cycle ${run.cycleId}: enable it to import again.`);
    }
    const fresh = nextAttempt(run, newRun({ runId, kind: 'import', programId: run.programId, cycleId: run.cycleId, runDate: run.runDate, window: run.window }, deps.now()));
    return {
      writes: [{ op: 'replace', rowKey: existing.rowKey, etag: existing.etag, value: fresh }],
      audit: { action: 'import.retry', target: `imports/${runId}`, before: run, after: fresh },
      messages: [importMessage(principal.tenantId, fresh)],
      result: { runs: [accepted(fresh)] },
    };
  });
}
