import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { withinFeed } from './feed-url';
import { isRawRecord, messageOf, rawRecordDescription, SourceError, type PersonQuerySource, type RawRecord } from './source';

// A Viva Insights person query read over its OData feed, one page (~10,000 rows) at a time. Each
// request is retried on its own, so a transient fault on page 90 of 120 does not restart the pull.
// The token goes to the configured feed only: next links and redirects that leave it end the pull.
// A feed cannot make a pull endless or huge: pages are capped in number and in bytes, and a next link
// seen before ends the pull.

export interface ODataSourceOptions {
  url: string;
  getToken: (forceRefresh: boolean) => Promise<string>;
  fetch?: typeof fetch;
  /** Tries per request, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Deadline of one request, body included. */
  pageTimeoutMs?: number;
  /** Most pages one pull reads. */
  maxPages?: number;
  /** Largest page body accepted. */
  maxPageBytes?: number;
}

interface Policy {
  getToken: (forceRefresh: boolean) => Promise<string>;
  fetch: typeof fetch;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  pageTimeoutMs: number;
  maxPages: number;
  maxPageBytes: number;
  feedUrl: string;
}

// Redirects within the feed are followed by hand (fetch would follow them anywhere, with the token).
const maxRedirects = 3;

// A server asking for a longer pause than this is treated as asking for this; the queue's own
// retry of the whole pull covers longer outages.
const maxRetryAfterMs = 5 * 60_000;

const odataPage = z.object({
  value: z.array(z.custom<RawRecord>(isRawRecord, `each record must be ${rawRecordDescription}`)),
  '@odata.nextLink': z.url().optional(),
});
type ODataPage = z.infer<typeof odataPage>;

type Attempt =
  | { kind: 'page'; page: ODataPage }
  | { kind: 'unauthorized' }
  | { kind: 'transient'; reason: string; retryAfterMs?: number };

export function createODataSource(options: ODataSourceOptions): PersonQuerySource {
  const policy: Policy = {
    getToken: options.getToken,
    fetch: options.fetch ?? fetch,
    maxAttempts: options.maxAttempts ?? 6,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    sleep: options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
    random: options.random ?? Math.random,
    pageTimeoutMs: options.pageTimeoutMs ?? 120_000,
    maxPages: options.maxPages ?? 5_000,
    maxPageBytes: options.maxPageBytes ?? 128 * 1024 * 1024,
    feedUrl: options.url,
  };
  checkUrl(options.url);
  return {
    pages: (signal) => readPages(policy, signal),
  };
}

async function* readPages(policy: Policy, signal?: AbortSignal): AsyncGenerator<RawRecord[]> {
  const seen = new Set<string>();
  let url: string | undefined = policy.feedUrl;
  for (let pages = 1; url !== undefined; pages++) {
    if (pages > policy.maxPages) throw new SourceError(`the person query has more than ${policy.maxPages} pages, the most one import reads; the import stops`, false);
    seen.add(url);
    const page = await fetchPage(policy, url, signal);
    const nextLink = page['@odata.nextLink'];
    if (nextLink !== undefined) {
      // The bearer token goes with every request, so it must only ever go to the configured feed.
      if (!withinFeed(policy.feedUrl, nextLink)) throw new SourceError('Viva Insights sent a next-page link outside the configured feed; it is not followed', false);
      if (seen.has(nextLink)) throw new SourceError(`Viva Insights sent the link of page ${[...seen].indexOf(nextLink) + 1} again as the next page (a loop); the import stops`, false);
    }
    yield page.value;
    url = nextLink;
  }
}

async function fetchPage(policy: Policy, url: string, signal?: AbortSignal): Promise<ODataPage> {
  let failedAttempts = 0;
  let tokenRefreshed = false;
  let forceRefresh = false;
  for (;;) {
    signal?.throwIfAborted();
    const token = await tokenFor(policy, forceRefresh);
    forceRefresh = false;
    const attempt = await attemptPage(policy, url, token, signal);
    if (attempt.kind === 'page') return attempt.page;
    if (attempt.kind === 'unauthorized') {
      // One fresh token covers a token that expired or was revoked since it was cached; refusing
      // a fresh one too means missing consent or permissions, which waiting does not fix.
      if (tokenRefreshed) throw new SourceError('Viva Insights refused the token (HTTP 401), also a freshly issued one', false);
      tokenRefreshed = true;
      forceRefresh = true;
      continue;
    }
    failedAttempts++;
    if (failedAttempts >= policy.maxAttempts) {
      throw new SourceError(`Viva Insights did not deliver a page after ${failedAttempts} attempts (last: ${attempt.reason})`, true);
    }
    await policy.sleep(attempt.retryAfterMs ?? backoffMs(policy, failedAttempts - 1), signal);
  }
}

