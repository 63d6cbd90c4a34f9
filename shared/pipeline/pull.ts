import { WindowAggregator, type Aggregate } from '../domain/aggregation';
import { SourceError } from '../insights/source';
import { deletePersonIndex, writePersonIndex } from '../storage/person-index';
import { readRoster } from '../storage/roster-store';
import { maxBatch } from '../storage/table-support';
import { tenantRanges, tenantRows, type StoredRun, type StoredSource } from '../storage/tenant-rows';
import { shardCount, shardOf } from '../storage/values-store';
import { consentGranted } from '../work/consent';
import { maxEncodedBytes, queueNames, type BucketMessage, type PullMessage, type QueuedMessage } from '../work/queues';
import { cancelRun, changeRun, dataRunId, isFinished, startRun } from '../work/runs';
import { getConfidentiality, getDataQualityRules } from '../work/tenant-settings';
import { completeRun } from './bucket';
import { cleanWindow, readMetricIds, type CleanedWindow } from './cleaned-window';
import { PermanentRunError, type PipelineDeps } from './deps';
import { keyMatchCounts, runMatchCounts } from './match-counts';
import { readWindow } from './read-window';

// insights-pull: stream the tenant's person query page by page, keep the rows of the run's 12-week
// window, aggregate per employee, and hand the employees on to insights-bucket in chunks that fit a
// queue message. Repeating a pull (a retry, a duplicate message) hands on the same chunks again; the
// bucket stage writes them idempotently and counts each chunk once.

// Leave room for the message envelope; the limit applies to the base64 text.
const maxChunkJsonBytes = Math.floor((maxEncodedBytes * 3) / 4) - 2048;

export async function pull(deps: PipelineDeps, message: PullMessage): Promise<void> {
  const { tenantId, runId } = message;
  // A message of an earlier attempt of the run has nothing left to do.
  const started = await startRun(deps, tenantId, runId, (run) => run.attempt === message.attempt);
  if (!started) return;
  if (!(await consentGranted(deps, tenantId))) {
    await cancelRun(deps, tenantId, runId, 'consent revoked');
    return;
  }

  const [program, attributes, source, rules, confidentiality] = await Promise.all([
    deps.store.get(tenantId, tenantRows.program(message.programId)),
    deps.store.list(tenantId, tenantRanges.attributes),
    deps.store.get(tenantId, tenantRows.source),
    getDataQualityRules(deps, tenantId),
    getConfidentiality(deps, tenantId),
  ]);
  const cycle = program?.value.cycles.find((c) => c.cycleId === message.cycleId);
  if (!program || !cycle) throw new PermanentRunError(`program ${message.programId} or its cycle ${message.cycleId} no longer exists`);
  if (!program.value.enabled) {
    await cancelRun(deps, tenantId, runId, 'the program was disabled');
    return;
  }
  if (!source) throw new PermanentRunError('no Viva Insights source is configured (PUT /api/insights-source)');
  if (!started.window) throw new PermanentRunError('the run has no import window');
  const metricIds = attributes.map((a) => a.value.metricId);

  const aggregator = new WindowAggregator({ window: started.window, metricIds: readMetricIds(metricIds, rules) });
  // Glint's roster is read while the person query is: its seconds hide behind the query's minutes.
  const rosterRead = readRoster(deps, tenantId);
  rosterRead.catch(() => undefined); // awaited below; a failed read fails the pull there
  const { invalidRows, outsideWindow } = await readBounded(deps, source.value, aggregator, tenantId, aggregator.metricIds);
  const cleaned = cleanWindow(aggregator, { window: started.window, attributeMetricIds: metricIds, rules, minGroupSize: confidentiality.insightsMinGroupSize });

  const plan = planChunks(aggregator, cleaned);
  const employees = plan.measured.length;
  // Matched to Glint's roster now, while the persons are in memory; kept for a later roster (rematch.ts).
  // Without a week in the window: no row in it, or rows without values.
  const persons = { measured: plan.measured, excluded: plan.excluded, withoutWindow: [...plan.unmeasured, ...[...outsideWindow].filter((key) => !aggregator.has(key))].sort() };
  const scope = { tenantId, programId: message.programId, cycleId: message.cycleId, runId: dataRunId(started) };
  const [roster] = await Promise.all([rosterRead, writePersonIndex(deps.persons, scope, persons)]);
  // The sets matching looks persons up in are built only when there is a roster to match.
  const counts = roster
    ? runMatchCounts(roster, { measured: new Set(persons.measured), excluded: new Set(persons.excluded), withoutWindow: new Set(persons.withoutWindow) })
    : keyMatchCounts(plan.measured.length);
  const totals = (run: StoredRun): StoredRun => ({
    ...run,
    progress: { ...run.progress, employees, chunksTotal: plan.chunks.length },
    invalidRows,
    ...counts,
    // Absent with every rule off (stored as JSON, undefined is left out), as before the rules existed.
    dataQuality: cleaned.figures ?? undefined,
  });
  const recorded =
    plan.chunks.length === 0
      ? await changeRun(deps, tenantId, runId, (run) => (isFinished(run) || run.attempt !== message.attempt ? null : completeRun(deps, tenantId, totals(run), attributes)))
      : await changeRun(deps, tenantId, runId, (run) => (isFinished(run) || run.attempt !== message.attempt ? null : { run: totals(run) }));
  // Stopped meanwhile (a deletion cancelled it): its deletion may have run before the list was written.
  if (!recorded || (isFinished(recorded) && recorded.status !== 'succeeded') || recorded.attempt !== message.attempt) {
    if (recorded?.attempt === message.attempt) await deletePersonIndex(deps.persons, scope);
    return;
  }
  if (plan.chunks.length === 0 || isFinished(recorded)) return;
  await sendAll(deps, plan.chunks.length, (index) => chunkMessage(message, cleaned, plan.chunks[index]!, index));
}

