import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RpcHttpData, RpcInvocationRequest, RpcInvocationResponse } from './core-types';
import type { RegisteredFunction } from './functions-host';
import type { RouteTemplate } from './routes';

// The host's HTTP side: routes a request under the route prefix to its function (405 with Allow for a
// known route and another method, 404 otherwise), hands it over as the host's RPC HTTP data, writes
// the function's answer back, and serves the admin API's timer invocation.

export interface HttpRoute {
  fn: RegisteredFunction;
  template: RouteTemplate;
  methods: string[] | null;
}

/** What the HTTP side needs of the host. */
export interface HttpFront {
  readonly routePrefix: string;
  /** By precedence: the first match wins. */
  readonly routes: readonly HttpRoute[];
  readonly maxRequestBodyBytes: number;
  readonly outsideRoutes: ((req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>) | undefined;
  invoke(fn: RegisteredFunction, request: RpcInvocationRequest): Promise<RpcInvocationResponse>;
  /** Starts the timer function of that name in the background; false when there is none. */
  startTimer(name: string): boolean;
}

/** Listens for HTTP requests and hands each to the front; resolves with the server and its base URL. */
export async function listenHttp(front: HttpFront, port: number, hostname: string | undefined, logError: (message: string) => void): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    handleHttp(front, req, res).catch((error: Error) => {
      logError(`HTTP pipeline failure: ${error.stack ?? error.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${hostname ?? 'localhost'}:${bound}` };
}

async function handleHttp(front: HttpFront, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const method = (req.method ?? 'GET').toUpperCase();

  const admin = /^\/admin\/functions\/([^/]+)\/?$/i.exec(url.pathname);
  if (admin) return handleAdminInvoke(front, decodeURIComponent(admin[1]!), method, req, res);

  const prefix = front.routePrefix.replace(/^\/+|\/+$/g, '');
  let routePath = url.pathname;
  if (prefix !== '') {
    const lower = routePath.toLowerCase();
    if (lower !== `/${prefix.toLowerCase()}` && !lower.startsWith(`/${prefix.toLowerCase()}/`)) {
      if (await front.outsideRoutes?.(req, res, url)) return;
      return endEmpty(res, 404);
    }
    routePath = routePath.slice(prefix.length + 1);
  }

  let matched: { route: HttpRoute; params: Record<string, string> } | undefined;
  const allowed = new Set<string>();
  for (const route of front.routes) {
    const params = route.template.match(routePath);
    if (!params) continue;
    if (route.methods === null || route.methods.includes(method)) {
      matched = { route, params };
      break;
    }
    route.methods.forEach((m) => allowed.add(m));
  }
  if (!matched) {
    if (allowed.size > 0) {
      res.setHeader('Allow', [...allowed].join(', '));
      return endEmpty(res, 405);
    }
    return endEmpty(res, 404);
  }

  const body = await readBody(req, front.maxRequestBodyBytes);
  if (body === 'too-large') return endEmpty(res, 413, { Connection: 'close' });

  const rpcHttp: RpcHttpData = {
    method,
    url: url.toString(),
    headers: flattenHeaders(req.headers),
    query: flattenQuery(url.searchParams),
    params: matched.params,
    ...(body.length > 0 ? { body: { bytes: body }, rawBody: { bytes: body } } : {}),
  };
  const { fn } = matched.route;
  let response: RpcInvocationResponse;
  try {
    response = await front.invoke(fn, {
      invocationId: randomUUID(),
      inputData: [{ name: fn.triggerName, data: { http: rpcHttp } }],
      triggerMetadata: {
        Query: { json: JSON.stringify(rpcHttp.query) },
        Headers: { json: JSON.stringify(rpcHttp.headers) },
        ...Object.fromEntries(Object.entries(matched.params).map(([k, v]) => [k, { string: v }])),
      },
    });
  } catch {
    // Logged with its stack by the host; the caller learns only that it failed.
    return endEmpty(res, 500);
  }
  writeHttpResponse(res, response.returnValue?.http ?? null);
}

async function handleAdminInvoke(front: HttpFront, name: string, method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  await readBody(req, 1024 * 1024);
  if (method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return endEmpty(res, 405);
  }
  // Like the host's admin API: accepted now, run in the background.
  if (!front.startTimer(name)) return endEmpty(res, 404);
  endEmpty(res, 202);
}

function endEmpty(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return 'too-large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** The host hands query parameters over as a map; a repeated name keeps its values joined by commas. */
function flattenQuery(params: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of new Set(params.keys())) result[name] = params.getAll(name).join(',');
  return result;
}

function writeHttpResponse(res: http.ServerResponse, rpc: RpcHttpData | null): void {
  if (!rpc) return endEmpty(res, 204);
  const status = Number(rpc.statusCode ?? 200) || 200;
  for (const [name, value] of Object.entries(rpc.headers ?? {})) res.setHeader(name, value);
  const cookies = (rpc.cookies ?? []).map(formatCookie);
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  const body = rpc.body?.bytes ?? (typeof rpc.body?.string === 'string' ? Buffer.from(rpc.body.string) : undefined);
  res.writeHead(status);
  res.end(body && body.length > 0 ? Buffer.from(body) : undefined);
}

function formatCookie(cookie: NonNullable<RpcHttpData['cookies']>[number]): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (typeof seconds === 'number') parts.push(`Expires=${new Date(seconds * 1000).toUTCString()}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite && cookie.sameSite !== 'none') parts.push(`SameSite=${cookie.sameSite === 'explicitNone' ? 'None' : cookie.sameSite[0]!.toUpperCase() + cookie.sameSite.slice(1)}`);
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${cookie.maxAge.value}`);
  return parts.join('; ');
}