async function tokenFor(policy: Policy, forceRefresh: boolean): Promise<string> {
  try {
    return await policy.getToken(forceRefresh);
  } catch (error) {
    throw new SourceError(`no token for Viva Insights: ${messageOf(error)}`, true, { cause: error });
  }
}

async function attemptPage(policy: Policy, url: string, token: string, signal?: AbortSignal): Promise<Attempt> {
  const deadline = AbortSignal.timeout(policy.pageTimeoutMs);
  const requestSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let response: Response | undefined;
  for (let redirects = 0; response === undefined; redirects++) {
    try {
      response = await policy.fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, redirect: 'manual', signal: requestSignal });
    } catch (error) {
      return networkFailure(error, signal);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel().catch(() => undefined);
      if (!withinFeed(policy.feedUrl, location)) throw new SourceError(`Viva Insights redirected the request (HTTP ${response.status}) outside the configured feed; it is not followed`, false);
      if (redirects === maxRedirects) throw new SourceError(`Viva Insights redirected the request more than ${maxRedirects} times`, false);
      url = new URL(location, url).href;
      response = undefined;
    }
  }
  const { status } = response;
  if (!response.ok) {
    // Unread bodies keep the connection busy until collected.
    await response.body?.cancel().catch(() => undefined);
    if (status === 401) return { kind: 'unauthorized' };
    if (status === 429 || status >= 500) return { kind: 'transient', reason: `HTTP ${status}`, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    throw new SourceError(`Viva Insights answered HTTP ${status} for the person query`, false);
  }
  let text: string;
  try {
    text = await boundedText(response, policy.maxPageBytes);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    return networkFailure(error, signal);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A 200 whose body does not parse is a page cut off in transit; asking again gets it whole.
    return { kind: 'transient', reason: 'the page arrived incomplete (invalid JSON)' };
  }
  const parsed = odataPage.safeParse(json);
  if (!parsed.success) throw new SourceError(`Viva Insights sent a page of an unexpected shape: ${firstIssue(parsed.error)}`, false);
  return { kind: 'page', page: parsed.data };
}

/**
 * The body, refused past `maxBytes` as soon as that many have arrived. Read whole, then parsed with
 * JSON.parse rather than by a streaming JSON parser: on a 16 MB page of 10,000 rows stream-json took
 * 1.2 s against JSON.parse's 0.1 s, and the cap bounds the memory either way. Each chunk is decoded as
 * it arrives and let go, rather than all kept and copied into one buffer: a page then passes through
 * memory once as text instead of three times (chunks, joined buffer, text), outside the V8 heap where
 * freed memory is slow to return.
 */
async function boundedText(response: Response, maxBytes: number): Promise<string> {
  const size = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${Math.round(maxBytes / 1024)} KiB`;
  const tooLarge = () => new SourceError(`a page of the person query is larger than ${size}, the most one page may be; the import stops`, false);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    // `stream` keeps a character split between two chunks for the next.
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function networkFailure(error: unknown, signal?: AbortSignal): Attempt {
  if (signal?.aborted) throw signal.reason;
  // Duck-typed: fetch's errors come from Node's own realm, so instanceof Error fails under jest or vm.
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError') return { kind: 'transient', reason: 'the request timed out' };
  const detail = cause?.code ?? cause?.message;
  const text = String(message ?? error);
  return { kind: 'transient', reason: detail === undefined ? text : `${text} (${typeof detail === 'string' ? detail : JSON.stringify(detail)})` };
}

/** Full jitter: spreads the retries of many pulls hitting the same throttled service. */
function backoffMs(policy: Policy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry) * policy.random();
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), maxRetryAfterMs);
}

function firstIssue(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'the page';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where}: ${issue.message}${more}`;
}

function checkUrl(url: string): void {
  try {
    new URL(url);
  } catch (error) {
    throw new SourceError('the Viva Insights feed URL is not a valid URL', false, { cause: error });
  }
}
