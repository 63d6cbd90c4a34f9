import { brokenTokens, glintAdmin, globalAdmin, newTenant, platform, startAppStack, tokenFor, type AppStack } from '../support/app-stack';

let stack: AppStack;
let routes: { method: string; path: string; operationId: string }[];
const tenant = newTenant();

beforeAll(async () => {
  stack = await startAppStack();
  const doc = (await stack.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string; security: unknown[] }>> };
  routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, op]) => op.security.length > 0)
      .map(([method, op]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x1'), operationId: op.operationId })),
  );
});

afterAll(async () => {
  await stack?.stop();
});

describe('authentication on every route but health and openapi.json', () => {
  it('lists the routes to check', () => {
    expect(routes.length).toBeGreaterThanOrEqual(24);
  });

  it('answers 401 with WWW-Authenticate: Bearer and a problem without a token', async () => {
    for (const route of routes) {
      const response = await stack.call(route.method, route.path);
      expect({ route: route.operationId, status: response.status }).toEqual({ route: route.operationId, status: 401 });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    }
  });

  it('refuses expired, wrong-audience, wrong-issuer, other-tenant-issuer, badly signed, alg:none and garbage tokens', async () => {
    const tokens = await brokenTokens(stack, tenant);
    for (const route of routes) {
      for (const [kind, token] of Object.entries(tokens)) {
        const response = await stack.call(route.method, route.path, { token });
        expect({ route: route.operationId, kind, status: response.status }).toEqual({ route: route.operationId, kind, status: 401 });
      }
    }
  });

  it('answers 403 to a valid token without a role allowed on the route', async () => {
    const viewer = await tokenFor(stack, tenant, { roles: ['some-viewer-role'] });
    // Report routes admit any user of the tenant and check the attribute's grants per request: their
    // permission matrix is test/reports/reports.test.ts.
    for (const route of routes.filter((r) => !r.path.startsWith('/api/reports/'))) {
      const response = await stack.call(route.method, route.path, { token: viewer });
      expect({ route: route.operationId, status: response.status }).toEqual({ route: route.operationId, status: 403 });
    }
  });

  it('keeps administrator kinds apart: consent is the Global Administrator’s, configuration the Glint Administrator’s', async () => {
    const glint = await glintAdmin(stack, tenant);
    const global = await globalAdmin(stack, tenant);
    const app = await platform(stack, tenant);
    expect((await stack.call('PUT', '/api/consent', { token: glint, body: { accept: true, agreementVersion: 'x' } })).status).toBe(403);
    expect((await stack.call('DELETE', '/api/consent', { token: app })).status).toBe(403);
    expect((await stack.call('GET', '/api/attributes', { token: global })).status).toBe(403);
    expect((await stack.call('POST', '/api/programs/p1/enable', { token: app })).status).toBe(403);
    expect((await stack.call('GET', '/api/consent', { token: glint })).status).toBe(200);
    expect((await stack.call('PUT', '/api/roles/r1', { token: app, body: { name: 'Managers', permissions: { reportFilters: true, reportSections: true, commentFilters: true } } })).status).toBe(201);
  });
});

describe('anonymous routes', () => {
  it('serves health and the OpenAPI document without a token', async () => {
    expect((await stack.call('GET', '/api/health')).status).toBe(200);
    expect((await stack.call('GET', '/api/openapi.json')).status).toBe(200);
  });
});
