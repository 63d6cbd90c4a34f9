import { conformanceApp, startAzurite, startTestHost, type RunningAzurite, type TestHost } from '../support/local-stack';

let azurite: RunningAzurite;
let stack: TestHost;
let base: string;

interface Echo {
  functionName: string;
  invocationId: string;
  params: Record<string, string>;
  query: Record<string, string>;
  method: string;
  url: string;
  header: string | null;
  body: string | null;
}

const echo = async (response: Response) => (await response.json()) as Echo;

beforeAll(async () => {
  azurite = await startAzurite();
  stack = await startTestHost({ appDir: conformanceApp, settings: { AzureWebJobsStorage: azurite.connectionString, SUNDAY_SCHEDULE: '0 0 6 * * 0' } });
  base = stack.host.url;
});

afterAll(async () => {
  await stack?.host.stop();
  await azurite?.stop();
});

describe('HTTP triggers on the local host', () => {
  it('serves routes under the host.json routePrefix only', async () => {
    expect((await fetch(`${base}/api/items/42`)).status).toBe(200);
    expect((await fetch(`${base}/items/42`)).status).toBe(404);
  });

  it('passes route parameters, optional ones included, percent-decoded, to the handler', async () => {
    const one = await echo(await fetch(`${base}/api/items/a%20b`));
    expect(one.params).toEqual({ id: 'a b' });
    const two = await echo(await fetch(`${base}/api/items/42/7`));
    expect(two.params).toEqual({ id: '42', rev: '7' });
    expect(two.functionName).toBe('echo');
    expect(two.invocationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prefers a literal segment over a parameter, matches literals case-insensitively', async () => {
    expect(await (await fetch(`${base}/api/items/special`)).text()).toBe('the literal route');
    expect(await (await fetch(`${base}/API/Items/SPECIAL`)).text()).toBe('the literal route');
  });

  it('applies route constraints and routes by function name when no route is given', async () => {
    expect(await (await fetch(`${base}/api/typed/12`)).json()).toEqual({ n: '12' });
    expect((await fetch(`${base}/api/typed/twelve`)).status).toBe(404);
    expect(await (await fetch(`${base}/api/byName`)).text()).toBe('routed by function name');
  });

  it('answers 404 for an unknown route and 405 with Allow for a known route and a wrong method', async () => {
    expect((await fetch(`${base}/api/does-not-exist`)).status).toBe(404);
    const wrong = await fetch(`${base}/api/items/special`, { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
  });

  it('hands method, query, headers and body to the handler', async () => {
    const response = await fetch(`${base}/api/items/9?a=1&b=x&b=y`, { method: 'POST', headers: { 'x-test': 'hello' }, body: '{"k":1}' });
    const echoed = await echo(response);
    expect(echoed).toMatchObject({ method: 'POST', header: 'hello', body: '{"k":1}', query: { a: '1', b: 'x,y' } });
    expect(echoed.url).toBe(`${base}/api/items/9?a=1&b=x&b=y`);
  });

  it('turns a handler that returns nothing into 204', async () => {
    const response = await fetch(`${base}/api/nothing`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('answers 500 with an empty body for an uncaught error, logging the stack only on the host', async () => {
    const response = await fetch(`${base}/api/boom`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).toBe('');
    expect(body).not.toContain('secret-internal-detail');
    expect(stack.logs.some((l) => l.level === 'error' && l.message.includes('secret-internal-detail') && l.message.includes('at '))).toBe(true);
  });

  it('writes the status, headers, cookies and body the handler returned', async () => {
    const response = await fetch(`${base}/api/cookie`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('set-cookie')).toBe('a=b; Path=/; HttpOnly');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers 413 for a body over the host limit without invoking the function', async () => {
    const small = await startTestHost({ appDir: conformanceApp, settings: { AzureWebJobsStorage: azurite.connectionString, SUNDAY_SCHEDULE: '0 0 6 * * 0' }, maxRequestBodyBytes: 10 });
    try {
      expect((await fetch(`${small.host.url}/api/items/1`, { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
      expect((await fetch(`${small.host.url}/api/items/1`, { method: 'POST', body: 'x'.repeat(10) })).status).toBe(200);
    } finally {
      await small.host.stop();
    }
  });
});
