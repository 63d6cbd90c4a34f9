import type { Principal } from '../auth/principal';
import { notFound, ruleViolation, type FieldError } from '../domain/errors';
import { defaultDataQualityRules, sameEffect, type DataQualityRules } from '../domain/data-quality';
import { exportFileNameProblem } from '../insights/export-files';
import { feedUrlProblems, type FeedUrlPolicy } from '../insights/feed-url';
import { create, defaultConfidentiality, put, tenantRows, type Confidentiality, type StoredDataQuality, type StoredSource } from '../storage/tenant-rows';
import { applyChange } from '../work/change';
import { consentGranted } from '../work/consent';
import type { WorkDeps } from '../work/deps';
import { reimportRuns } from '../work/reimport';
import { cyclesWithReports, requestReportRefresh } from '../work/report-refresh';
import { importsInFlight, newRun, newRunId, runMessage } from '../work/runs';
import { rulesOf } from '../work/tenant-settings';

// Tenant settings: where Insights data comes from (SPEC section 10), the confidentiality thresholds
// (section 12), the data-quality rules (issue 17), and the purge of imported data (section 4).

export type SourceInput = { type: 'odata'; url: string; employeeKeyColumn?: string | undefined } | { type: 'file'; name: string; employeeKeyColumn?: string | undefined };

export interface SourceDeps extends WorkDeps {
  feedUrlPolicy: FeedUrlPolicy;
}

function sourceProblems(input: SourceInput, tenantId: string, policy: FeedUrlPolicy): FieldError[] {
  if (input.type === 'odata') return feedUrlProblems(input.url, tenantId, policy).map((message) => ({ path: 'body.url', message }));
  const problem = exportFileNameProblem(input.name);
  return problem ? [{ path: 'body.name', message: problem }] : [];
}

export async function getSource(deps: WorkDeps, principal: Principal): Promise<{ view: StoredSource; etag: string }> {
  const stored = await deps.store.get(principal.tenantId, tenantRows.source);
  if (!stored) throw notFound('An Insights source');
  return { view: stored.value, etag: stored.etag };
}

export async function putSource(deps: SourceDeps, principal: Principal, input: SourceInput, ifMatch?: string): Promise<StoredSource> {
  const problems = sourceProblems(input, principal.tenantId, deps.feedUrlPolicy);
  if (problems.length > 0) throw ruleViolation(problems);
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.source);
    const updatedAt = deps.now().toISOString();
    const employeeKeyColumn = input.employeeKeyColumn ?? 'PersonId';
    const next: StoredSource = input.type === 'odata' ? { type: 'odata', url: input.url, employeeKeyColumn, updatedAt } : { type: 'file', name: input.name, employeeKeyColumn, updatedAt };
    const write = put(tenantRows.source, current, next);
    // Stored persons are keyed by the old column's values: matching them again needs the data again
    // (issue 15), so every imported cycle is re-imported, in the same transaction (the audit entry and
    // the source row take two of its hundred writes).
    const rekeyed = current && current.value.employeeKeyColumn !== employeeKeyColumn && (await consentGranted(deps, principal.tenantId));
    const again = rekeyed ? await reimportRuns(deps, principal.tenantId, 'key column change', { maxRuns: 98 }) : { writes: [], messages: [], runs: [] };
    return {
      writes: [write, ...again.writes],
      messages: again.messages,
      audit: { action: 'source.put', target: 'insights-source', before: current?.value ?? null, after: rekeyed ? { ...next, reimports: again.runs.map((r) => r.runId) } : next },
      result: next,
    };
  }, { row: tenantRows.source, ifMatch });
}

/** The thresholds and the ETag of their version (none while the defaults apply). */
export async function readConfidentiality(deps: WorkDeps, principal: Principal): Promise<{ view: Confidentiality; etag: string | undefined }> {
  const stored = await deps.store.get(principal.tenantId, tenantRows.confidentiality);
  return { view: stored?.value ?? defaultConfidentiality, etag: stored?.etag };
}

function confidentialityProblems(c: Confidentiality): FieldError[] {
  const problems: FieldError[] = [];
  if (c.minResponses < 3) problems.push({ path: 'body.minResponses', message: 'must be at least 3' });
  if (c.suppression !== 1 && c.suppression !== 2) problems.push({ path: 'body.suppression', message: 'must be 1 or 2' });
  if (c.minCommentResponses < 3) problems.push({ path: 'body.minCommentResponses', message: 'must be at least 3' });
  if (c.insightsMinGroupSize < 5) problems.push({ path: 'body.insightsMinGroupSize', message: 'must be at least 5 (the Viva Insights minimum)' });
  return problems;
}

