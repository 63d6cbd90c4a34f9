import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startInsightsSimulator, simulatorFeedPath, type InsightsSimulator, type InsightsSimulatorOptions } from '../../local/insights-simulator';
import { mintLocalToken } from '../../shared/auth/local-keys';
import { insightsResource } from '../../shared/insights/insights-credential';
import type { RawRecord } from '../../shared/insights/source';

// The simulator's wire format, checked with plain fetch so that it stands on its own, apart from the source.

const keysDir = mkdtempSync(path.join(tmpdir(), 'sim-keys-'));
const tenant = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const otherTenant = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const tokenOf = (tenantId: string, audience = insightsResource) => mintLocalToken({ keysDir, audience, tenantId });
let auth: Record<string, string>;

beforeAll(async () => {
  auth = { authorization: `Bearer ${await tokenOf(tenant)}` };
});

const start = (options: Omit<InsightsSimulatorOptions, 'keysDir'>): Promise<InsightsSimulator> => startInsightsSimulator({ ...options, keysDir });
const feed = () => sim.feedUrl(tenant);
const person = (i: number): RawRecord => ({ PersonId: `person-${i}`, MetricDate: '2024-01-07', 'Meeting hours': i });

let sim: InsightsSimulator;

afterEach(async () => {
  await sim?.stop();
});

