import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startInsightsSimulator, simulatorFeedPath, type InsightsSimulator } from '../../local/insights-simulator';
import { mintLocalToken } from '../../shared/auth/local-keys';
import { insightsResource } from '../../shared/insights/insights-credential';
import { createODataSource, type ODataSourceOptions } from '../../shared/insights/odata-source';
import { SourceError, type PersonQuerySource, type RawRecord } from '../../shared/insights/source';
import { recordsOf } from '../support/pages';
import { startRecordingListener } from '../support/recording-listener';

// The OData source against the local simulator over real HTTP; only the page-shape checks replace
// fetch, because the simulator never sends a malformed page.

const keysDir = mkdtempSync(path.join(tmpdir(), 'odata-keys-'));
const tenant = '2b3c4d5e-6f70-4a81-9b2c-3d4e5f6a7b8c';
let token: string;

beforeAll(async () => {
  token = await mintLocalToken({ keysDir, audience: insightsResource, tenantId: tenant });
});
const records: RawRecord[] = Array.from({ length: 25 }, (_, i) => ({
  PersonId: `person-${i + 1}`,
  MetricDate: '2024-01-07',
  'Collaboration hours': i + 0.5,
  IsActive: i % 2 === 0,
  Organization: i % 3 === 0 ? null : 'Sales',
}));

let sim: InsightsSimulator;
let delays: number[];
let tokenRequests: boolean[];

beforeEach(async () => {
  sim = await startInsightsSimulator({ records, pageSize: 10, keysDir });
  delays = [];
  tokenRequests = [];
});

afterEach(async () => {
  await sim.stop();
});

function source(overrides: Partial<ODataSourceOptions> = {}): PersonQuerySource {
  return createODataSource({
    url: sim.feedUrl(tenant),
    getToken: async (forceRefresh) => {
      tokenRequests.push(forceRefresh);
      return token;
    },
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    ...overrides,
  });
}

async function readPages(from: PersonQuerySource, signal?: AbortSignal): Promise<RawRecord[][]> {
  const pages: RawRecord[][] = [];
  for await (const page of from.pages(signal)) pages.push(recordsOf(page));
  return pages;
}

/** The SourceError a read ends with; it must never carry the token, in its message or its causes. */
async function failure(from: PersonQuerySource): Promise<SourceError> {
  try {
    await readPages(from);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    for (let e: unknown = error; e; e = (e as Error).cause) expect(String((e as Error).message)).not.toContain(token);
    return error as SourceError;
  }
  throw new Error('expected a SourceError');
}

const pagePaths = [simulatorFeedPath(tenant), `${simulatorFeedPath(tenant)}?$skiptoken=10`, `${simulatorFeedPath(tenant)}?$skiptoken=20`];

describe('paging', () => {
  it('follows @odata.nextLink until the last page, yielding each page as sent', async () => {
    const pages = await readPages(source());
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(records);
    expect(sim.requests).toEqual(pagePaths.map((path) => ({ path, status: 200, tokenTenant: tenant })));
    expect(delays).toEqual([]);
  });

  it('asks for a token before each request, forcing none', async () => {
    await readPages(source());
    expect(tokenRequests).toEqual([false, false, false]);
  });
});

