import { defaultDataQualityRules, type DataQualityRules } from '../domain/data-quality';
import { defaultConfidentiality, tenantRows, type Confidentiality } from '../storage/tenant-rows';
import type { WorkDeps } from './deps';

// The tenant settings every stage applies, with their defaults while an administrator has set none
// (the admin routes that change them: shared/admin/tenant-settings.ts).

export async function getConfidentiality(deps: WorkDeps, tenantId: string): Promise<Confidentiality> {
  return (await deps.store.get(tenantId, tenantRows.confidentiality))?.value ?? defaultConfidentiality;
}

/** The rules the tenant's imports apply (all off until an administrator switches one on). */
export async function getDataQualityRules(deps: WorkDeps, tenantId: string): Promise<DataQualityRules> {
  const stored = await deps.store.get(tenantId, tenantRows.dataQuality);
  return stored ? rulesOf(stored.value) : defaultDataQualityRules;
}

export const rulesOf = ({ holidayWeeks, inactiveWeeks, nonKnowledgeWorkers }: DataQualityRules): DataQualityRules => ({ holidayWeeks, inactiveWeeks, nonKnowledgeWorkers });
