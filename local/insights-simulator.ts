import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ensureLocalKeys, localIssuer } from '../shared/auth/local-keys';
import { insightsResource } from '../shared/insights/insights-credential';
import type { RawRecord } from '../shared/insights/source';

// A stand-in for a Viva Insights person query served over OData, speaking the wire format the app
// reads in Azure (bearer auth, {"value": [...], "@odata.nextLink"} pages, $skiptoken paging,
// throttling and server errors), so the OData source can be run and tested without a tenant.
// Its tenant boundary is Viva Insights' own: a query lives at
// /<tenantId>/scopes/<partitionId>/jobsOData/<jobId>/Persons, and only a token issued by that tenant
// (an app-only token for Viva Insights, here signed by the local key pair) may read it.

/**
 * The person query's rows. A function is called again whenever it must be read from the start, and
 * must then yield the same rows in the same order: it lets a benchmark serve a million rows without
 * holding them. Pages are read in order from one live iterator; only a page asked for again (a
 * retry) or an earlier one restarts it.
 */
export type SimulatorRecords = RawRecord[] | (() => Iterable<RawRecord>);

export type SimulatorFault =
  | { kind: '429'; retryAfterSeconds?: number }
  | { kind: '503' }
  | { kind: 'drop-mid-page' }
  | { kind: 'expired-token' }
  /** The page's next link points at `url` instead (another host, say). */
  | { kind: 'next-link'; url: string }
  /** The page's next link is the page's own link: a feed that never ends. */
  | { kind: 'loop' }
  /** The request is answered by a 302 to `location`. */
  | { kind: 'redirect'; location: string };

export interface InsightsSimulatorOptions {
  records: SimulatorRecords;
  pageSize?: number;
  /** The local key pair whose tokens (mintLocalToken, audience Viva Insights) are accepted. */
  keysDir: string;
  port?: number;
  /** Awaited before a page is served (after the checks and faults): lets a test act while a pull is mid-stream. */
  beforePage?: (offset: number) => Promise<void> | void;
}

export interface InsightsSimulator {
  origin: string;
  /** Tenant `tenantId`'s person query, e.g. http://127.0.0.1:PORT/<tenantId>/scopes/sim/jobsOData/person-query/Persons */
  feedUrl(tenantId: string): string;
  /** Every request answered, in order: path with query, the status sent, and the tenant of its token. */
  requests: { path: string; status: number; tokenTenant: string | null }[];
  /** Queue faults; each is used once by the next matching request, in order. */
  fault(f: SimulatorFault): void;
  stop(): Promise<void>;
}

/** The query's path of a tenant: the shape of Viva Insights' OData links. */
export const simulatorFeedPath = (tenantId: string) => `/${tenantId}/scopes/sim/jobsOData/person-query/Persons`;
const feedPathPattern = /^\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/scopes\/sim\/jobsOData\/person-query\/Persons$/i;

interface Page {
  records: RawRecord[];
  more: boolean;
}

