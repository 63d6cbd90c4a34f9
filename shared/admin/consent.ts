import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import { DomainError, ruleViolation } from '../domain/errors';
import { put, replace, tenantRows, type StoredConsent } from '../storage/tenant-rows';
import { applyChange } from '../work/change';
import type { WorkDeps } from '../work/deps';
import { cancelInFlight } from '../work/runs';
import { currentAgreementVersion, type consentView } from './contract';

// Consent of a Global Administrator to share Viva Insights data with Glint (SPEC section 4).

type ConsentView = z.infer<typeof consentView>;

function view(consent: StoredConsent | undefined): ConsentView {
  return {
    status: consent?.status ?? 'none',
    agreementVersion: currentAgreementVersion,
    grantedBy: consent?.grantedBy ?? null,
    grantedAt: consent?.grantedAt ?? null,
    revokedAt: consent?.revokedAt ?? null,
  };
}

export interface ConsentDeps extends WorkDeps {
  /** The multi-tenant app registration that reads Viva Insights, when the deployment has one. */
  insightsAppClientId: string | undefined;
}

/**
 * The consent, and where the Global Administrator grants the app its Viva Insights permission in their
 * own tenant (Entra ID's admin consent), which consenting to share data also needs.
 */
export async function getConsent(deps: ConsentDeps, principal: Principal): Promise<ConsentView & { adminConsentUrl: string | null }> {
  const consent = view((await deps.store.get(principal.tenantId, tenantRows.consent))?.value);
  const appId = deps.insightsAppClientId;
  const adminConsentUrl = appId ? `https://login.microsoftonline.com/${principal.tenantId}/adminconsent?client_id=${encodeURIComponent(appId)}` : null;
  return { ...consent, adminConsentUrl };
}

export async function grantConsent(deps: WorkDeps, principal: Principal, agreementVersion: string): Promise<ConsentView> {
  if (agreementVersion !== currentAgreementVersion) {
    throw ruleViolation([{ path: 'body.agreementVersion', message: `must be the current agreement version "${currentAgreementVersion}"` }]);
  }
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.consent);
    const next: StoredConsent = {
      status: 'granted',
      agreementVersion,
      grantedBy: principal.objectId,
      grantedAt: deps.now().toISOString(),
      revokedBy: null,
      revokedAt: null,
    };
    return { writes: [put(tenantRows.consent, current, next)], audit: { action: 'consent.grant', target: 'consent', before: current?.value ?? null, after: next }, result: view(next) };
  });
}

// Imports and re-bucketing still waiting or working when consent goes are cancelled right after the
// revocation commits (and every stage checks consent after it writes, undoing a write that raced the
// revocation). Deletions are never cancelled: a purge asked for before the revocation still completes.
export async function revokeConsent(deps: WorkDeps, principal: Principal): Promise<ConsentView> {
  const revoked = await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.consent);
    if (!current) throw new DomainError('not-found', 'No consent has been given, so there is nothing to revoke.');
    if (current.value.status === 'revoked') throw new DomainError('conflict', 'Consent is already revoked.');
    const now = deps.now().toISOString();
    const next: StoredConsent = { ...current.value, status: 'revoked', revokedBy: principal.objectId, revokedAt: now };
    return {
      writes: [replace(current, next)],
      audit: { action: 'consent.revoke', target: 'consent', before: current.value, after: next },
      result: view(next),
    };
  });
  await cancelInFlight(deps, principal.tenantId, 'consent revoked');
  return revoked;
}
