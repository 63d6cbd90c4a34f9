import fc from 'fast-check';
import { TableClient, odata } from '@azure/data-tables';
import { glintAdmin, globalAdmin, newTenant, platform, startAppStack, type AppStack } from '../support/app-stack';

// A property-based fuzzer over every route of the served OpenAPI document: requests built from each
// operation's own schemas (valid ones), and mutations of them (wrong types, missing fields, random
// JSON, malformed text, hostile path ids: %5C, %23, control characters, lone surrogates, very long
// ids). Whatever is sent: never a 5xx; a 4xx is always application/problem+json; and a 4xx changes
// nothing the tenant has stored. The seed is printed on failure (fast-check's report).

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  additionalProperties?: unknown;
};

interface Operation {
  method: string;
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema; required: boolean }[];
  body?: { contentType: string; schema: JsonSchema };
}

const runs = Number(process.env.FUZZ_RUNS ?? 5000);
let stack: AppStack;
let operations: Operation[];
let tokens: string[];
const tenantId = newTenant();

beforeAll(async () => {
  // Only the API is under test: the pipeline's functions are off, so nothing changes behind its back.
  stack = await startAppStack(
    Object.fromEntries(
      ['weeklyImport', 'runSweeper', 'insightsPull', 'insightsBucket', 'insightsReprocess', 'reportRefresh', 'insightsPullPoison', 'insightsBucketPoison', 'insightsReprocessPoison'].map((n) => [
        `AzureWebJobs.${n}.Disabled`,
        'true',
      ]),
    ),
  );
  tokens = await Promise.all([glintAdmin(stack, tenantId), globalAdmin(stack, tenantId), platform(stack, tenantId)]);
  const document = (await stack.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const parameters = (op.parameters ?? []) as { name: string; in: string; required: boolean; schema: JsonSchema }[];
      const content = op.requestBody?.content as Record<string, { schema: JsonSchema }> | undefined;
      const [contentType, media] = content ? Object.entries(content)[0]! : [];
      return {
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map(({ name, schema }) => ({ name, schema })),
        queryParams: parameters.filter((p) => p.in === 'query').map(({ name, schema, required }) => ({ name, schema, required })),
        ...(contentType && media ? { body: { contentType, schema: media.schema } } : {}),
      };
    }),
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** Values a schema accepts (most of the time): what a well-meaning client would send. */
function valid(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => valid(v, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const entries = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      return fc.record(Object.fromEntries(entries.map(([k, v]) => [k, valid(v, depth + 1)])), { requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)) });
    }
    case 'array':
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map((s) => valid(s, depth + 1)));
      return fc.array(valid(schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 50 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -5, max: schema.maximum ?? 50, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern));
        } catch {
          /* a pattern fast-check cannot generate from: plain strings */
        }
      }
      return fc.oneof(fc.constantFrom('p1', 'c1', 'meetingHours', 'managers', '2026-01-04', 'export.csv'), fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) }));
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value in a URL, even one encodeURIComponent refuses (a lone surrogate): then its UTF-8-looking escape. */
const inUrl = (v: unknown) => {
  try {
    return encodeURIComponent(String(v));
  } catch {
    return encodeURIComponent(String(v).replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
};

// Not among them: a path that is not UTF-8 once decoded (%ED%A0%80), which the Functions host itself
// refuses before any app code runs (Kestrel answers 400; the local host, 404).
const hostileIds = ['%5C', '%23', '%2F', '..', '%2E%2E', '%00', '%0A', 'a%20b', '%E2%80%8B', '%F0%9F%98%80', 'x'.repeat(300), '%3F', 'p1%3Fx%3D1', encodeURIComponent('\u0007bell')];
const loneSurrogate = '\uD800';

/** Bodies a careless or hostile client would send: any JSON, the right shape with wrong parts, or not JSON. */
function mutated(schema: JsonSchema | undefined): fc.Arbitrary<{ text: string }> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => ({ text: JSON.stringify(v) ?? 'null' }));
  const withHostileStrings = valid(schema).map((v) => ({ text: JSON.stringify(v, (_k, x) => (typeof x === 'string' ? `${x}${loneSurrogate}` : x)) ?? 'null' }));
  const dropped = valid(schema).chain((v) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
      ? fc.constantFrom(...Object.keys(v)).map((k) => ({ text: JSON.stringify({ ...(v), [k]: undefined }) }))
      : fc.constant({ text: JSON.stringify(v) }),
  );
  const retyped = valid(schema).chain((v) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
      ? fc.tuple(fc.constantFrom(...Object.keys(v)), fc.jsonValue({ maxDepth: 1 })).map(([k, x]) => ({ text: JSON.stringify({ ...(v), [k]: x }) }))
      : fc.constant({ text: JSON.stringify(v) }),
  );
  return fc.oneof(
    json(fc.jsonValue({ maxDepth: 3 })),
    withHostileStrings,
    dropped,
    retyped,
    fc.constantFrom({ text: '' }, { text: '{' }, { text: '{"a":1,}' }, { text: '\u0000' }, { text: `"${loneSurrogate}"` }, { text: 'x'.repeat(70_000) }),
    fc.string({ maxLength: 40 }).map((text) => ({ text })),
  );
}

interface Request {
  method: string;
  url: string;
  token: string | undefined;
  contentType?: string;
  body?: string;
}

