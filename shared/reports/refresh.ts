import { randomUUID } from 'node:crypto';
import { matchRoster } from '../domain/matching';
import type { ResponseStore } from '../storage/response-store';
import { readRoster } from '../storage/roster-store';
import { runLimited } from '../storage/table-support';
import { remove, replace, tenantRanges, tenantRows, upsert, type RowRef, type StoredAttributeReport, type StoredReportState } from '../storage/tenant-rows';
import type { Stored } from '../storage/tenant-store';
import { shardCount } from '../storage/values-store';
import { commitChange, updateRow } from '../work/change';
import { consentGranted } from '../work/consent';
import type { DataDeps } from '../work/deps';
import type { ReportMessage } from '../work/queues';
import { refreshMessage } from '../work/report-refresh';
import { getConfidentiality } from '../work/tenant-settings';
import type { ReportCommentStore } from './comment-store';
import { buildCycleReport, CycleResponses, noDataGroup, type CycleReport } from './cycle-report';
import type { ReportHistoryStore } from './history-store';
import { historyOf, versionOf } from './publication-history';

// Keeping a cycle's reports up to date (SPEC section 13, "a report must not scan every response per
// request"). Every change that moves a report's numbers asks for a refresh (shared/work/report-refresh.ts). The
// job recomputes the whole cycle from the responses and the current run's buckets (one pass over
// each, respondents matched to persons by the roster), decides confidentiality for every attribute at once, and stores only what
// may be shown, together with the `computedSeq` it covers, in one transaction. A message whose change
// an earlier computation already covered does nothing, so a burst of posts costs a computation or
// two, not one each.

export interface ReportDeps extends DataDeps {
  responses: ResponseStore;
  reportComments: ReportCommentStore;
  reportHistory: ReportHistoryStore;
}

// A commit that loses a race to a new request is tried again with the fresh state.
const commitRetry = { attempts: 10, pauseMs: () => 0 };

const leaseMs = 15 * 60 * 1000;

/**
 * Takes the cycle's computation for this message, unless another message holds it: one computation
 * per cycle at a time, since a large cycle takes a minute and a burst of posts queues a message each.
 * The holder re-reads the state when it commits, so a request that arrived meanwhile is not lost: it
 * queues the cycle again. A retry of the holder's own message (same id) takes the lease back; a lease
 * whose holder died lapses after `leaseMs`.
 */
async function takeLease(deps: ReportDeps, tenantId: string, stateRow: RowRef<StoredReportState>, messageId: string): Promise<Stored<StoredReportState> | undefined> {
  const now = deps.now();
  const pending = (state: StoredReportState) => state.computedSeq < state.requestedSeq;
  const state = await updateRow(deps, tenantId, stateRow, (current) => {
    if (!current || !pending(current.value)) return undefined;
    const lease = current.value.lease;
    if (lease && lease.owner !== messageId && lease.until > now.toISOString()) return undefined;
    return { ...current.value, lease: { owner: messageId, until: new Date(now.getTime() + leaseMs).toISOString() } };
  });
  return state && pending(state.value) && state.value.lease?.owner === messageId ? state : undefined;
}