/** The person query read within the pull's limits: a feed without end fails the run instead of holding the instance. */
async function readBounded(deps: PipelineDeps, source: StoredSource, aggregator: WindowAggregator, tenantId: string, metricIds: readonly string[]) {
  const { maxRows, maxSeconds } = deps.pullLimits;
  const deadline = AbortSignal.timeout(maxSeconds * 1000);
  try {
    return await readWindow(deps.openSource(tenantId, source), aggregator, { employeeKeyColumn: source.employeeKeyColumn, metricIds, maxRows, signal: deadline });
  } catch (error) {
    if (deadline.aborted) throw new SourceError(`reading the person query took longer than ${maxSeconds} s, the most one import may take; the import stops`, false, { cause: error });
    throw error;
  }
}

// A chunk is at most 100 employees of one shard: one entity group transaction for insights-bucket,
// written whole or not at all. Chunks are cut from the employees in key order, shard by shard, so a
// repeated pull cuts exactly the same chunks. Only the cut points are kept; each message is built
// when it is sent (after the data-quality rules), so the pull holds the aggregator and no second copy
// of the employees.
interface Chunk {
  keys: readonly string[];
}

function entryOf(employeeKey: string, metrics: Record<string, Aggregate>): BucketMessage['employees'][number] {
  return [employeeKey, Object.fromEntries(Object.entries(metrics).map(([m, v]) => [m, [v.sumNano, v.weeks]]))];
}

/** The chunks, and the persons by what the window holds of them: measured, left out by the rules, without a value. */
function planChunks(aggregator: WindowAggregator, cleaned: CleanedWindow): { chunks: Chunk[]; measured: string[]; excluded: string[]; unmeasured: string[] } {
  const byShard: { keys: string[]; sizes: number[] }[] = Array.from({ length: shardCount }, () => ({ keys: [], sizes: [] }));
  const measured: string[] = [];
  const excluded: string[] = [];
  const unmeasured: string[] = [];
  for (const employeeKey of aggregator.keys()) {
    const metrics = cleaned.aggregateOf(employeeKey);
    if (Object.keys(metrics).length === 0) {
      (cleaned.excluded(employeeKey) ? excluded : unmeasured).push(employeeKey);
      continue;
    }
    const shard = byShard[shardOf(employeeKey)]!;
    shard.keys.push(employeeKey);
    shard.sizes.push(JSON.stringify(entryOf(employeeKey, metrics)).length + 1);
    measured.push(employeeKey);
  }
  const chunks: Chunk[] = [];
  for (const { keys, sizes } of byShard) {
    let from = 0;
    let size = 0;
    for (let i = 0; i < keys.length; i++) {
      if (i > from && (i - from >= maxBatch || size + sizes[i]! > maxChunkJsonBytes)) {
        chunks.push({ keys: keys.slice(from, i) });
        from = i;
        size = 0;
      }
      size += sizes[i]!;
    }
    if (keys.length > from) chunks.push({ keys: keys.slice(from) });
  }
  return { chunks, measured, excluded, unmeasured };
}

function chunkMessage(message: PullMessage, cleaned: CleanedWindow, chunk: Chunk, index: number): QueuedMessage {
  return {
    queue: queueNames.bucket,
    body: {
      kind: 'bucket',
      tenantId: message.tenantId,
      runId: message.runId,
      programId: message.programId,
      cycleId: message.cycleId,
      attempt: message.attempt,
      index,
      employees: chunk.keys.map((key) => entryOf(key, cleaned.aggregateOf(key))),
    },
  };
}

async function sendAll(deps: PipelineDeps, count: number, build: (index: number) => QueuedMessage, concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await deps.queues.send(build(next++));
    }),
  );
}
