import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import { requireMetric } from '../domain/metrics';
import { permissionFlags, tenantRanges, tenantRows, type Permissions } from '../storage/tenant-rows';
import type { WorkDeps } from '../work/deps';
import type { catalogView } from './contract';
import { mayUse } from './read';

// What a report reader may open (SPEC section 13): report users cannot list attributes or programs
// (those routes are the administrators'), so the portal learns here which attributes the caller's
// roles may use and how, and which enabled programs' cycles (with their survey items) there are to
// read. Nothing is listed that the report routes would refuse this caller.

type CatalogView = z.infer<typeof catalogView>;

export async function reportCatalog(deps: WorkDeps, principal: Principal): Promise<CatalogView> {
  const { tenantId } = principal;
  const [attributes, programs, items] = await Promise.all([
    deps.store.list(tenantId, tenantRanges.attributes),
    deps.store.list(tenantId, tenantRanges.programs),
    deps.store.list(tenantId, tenantRanges.items),
  ]);
  const usable = attributes
    .map(({ value }) => {
      const metric = requireMetric(value.metricId);
      const flags = Object.fromEntries(permissionFlags.map((flag) => [flag, mayUse(principal, value, flag)])) as Permissions;
      return { metricId: value.metricId, name: metric.name, unit: metric.unit, ...flags };
    })
    .filter((a) => permissionFlags.some((flag) => a[flag]));
  // Someone who may use no attribute has no report to read, so no program is listed either.
  if (usable.length === 0) return { attributes: [], programs: [] };
  const itemsOf = new Map(items.map(({ rowKey, value }) => [rowKey, value.items]));
  return {
    attributes: usable,
    programs: programs
      .filter(({ value }) => value.enabled)
      .map(({ value }) => ({
        programId: value.programId,
        name: value.name,
        cycles: value.cycles.map((cycle) => ({
          ...cycle,
          items: (itemsOf.get(tenantRows.items(value.programId, cycle.cycleId).key) ?? []).map(({ itemId, label, text }) => ({ itemId, label, text })),
        })),
      })),
  };
}
