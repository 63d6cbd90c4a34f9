import { cycleStateKey, storedCycleState, storedProgram, storedRun, type StoredRun } from '../admin/schemas';
import { importMessage, importRun, nextAttempt } from '../admin/programs';
import { runRowKey, type AdminDeps } from '../admin/tenant-config';
import { cycleSundays } from '../domain/weeks';
import type { Write } from '../storage/tenant-store';
import { consentGranted } from './runs';
import { runLimited } from '../storage/table-support';

// The Sunday schedule (SPEC sections 9 and 11): a run dated D imports, for every enabled program of a
// consenting tenant, each cycle with first <= D that is not final. Asking twice for the same date
// makes one run per (program, cycle), named by what it imports; a run of that date still queued gets
// its pull message again.

export async function scheduleTenant(deps: AdminDeps, tenantId: string, runDate: string): Promise<StoredRun[]> {
  if (!(await consentGranted(deps, tenantId))) return [];
  const [programs, states] = await Promise.all([
    deps.store.list(tenantId, 'program:', storedProgram),
    deps.store.list(tenantId, 'cycle:', storedCycleState),
  ]);
  const final = new Set(states.filter((s) => s.value.final).map((s) => s.rowKey));
  const queued: StoredRun[] = [];
  const now = deps.now();
  for (const { value: program } of programs) {
    if (!program.enabled) continue;
    for (const cycle of program.cycles) {
      if (cycleSundays(cycle).first > runDate || final.has(cycleStateKey(program.programId, cycle.cycleId))) continue;
      let run = importRun(tenantId, program.programId, cycle, runDate, now);
      const existing = await deps.store.get(tenantId, runRowKey(run.runId), storedRun);
      if (existing?.value.status === 'running' || existing?.value.status === 'succeeded') continue;
      // A run still queued is sent again: its first message may have been lost between the commit and
      // the send, and a duplicate pull is harmless.
      if (existing?.value.status === 'queued') {
        run = existing.value;
      } else {
        if (existing) run = nextAttempt(existing.value, run);
        const write: Write = existing ? { op: 'replace', rowKey: existing.rowKey, etag: existing.etag, value: run } : { op: 'create', rowKey: runRowKey(run.runId), value: run };
        try {
          await deps.store.commit(tenantId, [write]);
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
export async function scheduleAll(deps: AdminDeps, runDate: string, concurrency = 16): Promise<number> {
  let runs = 0;
  await runLimited(await deps.store.tenantsWith('consent'), concurrency, async (tenantId) => {
    runs += (await scheduleTenant(deps, tenantId, runDate)).length;
  });
  return runs;
}
