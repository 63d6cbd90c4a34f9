import type { Principal } from '../auth/principal';
import { DomainError, ruleViolation } from '../domain/errors';
import { storedRun, currentAgreementVersion, storedConsent, type StoredConsent } from './schemas';
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

// Runs still waiting or working when consent goes: cancelled in the same transaction, so nothing
// more is written for the tenant (the pipeline also checks consent before each write).
const maxCancelledInOneChange = 90;

export async function revokeConsent(deps: AdminDeps, principal: Principal): Promise<ConsentView> {
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, 'consent', storedConsent);
    if (!current) throw new DomainError('not-found', 'No consent has been given, so there is nothing to revoke.');
    if (current.value.status === 'revoked') throw new DomainError('conflict', 'Consent is already revoked.');
    const now = deps.now().toISOString();
    const next: StoredConsent = { ...current.value, status: 'revoked', revokedBy: principal.objectId, revokedAt: now };
    const active = (await deps.store.list(principal.tenantId, 'run:', storedRun)).filter((r) => r.value.status === 'queued' || r.value.status === 'running');
    const cancellations: Write[] = active.slice(0, maxCancelledInOneChange).map((run) => ({
      op: 'replace',
      rowKey: run.rowKey,
      etag: run.etag,
      value: { ...run.value, status: 'cancelled', finishedAt: now, error: 'consent revoked' },
    }));
    return {
      writes: [{ op: 'replace', rowKey: 'consent', value: next, etag: current.etag }, ...cancellations],
      audit: { action: 'consent.revoke', target: 'consent', before: current.value, after: next },
      result: view(next),
    };
  });
}
