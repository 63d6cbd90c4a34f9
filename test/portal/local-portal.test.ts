import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/local-stack';
import { newTenant, startAppStack, type AppStack } from '../support/app-stack';

// The local host's portal and sign-in (local/portal-server.ts): the built files beside /api, the
// runtime configuration, and a token route that exists only on the local host.

let stack: AppStack;
let plain: AppStack;

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'portal', 'dist', 'index.html'))) throw new Error('portal/dist is missing: run npm run build (npm test does)');
  stack = await startAppStack({}, { portal: true });
  plain = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
  await plain?.stop();
});

describe('the portal on the local host', () => {
  it('serves the app at / and at client routes, assets with their type, and 404 for a missing asset', async () => {
    for (const route of ['/', '/manage', '/reports']) {
      const page = await fetch(`${stack.url}${route}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<div id="root">');
    }
    const html = await (await fetch(`${stack.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${stack.url}${script}`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${stack.url}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${stack.url}/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
  });

  it('hands the portal its configuration: local sign-in with personas', async () => {
    const config = (await (await fetch(`${stack.url}/config.json`)).json()) as { auth: { personas: { label: string }[] } };
    expect(config).toMatchObject({ apiBaseUrl: '', auth: { mode: 'local', tokenUrl: '/local/token' } });
    expect(config.auth.personas.map((p: { label: string }) => p.label)).toEqual(expect.arrayContaining(['Global Administrator', 'Glint Administrator', 'Report viewer (Managers)']));
  });

  it('mints a token the API accepts for the persona chosen, and nothing more', async () => {
    const tenantId = newTenant();
    const signIn = async (persona: string) => ((await (await fetch(`${stack.url}/local/token`, { method: 'POST', body: JSON.stringify({ persona, tenantId }) })).json()) as { token: string }).token;
    const glint = await signIn('glint-admin');
    expect((await stack.call('GET', '/api/attributes', { token: glint })).status).toBe(200);
    expect((await stack.call('PUT', '/api/consent', { token: glint, body: { accept: true, agreementVersion: 'x' } })).status).toBe(403);
    const viewer = await signIn('viewer-managers');
    expect((await stack.call('GET', '/api/attributes', { token: viewer })).status).toBe(403);
    expect((await stack.call('GET', '/api/reports/catalog', { token: viewer })).status).toBe(200);
  });

  it('refuses a bad sign-in request with a problem naming the field', async () => {
    const response = await fetch(`${stack.url}/local/token`, { method: 'POST', body: JSON.stringify({ persona: 'root', tenantId: 'nope' }) });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.persona', 'body.tenantId']);
    expect((await fetch(`${stack.url}/local/token`)).status).toBe(405);
  });

  it('is not part of the Functions app: a host without the portal has no sign-in route', async () => {
    expect((await fetch(`${plain.url}/local/token`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${plain.url}/config.json`)).status).toBe(404);
    const functions = plain.host.functions.map((f) => (typeof f.trigger.route === 'string' ? f.trigger.route : ''));
    expect(functions.some((route) => /token|local/i.test(route))).toBe(false);
  });
});
