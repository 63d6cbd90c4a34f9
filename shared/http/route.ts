import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { admits, type Audience, type Principal } from '../auth/principal';
import { AuthenticationError } from '../auth/token-verifier';
import { getServices, type Services } from '../composition-root';
import { DomainError } from '../domain/errors';
import { problem, problemForDomainError } from './problem';

// Every API route is declared once with its zod schemas; `defineRoute` registers the Azure Function
// and records the declaration for the OpenAPI document. The pipeline is the same for all routes:
// authenticate → authorize → validate path, query and body → run the handler → map errors.

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** The statuses a handler answers itself (errors are thrown, and answered as problems by the pipeline). */
export type AnsweredStatus = 200 | 201 | 202 | 204 | 503;

/** A route's documented answers: each status with its body's schema (none for 204). */
export type Responses = Partial<Record<AnsweredStatus, { description: string; schema?: z.ZodType }>>;

/** A body as served: serialized, never changed, so read-only data (a metric's default ranges, say) is as good. */
type Served<T> = T extends readonly (infer E)[] ? readonly Served<E>[] : T extends object ? { readonly [K in keyof T]: Served<T[K]> } : T;

/** What a handler may answer: one of its route's documented statuses, with a body of that status's schema. */
export type RouteResponse<R extends Responses = Responses> = {
  [S in keyof R & AnsweredStatus]: { status: S; headers?: Record<string, string> } & (R[S] extends { schema: infer Z extends z.ZodType } ? { body: Served<z.infer<Z>> } : { body?: undefined });
}[keyof R & AnsweredStatus];

export interface RouteInput<P, Q, B> {
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  /** The body as text, for routes declared with `textBody` (parsed by the handler). */
  text: string;
  /** The body as it arrives, for routes declared with `streamBody`; reading past `maxBodyBytes` throws (413). */
  bodyStream: AsyncIterable<Buffer>;
  /** The request's If-Match: the ETag of the version the caller edits (412 when it is no longer current). */
  ifMatch: string | undefined;
  services: Services;
  context: InvocationContext;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends Responses = Responses> {
  /** The Azure Function's name. */
  name: string;
  method: HttpMethod;
  /** Route template without the /api prefix, e.g. `attributes/{metricId}`. */
  route: string;
  summary: string;
  tag: string;
  /** Who may call it; 'anonymous' skips authentication entirely. */
  audiences: readonly Audience[] | 'anonymous';
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body the handler parses itself (NDJSON, say): read as text within `maxBodyBytes`; `schema`
   * documents one record and the media types list what is accepted.
   */
  textBody?: { schema: z.ZodType; mediaTypes: readonly string[]; description: string };
  /** A body the handler consumes as a stream of bytes (a file upload, say). */
  streamBody?: { mediaTypes: readonly string[]; description: string };
  /** Largest accepted body (413 above). Default 64 KiB. */
  maxBodyBytes?: number | ((services: Services) => number);
  /** Documented responses; 200/201/202 bodies are described by their schema, which types what the handler returns. */
  responses: R;
  /** Error statuses this route may answer besides the common 400/401/403. */
  errors?: readonly (404 | 409 | 412 | 413 | 422 | 503)[];
  handler(input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<RouteResponse<R>>;
}

// Erased to one shape for the registry; the generic parameters only matter inside the handler.
export type AnyRouteSpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType, Responses>;

const registry: AnyRouteSpec[] = [];

export function registeredRoutes(): readonly AnyRouteSpec[] {
  return registry;
}

const defaultMaxBody = 64 * 1024;
const noQuery = z.strictObject({});

export function defineRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, const R extends Responses = Responses>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  // The registry and the pipeline need no more than the erased shape.
  const erased = spec as unknown as AnyRouteSpec;
  registry.push(erased);
  app.http(spec.name, {
    methods: [spec.method],
    route: spec.route,
    authLevel: 'anonymous',
    handler: (request, context) => execute(erased, request, context),
  });
  return spec;
}

async function execute(spec: AnyRouteSpec, request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const services = getServices();
    const principal = spec.audiences === 'anonymous' ? anonymous : await authenticate(services, request);
    if (spec.audiences !== 'anonymous' && !admits(principal, spec.audiences)) {
      return problem(403, 'forbidden', 'Forbidden', 'Your token is valid but does not carry a role allowed to call this route.');
    }
    const params = parsePart(spec.params ?? z.object({}), request.params, 'params', spec.method);
    const query = parseQuery(spec.query ?? noQuery, request.query);
    const maxBytes = typeof spec.maxBodyBytes === 'function' ? spec.maxBodyBytes(services) : (spec.maxBodyBytes ?? defaultMaxBody);
    const body = spec.body ? parsePart(spec.body, parseJson(await readBody(request, maxBytes)), 'body', spec.method) : undefined;
    const text = spec.textBody ? (await readBody(request, maxBytes)).toString('utf8') : '';
    const bodyStream = limitedBody(request, spec.streamBody ? maxBytes : 0);
    const ifMatch = request.headers.get('if-match') ?? undefined;
    const result = await spec.handler({ principal, params, query, body, text, bodyStream, ifMatch, services, context });
    return {
      status: result.status,
      headers: { 'Cache-Control': 'no-store', ...(result.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...result.headers },
      ...(result.body !== undefined ? { body: JSON.stringify(result.body) } : {}),
    };
  } catch (error) {
    if (error instanceof HttpProblem) return error.response;
    if (error instanceof DomainError) return problemForDomainError(error);
    if (error instanceof AuthenticationError) {
      const response = problem(401, 'unauthorized', 'Unauthorized', `A valid bearer token is required: ${error.message}.`);
      return { ...response, headers: { ...(response.headers as Record<string, string>), 'WWW-Authenticate': 'Bearer error="invalid_token"' } };
    }
    // The one place unknown failures become a generic 500; the details go to the log only.
    context.error(`Unhandled error in ${spec.name}:`, error);
    return problem(500, 'internal-error', 'Internal error', 'The request could not be completed; it changed nothing that was not recorded. Try again later.');
  }
}

const anonymous: Principal = { tenantId: '', objectId: 'anonymous', roles: [], isGlobalAdmin: false, isGlintAdmin: false, isPlatform: false };

async function authenticate(services: Services, request: HttpRequest): Promise<Principal> {
  return services.tokenVerifier.verify(request.headers.get('authorization'));
}

/** Thrown inside the pipeline to answer at once with a prepared problem response. */
class HttpProblem extends Error {
  readonly response: HttpResponseInit;
  constructor(response: HttpResponseInit) {
    super('http problem');
    this.response = response;
  }
}

function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: string) {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [prefix, ...issue.path.map(String), key].join('.'), message: prefix === 'query' ? 'unknown parameter' : 'unknown field' }))
      : [{ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }],
  );
}

