import { cycleSundays } from '../domain/weeks';
import { runLimited } from '../storage/table-support';
import { put, tenantRanges, tenantRows, type StoredRun } from '../storage/tenant-rows';
import { consentGranted } from '../work/consent';
import type { WorkDeps } from '../work/deps';
import { importMessage, importRun, nextAttempt } from '../work/runs';

// The Sunday schedule (SPEC sections 9 and 11): a run dated D imports, for every enabled program of a
// consenting tenant, each cycle with first <= D that is not final. Asking twice for the same date
// makes one run per (program, cycle), named by what it imports; a run of that date still queued gets
// its pull message again.

export async function scheduleTenant(deps: WorkDeps, tenantId: string, runDate: string): Promise<StoredRun[]> {
  if (!(await consentGranted(deps, tenantId))) return [];
  const [programs, states] = await Promise.all([
    deps.store.list(tenantId, tenantRanges.programs),
    deps.store.list(tenantId, tenantRanges.cycleStates()),
  ]);
  const final = new Set(states.filter((s) => s.value.final).map((s) => s.rowKey));
  const queued: StoredRun[] = [];
  const now = deps.now();
  for (const { value: program } of programs) {
    if (!program.enabled) continue;
    for (const cycle of program.cycles) {
      if (cycleSundays(cycle).first > runDate || final.has(tenantRows.cycleState(program.programId, cycle.cycleId).key)) continue;
      let run = importRun(tenantId, program.programId, cycle, runDate, now);
      const existing = await deps.store.get(tenantId, tenantRows.run(run.runId));
      if (existing?.value.status === 'running' || existing?.value.status === 'succeeded') continue;
      // A run still queued is sent again: its first message may have been lost between the commit and
      // the send, and a duplicate pull is harmless.
      if (existing?.value.status === 'queued') {
        run = existing.value;
      } else {
        if (existing) run = nextAttempt(existing.value, run);
        try {
          await deps.store.commit(tenantId, [put(tenantRows.run(run.runId), existing, run)]);
        } catch {
          continue; // queued concurrently by another scheduler: that one sends the message
        }
      }
      await deps.queues.send(importMessage(tenantId, run));
      queued.push(run);
    }
  }
  return queued;
}

/**
 * The Sunday run for every consenting tenant, `concurrency` tenants at a time: each tenant is a few
 * point operations in its own partition, so tenants proceed side by side (one after another, 1,000
 * tenants × 3 programs took 27 s; see docs/SCALE.md).
 */
export async function scheduleAll(deps: WorkDeps, runDate: string, concurrency = 16): Promise<number> {
  let runs = 0;
  await runLimited(await deps.store.tenantsWith(tenantRows.consent), concurrency, async (tenantId) => {
    runs += (await scheduleTenant(deps, tenantId, runDate)).length;
  });
  return runs;
}