export async function refreshCycleReport(deps: ReportDeps, message: ReportMessage, messageId: string): Promise<void> {
  const { tenantId, programId, cycleId } = message;
  const scope = { tenantId, programId, cycleId };
  const stateRow = tenantRows.reportState(programId, cycleId);
  const state = await takeLease(deps, tenantId, stateRow, messageId);
  if (!state) return;
  const seq = state.value.requestedSeq;
  // Generations sort by the request they cover, so the one committed can delete every older one and
  // never a newer one still being written.
  const generation = `${String(seq).padStart(10, '0')}-${randomUUID().slice(0, 8)}`;

  const [consented, program, items, attributes, cycleState, settings, stored] = await Promise.all([
    consentGranted(deps, tenantId),
    deps.store.get(tenantId, tenantRows.program(programId)),
    deps.store.get(tenantId, tenantRows.items(programId, cycleId)),
    deps.store.list(tenantId, tenantRanges.attributes),
    deps.store.get(tenantId, tenantRows.cycleState(programId, cycleId)),
    getConfidentiality(deps, tenantId),
    deps.store.list(tenantId, tenantRanges.attributeReports(programId, cycleId)),
  ]);
  const unavailable =
    !consented
      ? 'Viva Insights data is not shared (no consent)'
      : !program?.value.cycles.some((c) => c.cycleId === cycleId)
        ? 'the cycle does not exist'
        : !program.value.enabled || !cycleState
          ? 'no Viva Insights data has been imported for this cycle'
          : !items
            ? 'the cycle has no survey items'
            : null;

  let next: StoredReportState;
  let rows: StoredAttributeReport[] = [];
  const computedAt = deps.now().toISOString();
  // The history holds per-person data derived from Insights: it goes with the data it came from
  // (`forget`, asked for by the deletion). What it held can no longer be checked against, so what it
  // covered shows no score or comment again in this cycle (`forgotten`).
  const forgetting = state.value.forget;
  const dataGone = !program?.value.cycles.some((c) => c.cycleId === cycleId) || !program.value.enabled || !cycleState;
  let forgotten = state.value.forgotten;
  for (const what of dataGone ? [...forgetting, '*'] : forgetting) {
    if (await deps.reportHistory.forget(scope, what === '*' ? undefined : [what])) forgotten = [...new Set([...forgotten, what])];
  }
  if (unavailable !== null || !cycleState || !items) {
    next = { ...state.value, computedSeq: seq, computedAt, runId: null, settings, itemIds: [], commentsGeneration: null, unavailable, forgotten, lease: null };
  } else {
    const metrics = attributes.map((a) => a.value).sort((a, b) => (a.metricId < b.metricId ? -1 : 1));
    const itemList = items.value.items;
    const metricIds = metrics.map((m) => m.metricId);
    const itemIds = itemList.map((i) => i.itemId);
    const versions = await deps.reportHistory.load(scope);
    const isForgotten = (metricId: string) => forgotten.includes('*') || forgotten.includes(metricId);
    const { responses, people } = await collectResponses(deps, { ...scope, runId: cycleState.value.currentRunId }, itemIds, metricIds);
    const report = buildCycleReport(
      itemList.map((i) => ({ itemId: i.itemId, favorableMin: i.scale.favorableMin })),
      metrics.map((m) => ({ metricId: m.metricId, max: m.max })),
      responses,
      settings,
      { history: historyOf(versions, people, metricIds, itemIds), forgotten: metricIds.map(isForgotten) },
    );
    // Remembered before it is shown: a computation that dies in between leaves a version nobody saw,
    // which only makes the next decision more careful.
    await deps.reportHistory.append(scope, generation, versionOf(report.decision, responses, people, metricIds, itemIds, (m) => !isForgotten(metricIds[m]!)));
    rows = await storeComments(deps, scope, generation, report);
    next = {
      ...state.value,
      computedSeq: seq,
      computedAt,
      runId: cycleState.value.currentRunId,
      settings,
      itemIds,
      commentsGeneration: generation,
      unavailable: null,
      forgotten,
      lease: null,
    };
  }

  const keep = new Set(rows.map((r) => r.metricId));
  const writes = [
    ...rows.map((value) => upsert(tenantRows.attributeReport(programId, cycleId, value.metricId), value)),
    ...stored.filter((s) => !keep.has(s.value.metricId)).map(remove),
  ];
  const committed = await commitChange(deps, tenantId, async (attempt) => {
    // A change asked for another refresh meanwhile: commit what was computed, then queue the cycle again.
    const current = attempt === 1 ? state : await deps.store.get(tenantId, stateRow);
    if (!current || current.value.computedSeq >= seq) return null;
    // Deletions asked for meanwhile stay asked for: the next computation applies them.
    const forget = current.value.forget.filter((what) => !forgetting.includes(what));
    const again = current.value.requestedSeq > seq;
    return {
      writes: [replace(current, { ...next, requestedSeq: current.value.requestedSeq, forget }), ...writes],
      messages: again ? [refreshMessage(tenantId, { programId, cycleId })] : [],
      result: true,
    };
  }, commitRetry);
  if (committed) await deps.reportComments.deleteOlderGenerations(scope, next.commentsGeneration ?? `${String(seq).padStart(10, '0')}~`);
}

/**
 * Reads the run's buckets, matches the respondents (Glint employee keys) to Insights persons the way
 * the import counts them (domain/matching.ts; without a roster, a respondent is the person of the
 * same key), and packs them for the report builder; `people[r]` is respondent r's employee key. A
 * respondent matched to no one is "No data".
 */
async function collectResponses(
  deps: ReportDeps,
  run: { tenantId: string; programId: string; cycleId: string; runId: string },
  itemIds: readonly string[],
  metricIds: readonly string[],
): Promise<{ responses: CycleResponses; people: string[] }> {
  const responses = new CycleResponses(itemIds.length, metricIds.length);
  const people: string[] = [];
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const noData = metricIds.map(() => noDataGroup);
  const shards = [...Array(shardCount).keys()];
  const groupsOf = new Map<string, number[]>();
  const [roster] = await Promise.all([
    readRoster(deps, run.tenantId),
    runLimited(shards, 4, async (shard) => {
      for await (const employee of deps.values.scanShard(run, shard, metricIds)) {
        groupsOf.set(
          employee.employeeKey,
          metricIds.map((m) => {
            const value = employee.metrics[m];
            return value ? value.bucket - 1 : noDataGroup;
          }),
        );
      }
    }),
  ]);
  const matches = roster ? matchRoster(roster.employees, new Set(groupsOf.keys())) : null;
  const personOf = (employeeKey: string) => (matches ? matches.get(employeeKey)?.insightsKey : employeeKey);
  await runLimited(shards, 4, async (shard) => {
    for await (const respondent of deps.responses.scanShard(run, shard, itemIds)) {
      const scores = new Array<number | undefined>(itemIds.length).fill(undefined);
      const comments = new Array<string | undefined>(itemIds.length).fill(undefined);
      for (const answer of respondent.answers) {
        const i = itemIndex.get(answer.itemId)!;
        scores[i] = answer.score;
        comments[i] = answer.comment;
      }
      const person = personOf(respondent.employeeKey);
      responses.add((person !== undefined ? groupsOf.get(person) : undefined) ?? noData, scores, comments);
      people.push(respondent.employeeKey);
    }
  });
  return { responses, people };
}

async function storeComments(deps: ReportDeps, scope: { tenantId: string; programId: string; cycleId: string }, generation: string, report: CycleReport): Promise<StoredAttributeReport[]> {
  return Promise.all(
    report.attributes.map(async (attribute) => ({
      metricId: attribute.metricId,
      max: [...attribute.max] as [number, number, number],
      groups: await Promise.all(
        attribute.groups.map(async (g) => ({
          group: g.group,
          status: g.status,
          respondents: g.respondents,
          items: g.items.map((s) => (s ? ([s.score, s.favorable] as [number, number]) : null)),
          showComments: g.showComments,
          commentPages: g.showComments ? await deps.reportComments.write(scope, generation, attribute.metricId, g.group, report.comments.get(`${attribute.metricId}|${g.group}`) ?? []) : 0,
        })),
      ),
    })),
  );
}
