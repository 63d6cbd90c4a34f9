import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
// The official OpenAPI 3.1 JSON Schema, as packaged by @seriousme/openapi-schema-validator (whose own
// entry point is ESM-only); validated here with ajv the way that package does.
import openApi31Schema from '@seriousme/openapi-schema-validator/schemas/v3.1/schema.json';
import { glintAdmin, newTenant, startAppStack, type AppStack } from '../support/app-stack';

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = (await stack.call('GET', '/api/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // A format the OpenAPI schema itself defines (content map keys such as application/json or text/*).
    ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(\s*;.*)?$/);
    const validate = ajv.compile(openApi31Schema);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('lists every HTTP function the host serves, with its method', async () => {
    const doc = (await stack.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string }>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`))
      .sort();
    const served = stack.host.functions
      // The catch-all answers what no route defines; it is not an operation of the API.
      .filter((f) => f.triggerType === 'httpTrigger' && f.name !== 'routeNotFound')
      .map((f) => `${(f.trigger.methods as string[])[0]} /api/${f.trigger.route as string} ${f.name}`)
      .sort();
    expect(documented).toEqual(served);
  });

  it('describes bodies, parameters and errors from the validating schemas', async () => {
    const doc = (await stack.call('GET', '/api/openapi.json')).body;
    const ranges = doc.paths['/api/attributes/{metricId}/ranges'].put;
    expect(ranges.parameters).toEqual([{ name: 'metricId', in: 'path', required: true, schema: expect.objectContaining({ type: 'string' }) }]);
    expect(ranges.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['max'], additionalProperties: false });
    expect(Object.keys(ranges.responses).sort()).toEqual(['202', '400', '401', '403', '404', '409', '412', '413', '422', '500']);
    const role = doc.paths['/api/roles/{roleId}'].put;
    expect(role.parameters[0].schema.pattern).toBeDefined();
    expect(doc.paths['/api/audit'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['continuationToken', 'limit']);
    expect(doc.paths['/api/health'].get.security).toEqual([]);
  });
});

describe('concurrent edits of the same configuration', () => {
  it('loses no update: every accepted change is in the audit log and the last one is what is stored', async () => {
    const tenantId = newTenant();
    const token = await glintAdmin(stack, tenantId);
    const names = Array.from({ length: 8 }, (_, i) => `Name ${i}`);
    const responses = await Promise.all(
      names.map((name) => stack.call('PUT', '/api/roles/shared', { token, body: { name, permissions: { reportFilters: true, reportSections: false, commentFilters: false } } })),
    );
    const accepted = responses.filter((r) => r.status === 200 || r.status === 201);
    expect(responses.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
    expect(accepted.filter((r) => r.status === 201)).toHaveLength(1);
    const audit = (await stack.call('GET', '/api/audit?limit=100', { token })).body.entries as { after: { name: string }; before: { name: string } | null }[];
    expect(audit).toHaveLength(accepted.length);
    const stored = (await stack.call('GET', '/api/roles', { token })).body.roles[0].name;
    expect(audit[0]?.after.name).toBe(stored);
    // Each change saw the one before it: the before/after pairs form a single chain.
    const chain = [...audit].reverse();
    chain.slice(1).forEach((entry, i) => expect(entry.before?.name).toBe(chain[i]!.after.name));
  });
});
