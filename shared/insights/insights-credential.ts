import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { mintLocalToken } from '../auth/local-keys';
import type { InsightsAuthKind } from '../config/settings';
import { SourceError } from './source';

// Each organization's token for its own Viva Insights feed. A pull for tenant T asks Entra ID for an
// app-only token *issued by tenant T*; a token of any other tenant never leaves the process for T's
// feed. See the README's "Tenant isolation" for the threat model.

export interface InsightsAuth {
  kind: InsightsAuthKind;
  /** The multi-tenant app registration holding the Viva Insights Analyst permission. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  certificatePath?: string | undefined;
  /** `federated`: the user-assigned managed identity whose token is the client assertion. */
  identityClientId?: string | undefined;
  /** `managed-identity`: the one tenant the deployment serves. */
  allowedTenants?: readonly string[] | undefined;
  /** `local`: the key pair that signs the simulator's tokens. */
  localKeysDir?: string | undefined;
}

/** How credentials are made; the SDK's by default, a recording stand-in in tests. */
export interface CredentialFactory {
  federated(tenantId: string, clientId: string, getAssertion: () => Promise<string>): TokenCredential;
  clientSecret(tenantId: string, clientId: string, secret: string): TokenCredential;
  clientCertificate(tenantId: string, clientId: string, certificatePath: string): TokenCredential;
  managedIdentity(clientId: string | undefined): TokenCredential;
}

export const sdkCredentials: CredentialFactory = {
  federated: (tenantId, clientId, getAssertion) => new ClientAssertionCredential(tenantId, clientId, getAssertion),
  clientSecret: (tenantId, clientId, secret) => new ClientSecretCredential(tenantId, clientId, secret),
  clientCertificate: (tenantId, clientId, certificatePath) => new ClientCertificateCredential(tenantId, clientId, { certificatePath }),
  managedIdentity: (clientId) => (clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential()),
};

export const insightsResource = 'https://workplaceanalytics.office.com';
export const insightsScope = `${insightsResource}/.default`;
/** The audience Entra ID expects of a managed identity's token used as a federated credential. */
export const tokenExchangeScope = 'api://AzureADTokenExchange/.default';

// Handing out a token with minutes left would let it expire mid-page on a slow feed.
const refreshBeforeExpiryMs = 5 * 60_000;
const localTokenSeconds = 3600;

export type TokenProvider = (forceRefresh: boolean) => Promise<string>;

/**
 * Tokens for tenant `tenantId`'s feed. Settings were checked at start-up (settings.ts); what is checked
 * here is the tenant: a single-identity deployment refuses every tenant but its own.
 */
export function insightsTokenProvider(auth: InsightsAuth, tenantId: string, factory: CredentialFactory = sdkCredentials): TokenProvider {
  if (auth.kind === 'local') {
    const keysDir = required(auth.localKeysDir, 'localKeysDir');
    return () => mintLocalToken({ keysDir, audience: insightsResource, tenantId, objectId: 'insights-to-glint', roles: ['Analyst'], expiresInSeconds: localTokenSeconds });
  }
  if (auth.kind === 'managed-identity' && !(auth.allowedTenants?.length === 1 && auth.allowedTenants[0] === tenantId.toLowerCase())) {
    throw new SourceError('this deployment reads Viva Insights for its own organization only (a single managed identity); ask the operator', false);
  }
  const credentialFor = credentialMaker(auth, tenantId, factory);
  // Built when first needed: an SDK credential that cannot work then fails the token request, which
  // the pull reports, instead of the code that merely opens a source.
  let credential: TokenCredential | undefined;
  let cached: AccessToken | undefined;
  return async (forceRefresh) => {
    if (!forceRefresh && cached && cached.expiresOnTimestamp - refreshBeforeExpiryMs > Date.now()) return cached.token;
    // The SDK caches tokens per credential and has no force-refresh option: a new credential is
    // the way to get a token other than the one the feed just refused.
    if (forceRefresh || !credential) credential = credentialFor();
    const token = await credential.getToken(insightsScope);
    if (!token) throw new Error(`the ${auth.kind} credential returned no token for Viva Insights`);
    cached = token;
    return token.token;
  };
}

function credentialMaker(auth: InsightsAuth, tenantId: string, factory: CredentialFactory): () => TokenCredential {
  switch (auth.kind) {
    case 'federated': {
      const clientId = required(auth.clientId, 'clientId');
      const identity = factory.managedIdentity(required(auth.identityClientId, 'identityClientId'));
      const getAssertion = async () => {
        const token = await identity.getToken(tokenExchangeScope);
        if (!token) throw new Error('the managed identity returned no token for the federated credential');
        return token.token;
      };
      return () => factory.federated(tenantId, clientId, getAssertion);
    }
    case 'client-secret': {
      const [clientId, secret] = [required(auth.clientId, 'clientId'), required(auth.clientSecret, 'clientSecret')];
      return () => factory.clientSecret(tenantId, clientId, secret);
    }
    case 'client-certificate': {
      const [clientId, certificatePath] = [required(auth.clientId, 'clientId'), required(auth.certificatePath, 'certificatePath')];
      return () => factory.clientCertificate(tenantId, clientId, certificatePath);
    }
    case 'managed-identity':
      return () => factory.managedIdentity(auth.clientId);
    case 'local':
      throw new Error('local tokens need no credential');
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`Viva Insights authentication needs ${name}`);
  return value;
}