describe('transient faults are retried per request', () => {
  it('waits exactly as long as Retry-After says after a 429', async () => {
    sim.fault({ kind: '429', retryAfterSeconds: 7 });
    expect((await readPages(source())).flat()).toEqual(records);
    expect(delays).toEqual([7000]);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 200, 200, 200]);
  });

  it('waits at most five minutes, whatever Retry-After says', async () => {
    sim.fault({ kind: '429', retryAfterSeconds: 3600 });
    await readPages(source());
    expect(delays).toEqual([300_000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const retryAt = new Date(Date.now() + 30_000).toUTCString();
    let answered = false;
    const fetchOnce503: typeof fetch = async (input, init) => {
      if (answered) return fetch(input, init);
      answered = true;
      return new Response('busy', { status: 503, headers: { 'retry-after': retryAt } });
    };
    await readPages(source({ fetch: fetchOnce503 }));
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(28_000);
    expect(delays[0]).toBeLessThanOrEqual(30_000);
  });

  it('backs off exponentially with full jitter after 503s', async () => {
    sim.fault({ kind: '503' });
    sim.fault({ kind: '503' });
    sim.fault({ kind: '503' });
    expect((await readPages(source({ baseDelayMs: 100, maxDelayMs: 300 }))).flat()).toEqual(records);
    // min(maxDelay, base * 2^retry) * random(), random() = 0.5
    expect(delays).toEqual([50, 100, 150]);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 503, 200, 200, 200]);
  });

  it('asks again for a page whose connection dropped halfway', async () => {
    sim.fault({ kind: 'drop-mid-page' });
    const pages = await readPages(source());
    expect(pages.flat()).toEqual(records);
    expect(sim.requests.map((r) => r.path)).toEqual([pagePaths[0], ...pagePaths]);
    expect(delays).toHaveLength(1);
  });

  it('treats a 200 whose body is cut short as a network fault', async () => {
    let answered = false;
    const truncatedOnce: typeof fetch = async (input, init) => {
      if (answered) return fetch(input, init);
      answered = true;
      return new Response('{"value": [{"PersonId": "person-1", "Collab', { status: 200 });
    };
    expect((await readPages(source({ fetch: truncatedOnce }))).flat()).toEqual(records);
    expect(delays).toHaveLength(1);
  });

  it('retries a refused connection, then gives up with a retryable error naming it', async () => {
    const url = sim.feedUrl(tenant);
    await sim.stop();
    const error = await failure(source({ url, maxAttempts: 2 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/after 2 attempts .*ECONNREFUSED/);
    sim = await startInsightsSimulator({ records, keysDir });
  });

  it('gives up after maxAttempts with a retryable error that counts them', async () => {
    for (let i = 0; i < 4; i++) sim.fault({ kind: '503' });
    const error = await failure(source({ maxAttempts: 4 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/after 4 attempts \(last: HTTP 503\)/);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(delays).toHaveLength(3);
  });

  it('gives up after the default six attempts', async () => {
    for (let i = 0; i < 6; i++) sim.fault({ kind: '503' });
    const error = await failure(source());
    expect(error.message).toMatch(/after 6 attempts/);
    expect(sim.requests).toHaveLength(6);
  });
});

describe('tokens', () => {
  it('gets a fresh token once when the current one has expired', async () => {
    sim.fault({ kind: 'expired-token' });
    expect((await readPages(source())).flat()).toEqual(records);
    expect(tokenRequests.filter((force) => force)).toHaveLength(1);
    expect(tokenRequests.slice(0, 2)).toEqual([false, true]);
    expect(sim.requests.map((r) => r.status)).toEqual([401, 200, 200, 200]);
    expect(delays).toEqual([]);
  });

  it('gives up without retrying when a fresh token is refused too', async () => {
    const error = await failure(
      source({
        getToken: async (forceRefresh) => {
          tokenRequests.push(forceRefresh);
          return `${token}-but-wrong`;
        },
      }),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Viva Insights refused the token/);
    expect(tokenRequests).toEqual([false, true]);
    expect(sim.requests.map((r) => r.status)).toEqual([401, 401]);
  });

  it('reports a token that cannot be had as retryable', async () => {
    const error = await failure(source({ getToken: () => Promise.reject(new Error('managed identity endpoint unavailable')) }));
    expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/no token for Viva Insights: managed identity endpoint unavailable/) });
    expect(sim.requests).toEqual([]);
  });
});

