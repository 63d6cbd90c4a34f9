import { DomainError } from '../domain/errors';
import { tenantRows } from '../storage/tenant-rows';
import type { WorkDeps } from './deps';

// The consent gate (SPEC section 4): nothing reads, imports or shows Viva Insights data of a tenant
// whose Global Administrator has not consented, or has revoked consent. Deletions pass it.

export async function consentGranted(deps: WorkDeps, tenantId: string): Promise<boolean> {
  return (await deps.store.get(tenantId, tenantRows.consent))?.value.status === 'granted';
}

export const consentRequired = () => new DomainError('consent-required', 'A Global Administrator must consent to share Viva Insights data with Glint first (PUT /api/consent).');

export async function requireConsent(deps: WorkDeps, tenantId: string): Promise<void> {
  if (!(await consentGranted(deps, tenantId))) throw consentRequired();
}
