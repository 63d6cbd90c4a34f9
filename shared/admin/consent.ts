import type { Principal } from '../auth/principal';
import { DomainError, ruleViolation } from '../domain/errors';
import { currentAgreementVersion, storedConsent, type StoredConsent } from './schemas';
import { cancelInFlight } from '../pipeline/runs';
import { applyChange, type AdminDeps } from './tenant-config';
import type { Write } from '../storage/tenant-store';

// Consent of a Global Administrator to share Viva Insights data with Glint (SPEC section 4).

export interface ConsentView {
  status: 'none' | 'granted' | 'revoked';
  agreementVersion: string;
  grantedBy: string | null;
  grantedAt: string | null;
  revokedAt: string | null;
}

function view(consent: StoredConsent | undefined): ConsentView {
  return {
    status: consent?.status ?? 'none',
    agreementVersion: currentAgreementVersion,
    grantedBy: consent?.grantedBy ?? null,
    grantedAt: consent?.grantedAt ?? null,
    revokedAt: consent?.revokedAt ?? null,
  };
}

export interface ConsentDeps extends AdminDeps {
  /** The multi-tenant app registration that reads Viva Insights, when the deployment has one. */
  insightsAppClientId: string | undefined;
}

/**
 * The consent, and where the Global Administrator grants the app its Viva Insights permission in their
 * own tenant (Entra ID's admin consent), which consenting to share data also needs.
 */
export async function getConsent(deps: ConsentDeps, principal: Principal): Promise<ConsentView & { adminConsentUrl: string | null }> {
  const consent = view((await deps.store.get(principal.tenantId, 'consent', storedConsent))?.value);
  const appId = deps.insightsAppClientId;
  const adminConsentUrl = appId ? `https://login.microsoftonline.com/${principal.tenantId}/adminconsent?client_id=${encodeURIComponent(appId)}` : null;
  return { ...consent, adminConsentUrl };
}

export async function grantConsent(deps: AdminDeps, principal: Principal, agreementVersion: string): Promise<ConsentView> {
  if (agreementVersion !== currentAgreementVersion) {
    throw ruleViolation([{ path: 'body.agreementVersion', message: `must be the current agreement version "${currentAgreementVersion}"` }]);
  }
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, 'consent', storedConsent);
    const next: StoredConsent = {
      status: 'granted',
      agreementVersion,
      grantedBy: principal.objectId,
      grantedAt: deps.now().toISOString(),
      revokedBy: null,
      revokedAt: null,
    };
    const write: Write = current ? { op: 'replace', rowKey: 'consent', value: next, etag: current.etag } : { op: 'create', rowKey: 'consent', value: next };
    return { writes: [write], audit: { action: 'consent.grant', target: 'consent', before: current?.value ?? null, after: next }, result: view(next) };
  });
}

// Imports and re-bucketing still waiting or working when consent goes are cancelled right after the
// revocation commits (and every stage checks consent after it writes, undoing a write that raced the
// revocation). Deletions are never cancelled: a purge asked for before the revocation still completes.
export async function revokeConsent(deps: AdminDeps, principal: Principal): Promise<ConsentView> {
  const revoked = await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, 'consent', storedConsent);
    if (!current) throw new DomainError('not-found', 'No consent has been given, so there is nothing to revoke.');
    if (current.value.status === 'revoked') throw new DomainError('conflict', 'Consent is already revoked.');
    const now = deps.now().toISOString();
    const next: StoredConsent = { ...current.value, status: 'revoked', revokedBy: principal.objectId, revokedAt: now };
    return {
      writes: [{ op: 'replace', rowKey: 'consent', value: next, etag: current.etag }],
      audit: { action: 'consent.revoke', target: 'consent', before: current.value, after: next },
      result: view(next),
    };
  });
  await cancelInFlight(deps, principal.tenantId, 'consent revoked');
  return revoked;
}