describe('permanent failures', () => {
  it('does not retry a 404', async () => {
    const error = await failure(source({ url: sim.feedUrl(tenant).replace('person-query', 'no-such-query') }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/HTTP 404/);
    expect(sim.requests).toHaveLength(1);
  });

  it.each([
    ['a value that is not an array', { value: { PersonId: 'p' } }, /value: /],
    ['records that are not objects', { value: [1, 2] }, /value\.0: each record must be an object .*\(and 1 more\)/],
    ['a record with a nested object', { value: [{ PersonId: 'p', nested: { a: 1 } }] }, /value\.0: each record must be/],
    ['no value at all', { items: [] }, /value: /],
    ['a next link that is not a URL', { value: [], '@odata.nextLink': 'page 2' }, /@odata\.nextLink: /],
  ])('refuses a page with %s', async (_, body, message) => {
    const fetchPage: typeof fetch = async () => Response.json(body);
    const error = await failure(source({ fetch: fetchPage }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/unexpected shape/);
    expect(error.message).toMatch(message);
    expect(delays).toEqual([]);
  });

  it('does not send the token to a next link on another host', async () => {
    const requested: string[] = [];
    const fetchPage: typeof fetch = async (input) => {
      requested.push(input instanceof Request ? input.url : input.toString());
      return Response.json({ value: [], '@odata.nextLink': 'https://elsewhere.example/Persons?$skiptoken=1' });
    };
    const error = await failure(source({ fetch: fetchPage }));
    expect(error.retryable).toBe(false);
    expect(requested).toEqual([sim.feedUrl(tenant)]);
  });
});

describe('the token goes to the configured feed only', () => {
  it('refuses a next link to another origin, and nothing reaches that origin', async () => {
    const elsewhere = await startRecordingListener();
    try {
      sim.fault({ kind: 'next-link', url: `${elsewhere.origin}${simulatorFeedPath(tenant)}?$skiptoken=10` });
      const error = await failure(source());
      expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/next-page link outside the configured feed/) });
      expect(elsewhere.received).toEqual([]);
    } finally {
      await elsewhere.stop();
    }
  });

  it("refuses a next link into another tenant's path on the same host", async () => {
    sim.fault({ kind: 'next-link', url: `${sim.feedUrl('3c4d5e6f-7081-4b92-8c3d-4e5f6a7b8c9d')}?$skiptoken=10` });
    await expect(failure(source())).resolves.toMatchObject({ message: expect.stringMatching(/outside the configured feed/) });
    expect(sim.requests).toHaveLength(1);
  });

  it('does not follow a redirect to another origin, and follows one within the feed', async () => {
    const elsewhere = await startRecordingListener();
    try {
      sim.fault({ kind: 'redirect', location: `${elsewhere.origin}/Persons` });
      await expect(failure(source())).resolves.toMatchObject({ retryable: false, message: expect.stringMatching(/redirected .* outside the configured feed/) });
      expect(elsewhere.received).toEqual([]);
      sim.fault({ kind: 'redirect', location: `${simulatorFeedPath(tenant)}?$skiptoken=0` });
      expect((await readPages(source())).flat()).toEqual(records);
    } finally {
      await elsewhere.stop();
    }
  });
});

describe('bounded work', () => {
  it('stops a feed whose next link loops back', async () => {
    sim.fault({ kind: 'next-link', url: `${sim.feedUrl(tenant)}?$skiptoken=10` });
    sim.fault({ kind: 'loop' });
    const error = await failure(source());
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/link of page 2 again as the next page \(a loop\)/) });
    expect(sim.requests).toHaveLength(2);
  });

  it('stops after maxPages pages', async () => {
    const error = await failure(source({ maxPages: 2 }));
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/more than 2 pages/) });
    expect(sim.requests).toHaveLength(2);
  });

  it('stops at a page larger than maxPageBytes, whether its length is announced or not', async () => {
    const error = await failure(source({ maxPageBytes: 1024 }));
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/larger than 1 KiB/) });
    let streamed = 0;
    const unannounced: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            streamed++;
            controller.enqueue(new TextEncoder().encode(`{"value":[${'{"PersonId":"p"},'.repeat(100)}`));
          },
        }),
        { status: 200 },
      );
    await expect(failure(source({ fetch: unannounced, maxPageBytes: 64 * 1024 }))).resolves.toMatchObject({ message: expect.stringMatching(/larger than/) });
    // Stopped at the cap: ~1.7 KB a chunk, 64 KiB cap.
    expect(streamed).toBeLessThan(50);
  });

  it('reads characters whose bytes arrive in different chunks whole', async () => {
    const page = { value: [{ PersonId: 'zoë.ångström@contoso.com', MetricDate: '2024-01-07', Organization: 'Ventes 🙂 Montréal' }] };
    const bytes = new TextEncoder().encode(JSON.stringify(page));
    // One byte a chunk: every multi-byte character is split.
    const byteByByte: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
            controller.close();
          },
        }),
        { status: 200 },
      );
    expect(await readPages(source({ fetch: byteByByte }))).toEqual([page.value]);
  });
});

describe('cancellation', () => {
  it('stops between pages when the signal aborts', async () => {
    const controller = new AbortController();
    const pages: RawRecord[][] = [];
    await expect(
      (async () => {
        for await (const page of source().pages(controller.signal)) {
          pages.push(recordsOf(page));
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(pages).toHaveLength(1);
    expect(sim.requests).toHaveLength(1);
  });
});
