import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ensureLocalKeys, localIssuer } from '../../shared/auth/local-keys';
import {
  insightsResource,
  insightsScope,
  insightsTokenProvider,
  tokenExchangeScope,
  type CredentialFactory,
  type InsightsAuth,
} from '../../shared/insights/insights-credential';
import { SourceError } from '../../shared/insights/source';

// Each organization's token is asked for in its own tenant. A recording credential factory stands in
// for @azure/identity: it records which credential was made, for which tenant and client, and which
// scopes each credential was asked for, and hands out tokens naming the tenant they were issued in.

const tenantT = '7a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9';
const tenantU = '8b2c3d4e-5f60-4172-93a4-b5c6d7e8f9a0';

interface Made {
  kind: string;
  tenantId?: string;
  clientId?: string;
  scopes: (string | string[])[];
}

class RecordingFactory implements CredentialFactory {
  readonly made: Made[] = [];
  lifetimeMs = 60 * 60_000;
  private issued = 0;
  assertion?: () => Promise<string>;

  private credential(entry: Made): TokenCredential {
    this.made.push(entry);
    return {
      getToken: async (scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> => {
        entry.scopes.push(scopes);
        return { token: `${entry.kind}:${entry.tenantId ?? 'home'}:${++this.issued}`, expiresOnTimestamp: Date.now() + this.lifetimeMs };
      },
    };
  }

  federated(tenantId: string, clientId: string, getAssertion: () => Promise<string>): TokenCredential {
    this.assertion = getAssertion;
    return this.credential({ kind: 'federated', tenantId, clientId, scopes: [] });
  }
  clientSecret(tenantId: string, clientId: string): TokenCredential {
    return this.credential({ kind: 'client-secret', tenantId, clientId, scopes: [] });
  }
  clientCertificate(tenantId: string, clientId: string): TokenCredential {
    return this.credential({ kind: 'client-certificate', tenantId, clientId, scopes: [] });
  }
  managedIdentity(clientId: string | undefined): TokenCredential {
    return this.credential({ kind: 'managed-identity', ...(clientId ? { clientId } : {}), scopes: [] });
  }
}

const federated: InsightsAuth = { kind: 'federated', clientId: 'multi-tenant-app', identityClientId: 'uami-client' };

describe("each organization's token, in its own tenant", () => {
  it.each([
    ['federated', federated],
    ['client-secret', { kind: 'client-secret', clientId: 'multi-tenant-app', clientSecret: 's' }],
    ['client-certificate', { kind: 'client-certificate', clientId: 'multi-tenant-app', certificatePath: '/cert.pem' }],
  ] as [string, InsightsAuth][])('%s: the pull for tenant T asks for a Viva Insights token issued by T, and for U by U', async (kind, auth) => {
    const factory = new RecordingFactory();
    expect(await insightsTokenProvider(auth, tenantT, factory)(false)).toMatch(new RegExp(`^${kind}:${tenantT}:`));
    expect(await insightsTokenProvider(auth, tenantU, factory)(false)).toMatch(new RegExp(`^${kind}:${tenantU}:`));
    const tokenCredentials = factory.made.filter((m) => m.kind === kind);
    expect(tokenCredentials.map((m) => [m.tenantId, m.clientId, m.scopes])).toEqual([
      [tenantT, 'multi-tenant-app', [insightsScope]],
      [tenantU, 'multi-tenant-app', [insightsScope]],
    ]);
  });

  it("federated: the client assertion is the managed identity's token for the token exchange, no secret", async () => {
    const factory = new RecordingFactory();
    await insightsTokenProvider(federated, tenantT, factory)(false);
    const identity = factory.made.find((m) => m.kind === 'managed-identity')!;
    expect(identity).toMatchObject({ clientId: 'uami-client', scopes: [] });
    expect(await factory.assertion!()).toMatch(/^managed-identity:home:/);
    expect(identity.scopes).toEqual([tokenExchangeScope]);
    expect(tokenExchangeScope).toBe('api://AzureADTokenExchange/.default');
  });

  it('managed-identity: serves the one allowed tenant, and refuses every other before any token is asked for', async () => {
    const factory = new RecordingFactory();
    const single: InsightsAuth = { kind: 'managed-identity', clientId: 'uami', allowedTenants: [tenantT] };
    expect(await insightsTokenProvider(single, tenantT.toUpperCase(), factory)(false)).toMatch(/^managed-identity:home:/);
    let refused: unknown;
    try {
      insightsTokenProvider(single, tenantU, factory);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SourceError);
    expect(refused).toMatchObject({ retryable: false, message: expect.stringMatching(/its own organization only/) });
    expect(() => insightsTokenProvider({ kind: 'managed-identity' }, tenantT, factory)).toThrow(SourceError);
    expect(factory.made).toHaveLength(1);
  });

  it("local: a token signed by the local key pair, for Viva Insights, naming the pulling tenant", async () => {
    const keysDir = mkdtempSync(path.join(tmpdir(), 'cred-keys-'));
    const token = await insightsTokenProvider({ kind: 'local', localKeysDir: keysDir }, tenantT)(false);
    const { payload } = await jwtVerify(token, createLocalJWKSet((await ensureLocalKeys(keysDir)).jwks), { audience: insightsResource });
    expect(payload).toMatchObject({ tid: tenantT, iss: localIssuer(tenantT), roles: ['Analyst'] });
  });
});

describe('caching', () => {
  it('caches the token while it has more than five minutes left, and gets a new one when forced', async () => {
    const factory = new RecordingFactory();
    const getToken = insightsTokenProvider(federated, tenantT, factory);
    const first = await getToken(false);
    expect(await getToken(false)).toBe(first);
    const forced = await getToken(true);
    expect(forced).not.toBe(first);
    expect(await getToken(false)).toBe(forced);
    expect(factory.made.filter((m) => m.kind === 'federated').map((m) => m.tenantId)).toEqual([tenantT, tenantT]);
  });

  it('does not reuse a token within five minutes of its expiry', async () => {
    const factory = new RecordingFactory();
    factory.lifetimeMs = 4 * 60_000;
    const getToken = insightsTokenProvider(federated, tenantT, factory);
    expect(await getToken(false)).not.toBe(await getToken(false));
  });

  it('fails when the credential returns no token', async () => {
    const factory = new RecordingFactory();
    factory.federated = () => ({ getToken: async () => null });
    await expect(insightsTokenProvider(federated, tenantT, factory)(false)).rejects.toThrow(/federated credential returned no token/);
  });
});