export async function putConfidentiality(deps: WorkDeps, principal: Principal, input: Confidentiality, ifMatch?: string): Promise<Confidentiality> {
  const problems = confidentialityProblems(input);
  if (problems.length > 0) throw ruleViolation(problems);
  const result = await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.confidentiality);
    return {
      writes: [put(tenantRows.confidentiality, current, input)],
      audit: { action: 'confidentiality.put', target: 'settings/confidentiality', before: current?.value ?? defaultConfidentiality, after: input },
      result: input,
    };
  }, { row: tenantRows.confidentiality, ifMatch });
  // Reports refuse to serve numbers decided under other settings until they are recomputed.
  await requestReportRefresh(deps, principal.tenantId, await cyclesWithReports(deps, principal.tenantId));
  return result;
}

/** The rules and the ETag of their version (none while the defaults apply). */
export async function readDataQuality(deps: WorkDeps, principal: Principal): Promise<{ view: DataQualityRules & { updatedAt: string | null }; etag: string | undefined }> {
  const stored = await deps.store.get(principal.tenantId, tenantRows.dataQuality);
  return { view: stored?.value ?? { ...defaultDataQualityRules, updatedAt: null }, etag: stored?.etag };
}

// Beyond these a rule would exclude nothing or everything; the bounds keep typing slips out.
const maxSd = 10;
const maxHoursPerWeek = 168;

function dataQualityProblems(rules: DataQualityRules): FieldError[] {
  const problems: FieldError[] = [];
  for (const rule of ['holidayWeeks', 'inactiveWeeks'] as const) {
    const { sd } = rules[rule];
    if (!(Number.isFinite(sd) && sd > 0 && sd <= maxSd)) problems.push({ path: `body.${rule}.sd`, message: `must be a number above 0 and at most ${maxSd}` });
  }
  const { minHours } = rules.nonKnowledgeWorkers;
  if (!(Number.isFinite(minHours) && minHours > 0 && minHours <= maxHoursPerWeek)) problems.push({ path: 'body.nonKnowledgeWorkers.minHours', message: `must be a number of hours above 0 and at most ${maxHoursPerWeek}` });
  return problems;
}

/**
 * Changes the rules. Stored values are 12-week sums, not weeks, so no rule can be applied to them
 * afterwards: a change that alters what the rules do re-imports every cycle with data, like a resync,
 * in the same transaction. A cycle whose import is in flight is left to that import, which re-imports
 * on completion if it ran under other rules (pipeline/bucket.ts completeRun).
 */
export async function putDataQuality(deps: WorkDeps, principal: Principal, input: DataQualityRules, ifMatch?: string): Promise<StoredDataQuality & { reimportRunIds: string[] }> {
  const problems = dataQualityProblems(input);
  if (problems.length > 0) throw ruleViolation(problems);
  const { tenantId } = principal;
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(tenantId, tenantRows.dataQuality);
    const next: StoredDataQuality = { ...rulesOf(input), updatedAt: deps.now().toISOString() };
    const before = current ? rulesOf(current.value) : defaultDataQualityRules;
    const write = put(tenantRows.dataQuality, current, next);
    const inFlight = new Set((await importsInFlight(deps, tenantId)).map((r) => `${r.programId}\n${r.cycleId}`));
    // The setting row and the audit entry share the transaction with the runs.
    // Without consent there is nothing imported to redo, and imports would be cancelled anyway.
    const again =
      sameEffect(before, input) || !(await consentGranted(deps, tenantId))
        ? { writes: [], messages: [], runs: [] }
        : await reimportRuns(deps, tenantId, 'data-quality change', { skip: (r) => inFlight.has(`${r.programId}\n${r.cycleId}`), maxRuns: 98 });
    const runs = again.runs;
    return {
      writes: [write, ...again.writes],
      audit: { action: 'data-quality.put', target: 'settings/data-quality', before: current?.value ?? defaultDataQualityRules, after: { ...next, reimportRunIds: runs.map((r) => r.runId) } },
      messages: again.messages,
      result: { ...next, reimportRunIds: runs.map((r) => r.runId) },
    };
  }, { row: tenantRows.dataQuality, ifMatch });
}

/** Deletes every imported value of the tenant ("Glint stores a copy ..., which can be deleted at any time"). */
export async function purgeInsightsData(deps: WorkDeps, principal: Principal): Promise<{ runId: string }> {
  return applyChange(deps, principal, async () => {
    const run = newRun({ runId: newRunId('del'), kind: 'delete' }, deps.now());
    return {
      writes: [create(tenantRows.run(run.runId), run)],
      audit: { action: 'data.purge', target: 'insights-data', before: null, after: { runId: run.runId } },
      messages: [runMessage(principal.tenantId, run)],
      result: { runId: run.runId },
    };
  });
}
