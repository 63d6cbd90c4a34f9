import { ruleViolation } from '../domain/errors';
import { create, tenantRanges, tenantRows, type StoredRun } from '../storage/tenant-rows';
import type { Write } from '../storage/tenant-store';
import type { WorkDeps } from './deps';
import type { QueuedMessage } from './queues';
import { importMessage, importRun, importRunId } from './runs';

// A transaction holds 100 writes: the audit entry takes one.
const maxReimportRuns = 99;

/**
 * New import runs of every cycle that has imported data, in every enabled program, at the date of
 * the cycle's latest successful import: what a resync commits, and what a change of the key column,
 * a roster the stored data cannot be matched to, or a change of the data-quality rules asks for.
 * `skip` leaves runs out. They are written in one transaction with the change that asks for them,
 * hence `maxRuns`.
 */
export async function reimportRuns(
  deps: WorkDeps,
  tenantId: string,
  reason: string,
  options: { skip?: (run: StoredRun) => boolean; maxRuns?: number } = {},
): Promise<{ writes: Write[]; messages: QueuedMessage[]; runs: StoredRun[] }> {
  const { skip = () => false, maxRuns = maxReimportRuns } = options;
  const now = deps.now();
  const [programs, runs] = await Promise.all([deps.store.list(tenantId, tenantRanges.programs), deps.store.list(tenantId, tenantRanges.runs)]);
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
    writes: created.map((run) => create(tenantRows.run(run.runId), run)),
    messages: created.map((r) => importMessage(tenantId, r)),
    runs: created,
  };
}
