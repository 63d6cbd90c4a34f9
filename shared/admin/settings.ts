import type { Principal } from '../auth/principal';
import { notFound, ruleViolation, type FieldError } from '../domain/errors';
import { queueNames } from '../pipeline/work-queue';
import { cyclesWithReports, requestReportRefresh } from '../reports/refresh-request';
import type { Write } from '../storage/tenant-store';
import { feedUrlProblems, type FeedUrlPolicy } from '../insights/feed-url';
import { exportFileNameProblem } from '../insights/export-files';
import { defaultConfidentiality, storedSource, storedConfidentiality, type Confidentiality, type StoredSource } from './schemas';
import { applyChange, newRun, newRunId, runRowKey, type AdminDeps } from './tenant-config';
import { reimports } from './programs';
import { consentGranted } from '../pipeline/runs';

// Tenant settings: where Insights data comes from (SPEC section 10), the confidentiality thresholds
// (section 12), and the purge of imported data (section 4).

export type SourceInput = { type: 'odata'; url: string; employeeKeyColumn?: string | undefined } | { type: 'file'; name: string; employeeKeyColumn?: string | undefined };

export interface SourceDeps extends AdminDeps {
  feedUrlPolicy: FeedUrlPolicy;
}

function sourceProblems(input: SourceInput, tenantId: string, policy: FeedUrlPolicy): FieldError[] {
  if (input.type === 'odata') return feedUrlProblems(input.url, tenantId, policy).map((message) => ({ path: 'body.url', message }));
  const problem = exportFileNameProblem(input.name);
  return problem ? [{ path: 'body.name', message: problem }] : [];
}

export async function getSource(deps: AdminDeps, principal: Principal): Promise<{ view: StoredSource; etag: string }> {
  const stored = await deps.store.get(principal.tenantId, 'source', storedSource);
  if (!stored) throw notFound('An Insights source');
  return { view: stored.value, etag: stored.etag };
}

export async function putSource(deps: SourceDeps, principal: Principal, input: SourceInput, ifMatch?: string): Promise<StoredSource> {
  const problems = sourceProblems(input, principal.tenantId, deps.feedUrlPolicy);
  if (problems.length > 0) throw ruleViolation(problems);
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, 'source', storedSource);
    const updatedAt = deps.now().toISOString();
    const employeeKeyColumn = input.employeeKeyColumn ?? 'PersonId';
    const next: StoredSource = input.type === 'odata' ? { type: 'odata', url: input.url, employeeKeyColumn, updatedAt } : { type: 'file', name: input.name, employeeKeyColumn, updatedAt };
    const write: Write = current ? { op: 'replace', rowKey: 'source', etag: current.etag, value: next } : { op: 'create', rowKey: 'source', value: next };
    // Stored persons are keyed by the old column's values: matching them again needs the data again
    // (issue 15), so every imported cycle is re-imported, in the same transaction (the audit entry and
    // the source row take two of its hundred writes).
    const rekeyed = current && current.value.employeeKeyColumn !== employeeKeyColumn && (await consentGranted(deps, principal.tenantId));
    const again = rekeyed ? await reimports(deps, principal.tenantId, undefined, 98) : { writes: [], messages: [], runs: [] };
    return {
      writes: [write, ...again.writes],
      messages: again.messages,
      audit: { action: 'source.put', target: 'insights-source', before: current?.value ?? null, after: rekeyed ? { ...next, reimports: again.runs.map((r) => r.runId) } : next },
      result: next,
    };
  }, { rowKey: 'source', ifMatch });
}

const confidentialityKey = 'settings:confidentiality';

export async function getConfidentiality(deps: AdminDeps, tenantId: string): Promise<Confidentiality> {
  return (await deps.store.get(tenantId, confidentialityKey, storedConfidentiality))?.value ?? defaultConfidentiality;
}

/** The thresholds and the ETag of their version (none while the defaults apply). */
export async function readConfidentiality(deps: AdminDeps, principal: Principal): Promise<{ view: Confidentiality; etag: string | undefined }> {
  const stored = await deps.store.get(principal.tenantId, confidentialityKey, storedConfidentiality);
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

export async function putConfidentiality(deps: AdminDeps, principal: Principal, input: Confidentiality, ifMatch?: string): Promise<Confidentiality> {
  const problems = confidentialityProblems(input);
  if (problems.length > 0) throw ruleViolation(problems);
  const result = await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, confidentialityKey, storedConfidentiality);
    const write: Write = current
      ? { op: 'replace', rowKey: confidentialityKey, etag: current.etag, value: input }
      : { op: 'create', rowKey: confidentialityKey, value: input };
    return {
      writes: [write],
      audit: { action: 'confidentiality.put', target: 'settings/confidentiality', before: current?.value ?? defaultConfidentiality, after: input },
      result: input,
    };
  }, { rowKey: confidentialityKey, ifMatch });
  // Reports refuse to serve numbers decided under other settings until they are recomputed.
  await requestReportRefresh(deps, principal.tenantId, await cyclesWithReports(deps, principal.tenantId));
  return result;
}

/** Deletes every imported value of the tenant ("Glint stores a copy ..., which can be deleted at any time"). */
export async function purgeInsightsData(deps: AdminDeps, principal: Principal): Promise<{ runId: string }> {
  return applyChange(deps, principal, async () => {
    const run = newRun({ runId: newRunId('del'), kind: 'delete' }, deps.now());
    return {
      writes: [{ op: 'create', rowKey: runRowKey(run.runId), value: run }],
      audit: { action: 'data.purge', target: 'insights-data', before: null, after: { runId: run.runId } },
      messages: [{ queue: queueNames.reprocess, body: { kind: 'delete', tenantId: principal.tenantId, runId: run.runId, scope: { all: true } } }],
      result: { runId: run.runId },
    };
  });
}