function parsePart<T extends z.ZodType>(schema: T, value: unknown, part: 'params' | 'body', method: HttpMethod): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = issuesToErrors(result.error.issues, part);
  // An id that cannot exist is an unknown id when reading; when creating it under that id, a bad request.
  if (part === 'params' && method !== 'PUT') throw new HttpProblem(problem(404, 'not-found', 'Not found', 'No resource has that id.', errors));
  const detail = part === 'params' ? 'An id in the path is not valid.' : 'The request body does not have the expected shape.';
  throw new HttpProblem(problem(400, 'invalid-request', 'Invalid request', detail, errors));
}

function parseQuery<T extends z.ZodType>(schema: T, query: URLSearchParams): z.infer<T> {
  const raw: Record<string, string> = {};
  for (const [name, value] of query) {
    if (name in raw) {
      throw new HttpProblem(problem(400, 'invalid-request', 'Invalid request', `Query parameter ${name} is given more than once.`, [{ path: `query.${name}`, message: 'repeated' }]));
    }
    raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const unknown = result.error.issues.some((i) => i.code === 'unrecognized_keys');
  throw new HttpProblem(
    problem(
      400,
      unknown ? 'unknown-query-parameter' : 'invalid-request',
      unknown ? 'Unknown query parameter' : 'Invalid request',
      unknown ? 'The query names a parameter this route does not define.' : 'A query parameter is not valid.',
      issuesToErrors(result.error.issues, 'query'),
    ),
  );
}

/** The body's bytes as they arrive, counted while read: a body sent without a length is refused as soon as it is too large. */
async function* limitedBody(request: HttpRequest, maxBytes: number): AsyncGenerator<Buffer> {
  const tooLarge = () =>
    new HttpProblem(problem(413, 'payload-too-large', 'Payload too large', `The request body exceeds this route's limit of ${maxBytes} bytes.`));
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return;
  let bytes = 0;
  for await (const chunk of request.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw tooLarge();
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

async function readBody(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of limitedBody(request, maxBytes)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0) {
    throw new HttpProblem(problem(400, 'invalid-request', 'Invalid request', 'This route needs a body.', [{ path: 'body', message: 'required' }]));
  }
  return bytes;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new HttpProblem(problem(400, 'malformed-json', 'Malformed JSON', `The request body is not valid JSON: ${(error as Error).message}`));
  }
}
