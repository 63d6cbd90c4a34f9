import { remove, tenantRanges, tenantRows, type StoredChunkProgress } from '../storage/tenant-rows';
import { updateRow } from '../work/change';
import type { WorkDeps } from '../work/deps';
import { dataRunId, isFinished } from '../work/runs';

// Which bucket chunks of an import run are done. A 100,000-employee run has hundreds of chunks and
// 16 handlers finish them at once; counting them in the run's own row made every handler fight over
// one ETag (a handler measured waiting 53 s, then failing). The count is spread over 16 rows of the
// tenant's partition instead, chunk i in row i mod 16 as bit i div 16 of a bit set, so concurrent
// handlers rarely meet; the run is complete when the rows' counts add up to its chunk total. A chunk
// delivered twice sets its bit once.

export const progressRows = 16;

const bitOf = (index: number) => Math.floor(index / progressRows);

function hasBit(bits: string, bit: number): boolean {
  const bytes = Buffer.from(bits, 'base64');
  return ((bytes[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
}

function withBit(bits: string, bit: number): string {
  const current = Buffer.from(bits, 'base64');
  const bytes = Buffer.alloc(Math.max(current.length, (bit >> 3) + 1));
  current.copy(bytes);
  bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (1 << (bit & 7));
  return bytes.toString('base64');
}

/** How many of a run's `total` chunks row `index mod 16` counts when they are all done. */
const rowShare = (total: number, index: number) => {
  const k = index % progressRows;
  return total > k ? Math.floor((total - 1 - k) / progressRows) + 1 : 0;
};

/**
 * Marks a chunk done (once, however often it is delivered). Returns whether its row is now full:
 * only then can the run be complete, so only then is it worth counting every row.
 */
export async function markChunkDone(deps: WorkDeps, tenantId: string, run: { runId: string; attempt: number }, index: number, total: number): Promise<boolean> {
  // Counted per attempt: a fresh attempt of a run counts its chunks anew.
  const ref = tenantRows.chunkProgress(dataRunId(run), index % progressRows);
  let created = false;
  const row = await updateRow(deps, tenantId, ref, (current): StoredChunkProgress | undefined => {
    if (current && hasBit(current.value.done, bitOf(index))) return undefined;
    created = current === undefined;
    return { done: withBit(current?.value.done ?? '', bitOf(index)), count: (current?.value.count ?? 0) + 1 };
  });
  // A late duplicate (a message whose host died after counting it, back after its lease) can get here
  // after the run completed and deleted its count rows, and would leave a row behind for good. A run
  // cannot complete without every row, so a row this call created belongs to a finished run only if
  // the run finished before it: then it goes again.
  if (created) {
    const current = await deps.store.get(tenantId, tenantRows.run(run.runId));
    if (!current || isFinished(current.value) || current.value.attempt !== run.attempt) {
      await deps.store.commit(tenantId, [remove(ref)]);
      return false;
    }
  }
  return (row?.value.count ?? 0) >= rowShare(total, index);
}

/** How many chunks are done, and the rows that say so (to delete with the run's completion). */
export async function chunksDone(deps: WorkDeps, tenantId: string, runId: string): Promise<{ done: number; rowKeys: string[] }> {
  const rows = await deps.store.list(tenantId, tenantRanges.chunkProgress(runId));
  return { done: rows.reduce((sum, row) => sum + row.value.count, 0), rowKeys: rows.map((row) => row.rowKey) };
}
