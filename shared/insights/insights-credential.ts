import { ClientSecretCredential, ManagedIdentityCredential, WorkloadIdentityCredential, type AccessToken, type TokenCredential } from '@azure/identity';

// Tokens for the Viva Insights OData feed, in the shape the OData source asks for them.

export type InsightsAuthKind = 'managed-identity' | 'client-secret' | 'workload-identity' | 'static';

export interface InsightsTokenOptions {
  kind: InsightsAuthKind;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** 'static' only: the token the local simulator expects. */
  staticToken?: string;
  /** Replaces the credential `kind` would build; it is then also used for forced refreshes. */
  credential?: TokenCredential;
}

export const insightsScope = 'https://workplaceanalytics.office.com/.default';

// Handing out a token with minutes left would let it expire mid-page on a slow feed.
const refreshBeforeExpiryMs = 5 * 60_000;

const requiredOptions: Record<InsightsAuthKind, (keyof InsightsTokenOptions)[]> = {
  'managed-identity': [],
  'client-secret': ['tenantId', 'clientId', 'clientSecret'],
  // The Azure workload-identity webhook supplies the tenant, client and token file through AZURE_* variables.
  'workload-identity': [],
  static: ['staticToken'],
};

export function insightsTokenProvider(options: InsightsTokenOptions): (forceRefresh: boolean) => Promise<string> {
  const missing = requiredOptions[options.kind].filter((key) => !options[key]);
  if (missing.length > 0) throw new Error(`Viva Insights authentication "${options.kind}" needs ${missing.join(', ')}`);
  const { kind } = options;
  if (kind === 'static') {
    const token = options.staticToken!;
    return () => Promise.resolve(token);
  }

  // Built when first needed: an SDK credential that cannot work (e.g. no federated token file) then
  // fails the token request, which the pull reports, instead of the code that merely opens a source.
  let credential: TokenCredential | undefined;
  let cached: AccessToken | undefined;
  return async (forceRefresh) => {
    if (!forceRefresh && cached && cached.expiresOnTimestamp - refreshBeforeExpiryMs > Date.now()) return cached.token;
    // The SDK caches tokens per credential and has no force-refresh option: a new credential is
    // the way to get a token other than the one the feed just refused.
    if (forceRefresh || !credential) credential = options.credential ?? buildCredential(kind, options);
    const token = await credential.getToken(insightsScope);
    if (!token) throw new Error(`the ${kind} credential returned no token for Viva Insights`);
    cached = token;
    return token.token;
  };
}

// Required options were checked up front, hence the non-null assertions.
function buildCredential(kind: Exclude<InsightsAuthKind, 'static'>, { tenantId, clientId, clientSecret }: InsightsTokenOptions): TokenCredential {
  switch (kind) {
    case 'managed-identity':
      return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
    case 'client-secret':
      return new ClientSecretCredential(tenantId!, clientId!, clientSecret!);
    case 'workload-identity':
      return new WorkloadIdentityCredential({ tenantId, clientId });
  }
}
