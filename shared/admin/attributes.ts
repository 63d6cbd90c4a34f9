import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import { DomainError, notFound, ruleViolation, type FieldError } from '../domain/errors';
import { bucketLabels, findMetric, rangeProblems, requireMetric, type Ranges } from '../domain/metrics';
import { create, permissionFlags, remove, replace, tenantRanges, tenantRows, type AttributeRole, type StoredAttribute } from '../storage/tenant-rows';
import { applyChange } from '../work/change';
import { requireConsent } from '../work/consent';
import type { WorkDeps } from '../work/deps';
import { newRun, newRunId, runMessage } from '../work/runs';
import type { attributeView as attributeViewSchema } from './contract';

// Behavioral attributes (SPEC section 7): a metric added once, granted to roles, split by ranges.

type AttributeView = z.infer<typeof attributeViewSchema>;

function viewOf(attribute: StoredAttribute): AttributeView {
  const metric = requireMetric(attribute.metricId);
  return {
    metricId: attribute.metricId,
    name: metric.name,
    unit: metric.unit,
    roles: attribute.roles,
    ranges: { max: attribute.max, labels: bucketLabels(attribute.max), customized: attribute.customized },
    createdAt: attribute.createdAt,
    updatedAt: attribute.updatedAt,
  };
}

/** The grant rules: at least one role, each once, each configured, and no flag the role itself lacks ("greyed out"). */
async function checkGrants(deps: WorkDeps, tenantId: string, grants: AttributeRole[]): Promise<void> {
  const problems: FieldError[] = [];
  if (grants.length === 0) problems.push({ path: 'body.roles', message: 'select at least one role' });
  const roles = new Map((await deps.store.list(tenantId, tenantRanges.roles)).map((r) => [r.value.roleId, r.value]));
  const seen = new Set<string>();
  grants.forEach((grant, i) => {
    if (seen.has(grant.roleId)) problems.push({ path: `body.roles.${i}.roleId`, message: `role ${grant.roleId} is listed twice` });
    seen.add(grant.roleId);
    const role = roles.get(grant.roleId);
    if (!role) {
      problems.push({ path: `body.roles.${i}.roleId`, message: `role ${grant.roleId} is not a configured user role` });
      return;
    }
    for (const flag of permissionFlags) {
      if (grant[flag] && !role.permissions[flag]) {
        problems.push({ path: `body.roles.${i}.${flag}`, message: `role ${grant.roleId} does not have the ${flag} permission (greyed out)` });
      }
    }
  });
  if (problems.length > 0) throw ruleViolation(problems);
}

export async function listAttributes(deps: WorkDeps, principal: Principal): Promise<AttributeView[]> {
  return (await deps.store.list(principal.tenantId, tenantRanges.attributes)).map((a) => viewOf(a.value));
}

/** The attribute, and the ETag of its version (what a later If-Match names). */
export async function getAttribute(deps: WorkDeps, principal: Principal, metricId: string): Promise<{ view: AttributeView; etag: string }> {
  const stored = await deps.store.get(principal.tenantId, tenantRows.attribute(metricId));
  if (!stored) throw notFound(`Attribute ${metricId}`);
  return { view: viewOf(stored.value), etag: stored.etag };
}

export async function createAttribute(deps: WorkDeps, principal: Principal, input: { metricId: string; roles: AttributeRole[] }): Promise<AttributeView> {
  const metric = findMetric(input.metricId);
  if (!metric) throw ruleViolation([{ path: 'body.metricId', message: `unknown metric ${input.metricId} (see GET /api/metrics)` }]);
  await requireConsent(deps, principal.tenantId);
  return applyChange(deps, principal, async () => {
    if (await deps.store.get(principal.tenantId, tenantRows.attribute(metric.id))) {
      throw new DomainError('already-exists', `The metric ${metric.id} is already an attribute; a metric is added once.`);
    }
    await checkGrants(deps, principal.tenantId, input.roles);
    const now = deps.now().toISOString();
    const attribute: StoredAttribute = { metricId: metric.id, roles: input.roles, max: [...metric.defaultMax], customized: false, createdAt: now, updatedAt: now };
    return {
      writes: [create(tenantRows.attribute(metric.id), attribute)],
      audit: { action: 'attribute.create', target: `attribute/${metric.id}`, before: null, after: attribute },
      result: viewOf(attribute),
    };
  });
}

export async function updateAttributeRoles(deps: WorkDeps, principal: Principal, metricId: string, roles: AttributeRole[], ifMatch?: string): Promise<AttributeView> {
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.attribute(metricId));
    if (!current) throw notFound(`Attribute ${metricId}`);
    await checkGrants(deps, principal.tenantId, roles);
    const next: StoredAttribute = { ...current.value, roles, updatedAt: deps.now().toISOString() };
    return {
      writes: [replace(current, next)],
      audit: { action: 'attribute.update', target: `attribute/${metricId}`, before: current.value, after: next },
      result: viewOf(next),
    };
  }, { row: tenantRows.attribute(metricId), ifMatch });
}

/** New maxima for the whole company; every stored value of the metric is re-bucketed by the pipeline. */
export async function setAttributeRanges(deps: WorkDeps, principal: Principal, metricId: string, max: Ranges, ifMatch?: string): Promise<{ runId: string }> {
  const problems = rangeProblems(max, 'body.max');
  if (problems.length > 0) throw ruleViolation(problems);
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.attribute(metricId));
    if (!current) throw notFound(`Attribute ${metricId}`);
    const metric = requireMetric(metricId);
    const now = deps.now();
    const next: StoredAttribute = { ...current.value, max: [...max], customized: max.some((m, i) => m !== metric.defaultMax[i]), updatedAt: now.toISOString() };
    const run = newRun({ runId: newRunId('reb'), kind: 'rebucket', metricId }, now);
    return {
      writes: [
        replace(current, next),
        create(tenantRows.run(run.runId), run),
      ],
      audit: { action: 'attribute.ranges', target: `attribute/${metricId}`, before: current.value, after: next },
      messages: [runMessage(principal.tenantId, run)],
      result: { runId: run.runId },
    };
  }, { row: tenantRows.attribute(metricId), ifMatch });
}

/** Removes the attribute; the pipeline deletes every value imported for it. */
export async function deleteAttribute(deps: WorkDeps, principal: Principal, metricId: string, ifMatch?: string): Promise<{ runId: string }> {
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.attribute(metricId));
    if (!current) throw notFound(`Attribute ${metricId}`);
    const run = newRun({ runId: newRunId('del'), kind: 'delete', metricId }, deps.now());
    return {
      writes: [
        remove(current),
        create(tenantRows.run(run.runId), run),
      ],
      audit: { action: 'attribute.delete', target: `attribute/${metricId}`, before: current.value, after: null },
      messages: [runMessage(principal.tenantId, run)],
      result: { runId: run.runId },
    };
  }, { row: tenantRows.attribute(metricId), ifMatch });
}
