import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { insightsScope, insightsTokenProvider } from '../../shared/insights/insights-credential';

/** A TokenCredential that issues numbered tokens living `lifetimeMs`, and records the scopes asked for. */
class CountingCredential implements TokenCredential {
  readonly scopes: (string | string[])[] = [];
  constructor(private readonly lifetimeMs: number) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.scopes.push(scopes);
    return { token: `token-${this.scopes.length}`, expiresOnTimestamp: Date.now() + this.lifetimeMs };
  }
}

describe('required options', () => {
  it.each([
    [{ kind: 'client-secret' as const }, /"client-secret" needs tenantId, clientId, clientSecret/],
    [{ kind: 'client-secret' as const, tenantId: 't', clientId: 'c' }, /needs clientSecret$/],
    [{ kind: 'static' as const }, /"static" needs staticToken/],
    [{ kind: 'static' as const, staticToken: '' }, /needs staticToken/],
  ])('refuses %j', (options, message) => {
    expect(() => insightsTokenProvider(options)).toThrow(message);
  });

  it('checks the options even when a credential is supplied', () => {
    expect(() => insightsTokenProvider({ kind: 'client-secret', clientId: 'c', credential: new CountingCredential(3_600_000) })).toThrow(/tenantId, clientSecret/);
  });

  it('needs nothing more for managed and workload identity (the SDK reads AZURE_* variables when a token is asked for)', () => {
    expect(typeof insightsTokenProvider({ kind: 'managed-identity' })).toBe('function');
    expect(typeof insightsTokenProvider({ kind: 'managed-identity', clientId: '00000000-0000-0000-0000-000000000001' })).toBe('function');
    expect(typeof insightsTokenProvider({ kind: 'workload-identity', tenantId: 't', clientId: 'c' })).toBe('function');
  });
});

describe('tokens', () => {
  it('hands out the static token, forced or not', async () => {
    const getToken = insightsTokenProvider({ kind: 'static', staticToken: 'simulator-token' });
    expect([await getToken(false), await getToken(true)]).toEqual(['simulator-token', 'simulator-token']);
  });

  it('asks for the Viva Insights scope and caches the token while it has more than five minutes left', async () => {
    const credential = new CountingCredential(60 * 60_000);
    const getToken = insightsTokenProvider({ kind: 'managed-identity', credential });
    expect([await getToken(false), await getToken(false), await getToken(false)]).toEqual(['token-1', 'token-1', 'token-1']);
    expect(credential.scopes).toEqual([insightsScope]);
    expect(insightsScope).toBe('https://workplaceanalytics.office.com/.default');
  });

  it('gets a new token when forced', async () => {
    const credential = new CountingCredential(60 * 60_000);
    const getToken = insightsTokenProvider({ kind: 'client-secret', tenantId: 't', clientId: 'c', clientSecret: 's', credential });
    expect([await getToken(false), await getToken(true), await getToken(false)]).toEqual(['token-1', 'token-2', 'token-2']);
  });

  it('does not reuse a token within five minutes of its expiry', async () => {
    const credential = new CountingCredential(4 * 60_000);
    const getToken = insightsTokenProvider({ kind: 'workload-identity', credential });
    expect([await getToken(false), await getToken(false)]).toEqual(['token-1', 'token-2']);
  });

  it('fails when the credential returns no token', async () => {
    const credential: TokenCredential = { getToken: async () => null };
    await expect(insightsTokenProvider({ kind: 'managed-identity', credential })(false)).rejects.toThrow(/managed-identity credential returned no token/);
  });
});
