import { storedAttribute, storedProgram, storedSource, type StoredRun } from '../admin/schemas';
import { WindowAggregator } from '../domain/aggregation';
import { parseRecord, resolveColumns, type ColumnMap } from '../domain/person-rows';
import { PermanentRunError, type PipelineDeps } from './deps';
import { cancelRun, changeRun, consentGranted, isFinished } from './runs';
import { encodeMessage, maxEncodedBytes, queueNames, type BucketMessage, type PullMessage, type QueuedMessage } from './work-queue';
import { completeRun } from './bucket';

// insights-pull: stream the tenant's person query page by page, keep the rows of the run's 12-week
// window, aggregate per employee, and hand the employees on to insights-bucket in chunks that fit a
// queue message. Repeating a pull (a retry, a duplicate message) hands on the same chunks again; the
// bucket stage writes them idempotently and counts each chunk once.

// Leave room for the message envelope; the limit applies to the base64 text.
const maxChunkJsonBytes = Math.floor((maxEncodedBytes * 3) / 4) - 2048;

export async function pull(deps: PipelineDeps, message: PullMessage): Promise<void> {
  const { tenantId, runId } = message;
  const started = await changeRun(deps, tenantId, runId, (run) =>
    isFinished(run) ? null : { run: { ...run, status: 'running', startedAt: run.startedAt ?? deps.now().toISOString() } },
  );
  if (!started || isFinished(started)) return;
  if (!(await consentGranted(deps, tenantId))) {
    await cancelRun(deps, tenantId, runId, 'consent revoked');
    return;
  }

  const [program, attributes, source] = await Promise.all([
    deps.store.get(tenantId, `program:${message.programId}`, storedProgram),
    deps.store.list(tenantId, 'attribute:', storedAttribute),
    deps.store.get(tenantId, 'source', storedSource),
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

  const aggregator = new WindowAggregator({ window: started.window, metricIds });
  let columns: ColumnMap | undefined;
  let invalidRows = 0;
  const persons = new Set<string>();
  for await (const page of deps.openSource(tenantId, source.value).pages()) {
    for (const record of page) {
      columns ??= resolveColumns(Object.keys(record), { employeeKeyColumn: source.value.employeeKeyColumn, metricIds });
      const row = parseRecord(record, columns);
      if (row.kind === 'invalid') invalidRows++;
      else if (row.kind === 'row') {
        persons.add(row.employeeKey);
        aggregator.add(row);
      }
    }
  }

  const chunks = chunkEmployees(message, aggregator);
  const employees = chunks.reduce((n, c) => n + (c.body as BucketMessage).employees.length, 0);
  const totals = (run: StoredRun): StoredRun => ({
    ...run,
    progress: { ...run.progress, employees, chunksTotal: chunks.length },
    invalidRows,
    matchedEmployees: employees,
    unmatchedInsightsPersons: persons.size - employees,
  });
  if (chunks.length === 0) {
    await changeRun(deps, tenantId, runId, (run) => (isFinished(run) ? null : completeRun(deps, tenantId, totals(run), attributes)));
    return;
  }
  const recorded = await changeRun(deps, tenantId, runId, (run) => (isFinished(run) ? null : { run: totals(run) }));
  if (!recorded || isFinished(recorded)) return;
  await sendAll(deps, chunks);
}

function chunkEmployees(message: PullMessage, aggregator: WindowAggregator): QueuedMessage[] {
  const base = { kind: 'bucket' as const, tenantId: message.tenantId, runId: message.runId, programId: message.programId, cycleId: message.cycleId };
  const chunks: QueuedMessage[] = [];
  let employees: BucketMessage['employees'] = [];
  let size = 0;
  const flush = () => {
    if (employees.length === 0) return;
    chunks.push({ queue: queueNames.bucket, body: { ...base, index: chunks.length, employees } });
    employees = [];
    size = 0;
  };
  // employees() comes in key order, so a repeated pull cuts exactly the same chunks.
  for (const [employeeKey, metrics] of aggregator.employees()) {
    if (Object.keys(metrics).length === 0) continue;
    const entry: BucketMessage['employees'][number] = [employeeKey, Object.fromEntries(Object.entries(metrics).map(([m, v]) => [m, [v.sumNano, v.weeks]]))];
    const entrySize = JSON.stringify(entry).length + 1;
    if (size + entrySize > maxChunkJsonBytes) flush();
    employees.push(entry);
    size += entrySize;
  }
  flush();
  for (const chunk of chunks) {
    if (encodeMessage(chunk.body).length > maxEncodedBytes) throw new Error('a bucket chunk exceeds the queue message limit');
  }
  return chunks;
}

async function sendAll(deps: PipelineDeps, messages: QueuedMessage[], concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, messages.length) }, async () => {
      while (next < messages.length) await deps.queues.send(messages[next++] as QueuedMessage);
    }),
  );
}

