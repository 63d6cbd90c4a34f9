import { simulatorFeedPath } from '../../local/insights-simulator';
import { glintAdmin, globalAdmin, newTenant, startAppStack, type AppStack } from '../support/app-stack';

// How the deployment's Viva Insights credential shapes what tenants may do (the README's "Tenant
// isolation"): a single shared identity serves one organization only; a multi-tenant app links each
// organization's Global Administrator to its admin consent.

describe('a deployment for one organization, reading Viva Insights with its own identity', () => {
  let single: AppStack;
  const home = newTenant();

  beforeAll(async () => {
    single = await startAppStack({ INSIGHTS_AUTH: 'managed-identity', AUTH_ALLOWED_TENANTS: home });
  });

  afterAll(async () => {
    await single?.stop();
    delete process.env.AUTH_ALLOWED_TENANTS;
  });

  it('refuses the tokens of every other tenant (403), and serves its own', async () => {
    const other = await single.call('GET', '/api/attributes', { token: await glintAdmin(single, newTenant()) });
    expect(other).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/does not serve your organization/) } });
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    expect((await single.call('GET', '/api/attributes', { token: await glintAdmin(single, home) })).status).toBe(200);
  });

  it('accepts no loopback feed outside local mode', async () => {
    const admin = await glintAdmin(single, home);
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const response = await single.call('PUT', '/api/insights-source', { token: admin, body: { type: 'odata', url: `http://${host}:7072${simulatorFeedPath(home)}` } });
      expect({ host, status: response.status }).toEqual({ host, status: 422 });
    }
    expect((await single.call('GET', '/api/consent', { token: await globalAdmin(single, home) })).body.adminConsentUrl).toBeNull();
  });
});

describe('a multi-tenant deployment', () => {
  let multi: AppStack;
  const appId = '0d1e2f30-4152-4637-a8b9-cadbecfd0e1f';

  beforeAll(async () => {
    multi = await startAppStack({ INSIGHTS_AUTH: 'federated', INSIGHTS_CLIENT_ID: appId, INSIGHTS_IDENTITY_CLIENT_ID: 'uami-client-id' });
  });

  afterAll(async () => {
    await multi?.stop();
  });

  it('links each Global Administrator to the admin consent of the app in their own tenant', async () => {
    const tenantId = newTenant();
    const consent = await multi.call('GET', '/api/consent', { token: await globalAdmin(multi, tenantId) });
    expect(consent.body.adminConsentUrl).toBe(`https://login.microsoftonline.com/${tenantId}/adminconsent?client_id=${appId}`);
  });
});