export async function startInsightsSimulator(options: InsightsSimulatorOptions): Promise<InsightsSimulator> {
  const pageSize = options.pageSize ?? 10_000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`pageSize must be a positive integer, not ${pageSize}`);
  const { jwks } = await ensureLocalKeys(options.keysDir);
  const keys = createLocalJWKSet(jwks);
  const readPage = pager(options.records, pageSize);
  const faults: SimulatorFault[] = [];
  const requests: InsightsSimulator['requests'] = [];
  let origin = '';

  const server = createServer((request, response) => void serve(request, response));
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    let status: number;
    const caller = { tenant: null as string | null };
    try {
      status = await answer(request, response, caller);
    } catch {
      // A records function that throws is a bug in the caller's generator; the feed answers as a failing service would.
      status = 500;
      if (response.headersSent) response.destroy();
      else sendError(response, status, 'InternalServerError', 'The query could not be read.');
    }
    requests.push({ path: request.url ?? '/', status, tokenTenant: caller.tenant });
  };

  /** The tenant of a valid Viva Insights token, or undefined. */
  async function tokenTenant(header: string | undefined): Promise<string | undefined> {
    const [scheme, token, ...rest] = (header ?? '').split(' ');
    if (scheme !== 'Bearer' || !token || rest.length > 0) return undefined;
    try {
      const { payload } = await jwtVerify(token, keys, { algorithms: ['RS256'], audience: insightsResource, requiredClaims: ['tid', 'exp'] });
      const tid = typeof payload.tid === 'string' ? payload.tid.toLowerCase() : undefined;
      return tid !== undefined && payload.iss === localIssuer(tid) ? tid : undefined;
    } catch {
      return undefined;
    }
  }

  async function answer(request: IncomingMessage, response: ServerResponse, caller: { tenant: string | null }): Promise<number> {
    const tenant = await tokenTenant(request.headers.authorization);
    if (tenant === undefined) {
      return sendError(response, 401, 'InvalidAuthenticationToken', 'A valid bearer token is required.', { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    caller.tenant = tenant;
    const url = new URL(request.url ?? '/', origin);
    const feedTenant = feedPathPattern.exec(url.pathname)?.[1]?.toLowerCase();
    if (feedTenant === undefined) return sendError(response, 404, 'NotFound', `No query at ${url.pathname}.`);
    // Viva Insights' tenant boundary: a token of one organization never reads another's query.
    if (feedTenant !== tenant) return sendError(response, 403, 'Forbidden', "The token's tenant does not own this query.");
    if (request.method !== 'GET') return sendError(response, 405, 'MethodNotAllowed', 'Only GET is supported.', { allow: 'GET' });
    const skipToken = url.searchParams.get('$skiptoken') ?? '0';
    if (!/^\d+$/.test(skipToken)) return sendError(response, 400, 'BadRequest', 'Invalid $skiptoken.');

    const fault = faults.shift();
    switch (fault?.kind) {
      case '429': {
        const retryAfter = String(fault.retryAfterSeconds ?? 1);
        return sendError(response, 429, 'TooManyRequests', 'Too many requests; retry later.', { 'retry-after': retryAfter });
      }
      case '503':
        return sendError(response, 503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
      case 'expired-token':
        return sendError(response, 401, 'InvalidAuthenticationToken', 'The access token has expired.', {
          'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"',
        });
      case 'redirect':
        response.writeHead(302, { location: fault.location, 'content-length': 0 });
        response.end();
        return 302;
      case 'drop-mid-page':
      case 'next-link':
      case 'loop':
      case undefined:
        break;
    }

    const offset = Number(skipToken);
    await options.beforePage?.(offset);
    const page = readPage(offset);
    const entitySet = `${origin}${url.pathname}`;
    const nextLink =
      fault?.kind === 'next-link' ? fault.url : fault?.kind === 'loop' ? `${origin}${request.url}` : page.more ? `${entitySet}?$skiptoken=${offset + page.records.length}` : undefined;
    const body = JSON.stringify({
      '@odata.context': `${entitySet.replace(/\/Persons$/, '')}/$metadata#Persons`,
      value: page.records,
      ...(nextLink !== undefined ? { '@odata.nextLink': nextLink } : {}),
    });
    response.writeHead(200, { 'content-type': 'application/json; odata.metadata=minimal', 'content-length': Buffer.byteLength(body) });
    if (fault?.kind === 'drop-mid-page') {
      // Half the page reaches the client, then the connection dies, as when a proxy or the service drops it.
      response.write(body.slice(0, Math.floor(body.length / 2)), () => response.destroy());
    } else {
      response.end(body);
    }
    return 200;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    feedUrl: (tenantId) => `${origin}${simulatorFeedPath(tenantId)}`,
    requests,
    fault: (f) => void faults.push(f),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep connections alive; close would otherwise wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

function sendError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
  response.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers });
  response.end(JSON.stringify({ error: { code, message } }));
  return status;
}

function pager(records: SimulatorRecords, pageSize: number): (offset: number) => Page {
  if (Array.isArray(records)) {
    return (offset) => ({ records: records.slice(offset, offset + pageSize), more: offset + pageSize < records.length });
  }
  return generatedPager(records, pageSize);
}

function generatedPager(generate: () => Iterable<RawRecord>, pageSize: number): (offset: number) => Page {
  let cursor: RecordCursor | undefined;
  let lastPage: { offset: number; page: Page } | undefined;
  return (offset) => {
    if (lastPage?.offset === offset) return lastPage.page;
    if (!cursor || offset < cursor.position) cursor = new RecordCursor(generate());
    cursor.skipTo(offset);
    const records = cursor.take(pageSize);
    const page = { records, more: !cursor.exhausted() };
    lastPage = { offset, page };
    return page;
  };
}

class RecordCursor {
  /** How many records were taken or skipped. */
  position = 0;
  private readonly iterator: Iterator<RawRecord>;
  // One record read ahead, to know whether a next page exists without serving a trailing empty page.
  private lookahead: IteratorResult<RawRecord> | undefined;

  constructor(records: Iterable<RawRecord>) {
    this.iterator = records[Symbol.iterator]();
  }

  skipTo(offset: number): void {
    while (this.position < offset && !this.next().done);
  }

  take(count: number): RawRecord[] {
    const records: RawRecord[] = [];
    for (let result = this.next(); !result.done; result = this.next()) {
      records.push(result.value);
      if (records.length === count) break;
    }
    return records;
  }

  exhausted(): boolean {
    this.lookahead ??= this.iterator.next();
    return this.lookahead.done === true;
  }

  private next(): IteratorResult<RawRecord> {
    const result = this.lookahead ?? this.iterator.next();
    this.lookahead = undefined;
    if (!result.done) this.position++;
    return result;
  }
}