function requestFor(op: Operation): fc.Arbitrary<Request> {
  const pathValue = (schema: JsonSchema) => fc.oneof({ weight: 3, arbitrary: valid(schema).map(inUrl) }, { weight: 2, arbitrary: fc.constantFrom(...hostileIds) });
  const path = fc.tuple(...op.pathParams.map((p) => pathValue(p.schema))).map((values) => op.pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i]!), op.path));
  const query = fc
    .tuple(
      ...op.queryParams.map((p) => fc.option(valid(p.schema).map((v) => `${p.name}=${inUrl(v)}`), { freq: p.required ? 8 : 2 })),
      fc.option(fc.constantFrom('unknown=1', 'programId=p1&programId=p2', 'x=%ED%A0%80', 'max=%ED%A0%80'), { freq: 6 }),
    )
    .map((parts) => parts.filter((p): p is string => p !== null).join('&'));
  const body: fc.Arbitrary<{ text?: string; contentType?: string }> = op.body
    ? fc.oneof(valid(op.body.schema).map((v) => ({ text: op.body!.contentType.includes('json') ? JSON.stringify(v) : String(v), contentType: op.body!.contentType })), mutated(op.body.schema).map((b) => ({ ...b, contentType: op.body!.contentType })))
    : fc.option(mutated(undefined).map((b) => ({ ...b, contentType: 'application/json' })), { freq: 4 }).map((b) => b ?? {});
  return fc.record({ path, query, body, token: fc.option(fc.constantFrom(...tokens), { freq: 12 }) }).map(({ path: p, query: q, body: b, token }) => ({
    method: op.method,
    url: `${p}${q ? `?${q}` : ''}`,
    token: token ?? undefined,
    // fetch sends no body with a GET.
    ...(b.text !== undefined && op.method !== 'GET' ? { body: b.text, contentType: b.contentType ?? 'application/json' } : {}),
  }));
}

/** Everything the tenant has stored in its configuration partition (rows and their versions). */
async function snapshot(): Promise<string> {
  const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'config', { allowInsecureConnection: true });
  const rows: string[] = [];
  try {
    for await (const e of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}`, select: ['RowKey', 'json'] } })) rows.push(`${e.rowKey}=${String(e.json)}`);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return rows.sort().join('\n');
}

it(`sends ${runs} valid and invalid requests to every route: never a 5xx, always problem+json on a 4xx, and no change after a 4xx`, async () => {
  let sent = 0;
  const seen = new Map<number, number>();
  // What is stored, as of the last request: a 2xx may change it, so it is read again after one.
  let stored = await snapshot();
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: operations.length - 1 }).chain((i) => requestFor(operations[i]!)), async (request) => {
      const before = stored;
      const headers: Record<string, string> = {};
      if (request.token) headers.authorization = `Bearer ${request.token}`;
      if (request.contentType) headers['content-type'] = request.contentType;
      const response = await fetch(`${stack.url}${request.url}`, { method: request.method, headers, ...(request.body !== undefined ? { body: request.body } : {}) });
      const text = await response.text();
      sent++;
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      const what = `${request.method} ${request.url} → ${response.status} ${text.slice(0, 300)}`;
      if (response.status >= 500) throw new Error(`5xx: ${what}`);
      stored = await snapshot();
      if (response.status >= 400) {
        if (response.headers.get('content-type') !== 'application/problem+json') throw new Error(`4xx without problem+json: ${what}`);
        if (stored !== before) throw new Error(`a 4xx changed what is stored: ${what}`);
      }
    }),
    { numRuns: runs, endOnFailure: true },
  );
  expect(sent).toBe(runs);
  // The fuzzer must reach past validation too: some requests are accepted.
  expect([...seen.keys()].some((status) => status < 300)).toBe(true);
}, 600_000);

describe('inputs found to answer 500 before', () => {
  it('a lone surrogate in an employee key is a 4xx, and nothing is stored', async () => {
    const [admin, , app] = tokens;
    const cycle = { cycleId: 'fuzz-c', name: 'C', startDate: '2026-01-05', endDate: '2026-01-20' };
    expect((await stack.call('PUT', '/api/programs/fuzz-p', { token: app, body: { name: 'P', cycles: [cycle] } })).status).toBeLessThan(300);
    const items = [{ itemId: 'q1', text: 'Q', label: 'Q', category: 'C', scale: { min: 1, max: 5, favorableMin: 4 } }];
    expect((await stack.call('PUT', '/api/programs/fuzz-p/cycles/fuzz-c/items', { token: app, body: { items } })).status).toBeLessThan(300);
    const before = await snapshot();
    const response = await stack.call('POST', '/api/programs/fuzz-p/cycles/fuzz-c/responses', {
      token: app,
      rawBody: `{"employeeKey":"person\\ud800@contoso.com","itemId":"q1","score":4}`,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].message).toMatch(/lone surrogate/);
    expect(await snapshot()).toBe(before);
    void admin;
  });

  it('a program too large for one stored row is a 422, not a 500', async () => {
    const app = tokens[2]!;
    // Under the body limit (64 KiB), over what one stored row holds.
    const cycles = Array.from({ length: 150 }, (_, i) => ({ cycleId: `${'c'.repeat(100)}${i}`, name: 'n'.repeat(100), startDate: '2026-01-05', endDate: '2026-01-20' }));
    const before = await snapshot();
    const response = await stack.call('PUT', '/api/programs/huge', { token: app, body: { name: 'Huge', cycles } });
    expect(response).toMatchObject({ status: 422, body: { errors: [{ path: 'body', message: expect.stringMatching(/too large to store/) }] } });
    expect(await snapshot()).toBe(before);
  });
});