async function getJson(url: string, headers: Record<string, string> = auth): Promise<{ status: number; headers: Headers; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('pages', () => {
  it('serves OData pages with an absolute next link, and none on the last page', async () => {
    sim = await start({ records: Array.from({ length: 20 }, (_, i) => person(i)), pageSize: 10 });
    expect(feed()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${tenant}/scopes/sim/jobsOData/person-query/Persons$`));

    const first = await getJson(feed());
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
    expect(first.body['@odata.context']).toMatch(/\/\$metadata#Persons$/);
    expect(first.body.value).toHaveLength(10);
    expect(first.body['@odata.nextLink']).toBe(`${feed()}?$skiptoken=10`);

    const last = await getJson(first.body['@odata.nextLink']);
    expect(last.body.value).toEqual(Array.from({ length: 10 }, (_, i) => person(i + 10)));
    expect(last.body).not.toHaveProperty('@odata.nextLink');
    expect(sim.requests).toEqual([
      { path: simulatorFeedPath(tenant), status: 200, tokenTenant: tenant },
      { path: `${simulatorFeedPath(tenant)}?$skiptoken=10`, status: 200, tokenTenant: tenant },
    ]);
  });

  it('reads generated records page by page from one iterator, restarting only for an earlier page', async () => {
    let runs = 0;
    let produced = 0;
    function* generate(): Iterable<RawRecord> {
      runs++;
      for (let i = 0; i < 25; i++) {
        produced++;
        yield person(i);
      }
    }
    sim = await start({ records: generate, pageSize: 10 });
    const read = async (skip: number) => (await getJson(`${feed()}?$skiptoken=${skip}`)).body.value as RawRecord[];

    expect(await read(0)).toEqual(Array.from({ length: 10 }, (_, i) => person(i)));
    expect(await read(10)).toEqual(Array.from({ length: 10 }, (_, i) => person(i + 10)));
    expect(await read(10)).toHaveLength(10); // a retry of the same page
    expect(await read(20)).toEqual(Array.from({ length: 5 }, (_, i) => person(i + 20)));
    expect({ runs, produced }).toEqual({ runs: 1, produced: 25 });

    expect(await read(10)).toEqual(Array.from({ length: 10 }, (_, i) => person(i + 10)));
    expect(runs).toBe(2);
  });

  it('answers a records function that throws with a 500, and keeps serving', async () => {
    let fail = true;
    sim = await start({
      records: () => {
        if (fail) throw new Error('generator bug');
        return [person(1)];
      },
    });
    expect((await fetch(feed(), { headers: auth })).status).toBe(500);
    fail = false;
    expect((await getJson(`${feed()}?$skiptoken=0`)).body.value).toEqual([person(1)]);
  });
});

describe('requests it refuses', () => {
  beforeEach(async () => {
    sim = await start({ records: [person(1)] });
  });

  it('wants a Viva Insights token signed by the key pair', async () => {
    const token = await tokenOf(tenant);
    const otherAudience = await tokenOf(tenant, 'api://insights-to-glint');
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: token }, { authorization: `Bearer ${otherAudience}` }] as Record<string, string>[]) {
      const response = await getJson(feed(), headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(response.body.error.code).toBe('InvalidAuthenticationToken');
    }
  });

  it("refuses a token of another tenant on a tenant's query (Viva Insights' tenant boundary)", async () => {
    const response = await getJson(sim.feedUrl(tenant), { authorization: `Bearer ${await tokenOf(otherTenant)}` });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('Forbidden');
    expect((await getJson(sim.feedUrl(otherTenant), { authorization: `Bearer ${await tokenOf(otherTenant)}` })).status).toBe(200);
    expect(sim.requests.map((r) => [r.status, r.tokenTenant])).toEqual([
      [403, otherTenant],
      [200, otherTenant],
    ]);
  });

  it('knows only the Persons entity set, GET, and numeric skip tokens', async () => {
    const headers = auth;
    expect((await getJson(feed().replace('Persons', 'Other'), headers)).status).toBe(404);
    expect((await getJson(`${feed()}?$skiptoken=abc`, headers)).status).toBe(400);
    const post = await fetch(feed(), { method: 'POST', headers });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(sim.requests.map((r) => r.status)).toEqual([404, 400, 405]);
  });
});

describe('faults, each used once, in order', () => {
  it('throttles, fails, expires the token, and drops a page mid-body', async () => {
    sim = await start({ records: Array.from({ length: 500 }, (_, i) => person(i)) });
    sim.fault({ kind: '429', retryAfterSeconds: 3 });
    sim.fault({ kind: '429' });
    sim.fault({ kind: '503' });
    sim.fault({ kind: 'expired-token' });
    sim.fault({ kind: 'drop-mid-page' });

    const throttled = await fetch(feed(), { headers: auth });
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await fetch(feed(), { headers: auth })).headers.get('retry-after')).toBe('1');
    expect((await fetch(feed(), { headers: auth })).status).toBe(503);
    const expired = await fetch(feed(), { headers: auth });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description=".*expired/);

    const dropped = await fetch(feed(), { headers: auth });
    expect(dropped.status).toBe(200);
    await expect(dropped.text()).rejects.toThrow();

    expect((await getJson(feed())).body.value).toHaveLength(500);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 429, 503, 401, 200, 200]);
  });

  it('sends a next link elsewhere, loops, and redirects', async () => {
    sim = await start({ records: Array.from({ length: 30 }, (_, i) => person(i)), pageSize: 10 });
    sim.fault({ kind: 'next-link', url: 'http://127.0.0.1:9/elsewhere' });
    sim.fault({ kind: 'loop' });
    sim.fault({ kind: 'redirect', location: 'http://127.0.0.1:9/moved' });
    expect((await getJson(feed())).body['@odata.nextLink']).toBe('http://127.0.0.1:9/elsewhere');
    expect((await getJson(`${feed()}?$skiptoken=10`)).body['@odata.nextLink']).toBe(`${feed()}?$skiptoken=10`);
    const redirected = await fetch(feed(), { headers: auth, redirect: 'manual' });
    expect([redirected.status, redirected.headers.get('location')]).toEqual([302, 'http://127.0.0.1:9/moved']);
  });

  it('does not spend a fault on a request without the token', async () => {
    sim = await start({ records: [person(1)] });
    sim.fault({ kind: '503' });
    expect((await fetch(feed())).status).toBe(401);
    expect((await fetch(feed(), { headers: auth })).status).toBe(503);
  });
});
