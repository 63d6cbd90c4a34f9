import type { Principal } from '../auth/principal';
import { DomainError, notFound } from '../domain/errors';
import { bucketLabels } from '../domain/metrics';
import { tenantRows, type Permissions, type StoredAttribute, type StoredAttributeReport, type StoredReportState } from '../storage/tenant-rows';
import { consentGranted, consentRequired } from '../work/consent';
import type { WorkDeps } from '../work/deps';
import { getConfidentiality } from '../work/tenant-settings';
import type { ReportCommentStore } from './comment-store';

// The report routes (SPEC section 13): who may see which attribute's report, and the stored, already
// decided report itself. Every number served comes from the report job, which only stores what
// confidentiality allows; these functions add the labels and check permissions and freshness.

export interface ReportReadDeps extends WorkDeps {
  reportComments: ReportCommentStore;
}

type Group = StoredAttributeReport['groups'][number];

/** Glint Administrators see every report; anyone else needs the flag on the attribute for one of their roles. */
export function mayUse(principal: Principal, attribute: StoredAttribute, permission: keyof Permissions): boolean {
  return principal.isGlintAdmin || attribute.roles.some((grant) => grant[permission] && principal.roles.includes(grant.roleId));
}

const sameSettings = (a: object | null, b: object) => a !== null && JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

interface LoadedReport {
  state: StoredReportState;
  report: StoredAttributeReport;
  labels: string[];
}

async function loadReport(deps: WorkDeps, principal: Principal, programId: string, cycleId: string, metricId: string, permission: keyof Permissions): Promise<LoadedReport> {
  const { tenantId } = principal;
  const [attribute, consented, settings, state, report] = await Promise.all([
    deps.store.get(tenantId, tenantRows.attribute(metricId)),
    consentGranted(deps, tenantId),
    getConfidentiality(deps, tenantId),
    deps.store.get(tenantId, tenantRows.reportState(programId, cycleId)),
    deps.store.get(tenantId, tenantRows.attributeReport(programId, cycleId, metricId)),
  ]);
  if (!attribute) throw notFound(`Attribute ${metricId}`);
  if (!mayUse(principal, attribute.value, permission)) {
    throw new DomainError('forbidden', `None of your roles may use attribute ${metricId} in ${permission === 'reportSections' ? 'report sections' : permission === 'reportFilters' ? 'report filters' : 'comment filters'}.`);
  }
  if (!consented) throw consentRequired();
  if (!state || !report || state.value.unavailable !== null) {
    const program = await deps.store.get(tenantId, tenantRows.program(programId));
    if (!program?.value.cycles.some((c) => c.cycleId === cycleId)) throw notFound(`Cycle ${cycleId} of program ${programId}`);
    const reason = state?.value.unavailable ?? (state && state.value.computedSeq < state.value.requestedSeq ? 'it is being computed' : `no report has been computed for attribute ${metricId} yet (it needs survey responses and an import run that includes the attribute)`);
    throw new DomainError('report-unavailable', `There is no report for cycle ${cycleId} of program ${programId}: ${reason}.`);
  }
  // Reports decided under other (possibly looser) settings must not be served; the change of settings
  // queued their recomputation.
  if (!sameSettings(state.value.settings, settings)) {
    throw new DomainError('report-unavailable', 'The confidentiality settings changed; the reports of this cycle are being recomputed. Try again shortly.');
  }
  return { state: state.value, report: report.value, labels: [...bucketLabels(report.value.max), 'No data'] };
}

function groupView(loaded: LoadedReport, group: Group) {
  return {
    group: group.group,
    label: loaded.labels[group.group === 'none' ? 4 : Number(group.group) - 1]!,
    status: group.status,
    respondents: group.status === 'ok' ? group.respondents : null,
    items: loaded.state.itemIds.map((itemId, i) => {
      const score = group.status === 'ok' ? group.items[i] : null;
      return { itemId, score: score ? score[0] : null, favorable: score ? score[1] : null };
    }),
  };
}

const meta = (loaded: LoadedReport, programId: string, cycleId: string) => ({ programId, cycleId, metricId: loaded.report.metricId, computedAt: loaded.state.computedAt ?? '' });

/** GET …/behaviors/{metricId}: every group of one attribute (report sections). */
export async function behaviorReport(deps: WorkDeps, principal: Principal, programId: string, cycleId: string, metricId: string) {
  const loaded = await loadReport(deps, principal, programId, cycleId, metricId, 'reportSections');
  return { ...meta(loaded, programId, cycleId), groups: loaded.report.groups.map((g) => groupView(loaded, g)) };
}

function findGroup(loaded: LoadedReport, group: string): Group {
  const found = loaded.report.groups.find((g) => g.group === group);
  if (!found) throw new Error(`stored report of ${loaded.report.metricId} lacks group ${group}`);
  return found;
}

/** GET …/items?filter=metric:bucket: the item scores of one group (report filters). */
export async function itemReport(deps: WorkDeps, principal: Principal, programId: string, cycleId: string, filter: { metricId: string; group: string }) {
  const loaded = await loadReport(deps, principal, programId, cycleId, filter.metricId, 'reportFilters');
  return { ...meta(loaded, programId, cycleId), group: groupView(loaded, findGroup(loaded, filter.group)) };
}

/** GET …/comments?filter=metric:bucket: one group's comments, a page at a time (comment filters). */
export async function commentReport(deps: ReportReadDeps, principal: Principal, programId: string, cycleId: string, filter: { metricId: string; group: string }, continuationToken: string | undefined) {
  const loaded = await loadReport(deps, principal, programId, cycleId, filter.metricId, 'commentFilters');
  const group = findGroup(loaded, filter.group);
  const page = continuationToken === undefined ? 0 : Number(continuationToken);
  const shown = group.status === 'ok' && group.showComments && loaded.state.commentsGeneration !== null;
  const comments = shown && page < group.commentPages ? await deps.reportComments.page({ tenantId: principal.tenantId, programId, cycleId }, loaded.state.commentsGeneration!, filter.metricId, filter.group, page) : [];
  const { items: _items, respondents: _respondents, ...summary } = groupView(loaded, group);
  return {
    ...meta(loaded, programId, cycleId),
    ...summary,
    commentsShown: shown,
    comments,
    continuationToken: shown && page + 1 < group.commentPages ? String(page + 1) : null,
  };
}
