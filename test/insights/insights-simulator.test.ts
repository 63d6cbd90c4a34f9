import { startInsightsSimulator, simulatorEntityPath, type InsightsSimulator } from '../../local/insights-simulator';
import type { RawRecord } from '../../shared/insights/source';

// The simulator's wire format, checked with plain fetch so that it stands on its own, apart from the source.

const auth = { authorization: 'Bearer simulator-token' };
const person = (i: number): RawRecord => ({ PersonId: `person-${i}`, MetricDate: '2024-01-07', 'Meeting hours': i });

let sim: InsightsSimulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function getJson(url: string, headers: Record<string, string> = auth): Promise<{ status: number; headers: Headers; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('pages', () => {
  it('serves OData pages with an absolute next link, and none on the last page', async () => {
    sim = await startInsightsSimulator({ records: Array.from({ length: 20 }, (_, i) => person(i)), pageSize: 10 });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/odata\/query\/sim\/Persons$/);

    const first = await getJson(sim.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
    expect(first.body['@odata.context']).toMatch(/\/\$metadata#Persons$/);
    expect(first.body.value).toHaveLength(10);
    expect(first.body['@odata.nextLink']).toBe(`${sim.url}?$skiptoken=10`);

    const last = await getJson(first.body['@odata.nextLink']);
    expect(last.body.value).toEqual(Array.from({ length: 10 }, (_, i) => person(i + 10)));
    expect(last.body).not.toHaveProperty('@odata.nextLink');
    expect(sim.requests).toEqual([
      { path: simulatorEntityPath, status: 200 },
      { path: `${simulatorEntityPath}?$skiptoken=10`, status: 200 },
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
    sim = await startInsightsSimulator({ records: generate, pageSize: 10 });
    const read = async (skip: number) => (await getJson(`${sim!.url}?$skiptoken=${skip}`)).body.value as RawRecord[];

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
    sim = await startInsightsSimulator({
      records: () => {
        if (fail) throw new Error('generator bug');
        return [person(1)];
      },
    });
    expect((await fetch(sim.url, { headers: auth })).status).toBe(500);
    fail = false;
    expect((await getJson(`${sim.url}?$skiptoken=0`)).body.value).toEqual([person(1)]);
  });
});

describe('requests it refuses', () => {
  beforeEach(async () => {
    sim = await startInsightsSimulator({ records: [person(1)], token: 'the-token' });
  });

  it('wants the bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'the-token' }] as Record<string, string>[]) {
      const response = await getJson(sim!.url, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(response.body.error.code).toBe('InvalidAuthenticationToken');
    }
  });

  it('knows only the Persons entity set, GET, and numeric skip tokens', async () => {
    const headers = { authorization: 'Bearer the-token' };
    expect((await getJson(sim!.url.replace('Persons', 'Other'), headers)).status).toBe(404);
    expect((await getJson(`${sim!.url}?$skiptoken=abc`, headers)).status).toBe(400);
    const post = await fetch(sim!.url, { method: 'POST', headers });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(sim!.requests.map((r) => r.status)).toEqual([404, 400, 405]);
  });
});

describe('faults, each used once, in order', () => {
  it('throttles, fails, expires the token, and drops a page mid-body', async () => {
    sim = await startInsightsSimulator({ records: Array.from({ length: 500 }, (_, i) => person(i)) });
    sim.fault({ kind: '429', retryAfterSeconds: 3 });
    sim.fault({ kind: '429' });
    sim.fault({ kind: '503' });
    sim.fault({ kind: 'expired-token' });
    sim.fault({ kind: 'drop-mid-page' });

    const throttled = await fetch(sim.url, { headers: auth });
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await fetch(sim.url, { headers: auth })).headers.get('retry-after')).toBe('1');
    expect((await fetch(sim.url, { headers: auth })).status).toBe(503);
    const expired = await fetch(sim.url, { headers: auth });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description=".*expired/);

    const dropped = await fetch(sim.url, { headers: auth });
    expect(dropped.status).toBe(200);
    await expect(dropped.text()).rejects.toThrow();

    expect((await getJson(sim.url)).body.value).toHaveLength(500);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 429, 503, 401, 200, 200]);
  });

  it('does not spend a fault on a request without the token', async () => {
    sim = await startInsightsSimulator({ records: [person(1)] });
    sim.fault({ kind: '503' });
    expect((await fetch(sim.url)).status).toBe(401);
    expect((await fetch(sim.url, { headers: auth })).status).toBe(503);
  });
});
