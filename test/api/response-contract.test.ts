import { startAppStack, type AppStack } from '../support/app-stack';
import { responseContract, type OpenApiDocument } from '../support/response-contract';

// The check every suite's responses go through (test/support/app-stack.ts): it must refuse what the
// document does not say, or it proves nothing.

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('the response contract', () => {
  it('accepts what the API answers and refuses a body, a status or a media type the document does not describe', async () => {
    const health = await stack.call('GET', '/api/health');
    expect(health.status).toBe(200);
    const contract = responseContract((await stack.call('GET', '/api/openapi.json')).body as OpenApiDocument);
    const json = 'application/json; charset=utf-8';
    expect(() => contract.check('GET', '/api/health', 200, json, health.body)).not.toThrow();
    expect(() => contract.check('GET', '/api/health', 200, json, { ...health.body, status: 42 })).toThrow(/does not match the OpenAPI document/);
    expect(() => contract.check('GET', '/api/health', 418, json, health.body)).toThrow(/does not list/);
    expect(() => contract.check('GET', '/api/consent', 401, 'application/problem+json', { title: 'no type' })).toThrow(/does not match/);
    expect(() => contract.check('GET', '/api/consent', 401, 'text/html', '<p>')).toThrow(/documented: application\/problem\+json/);
  });
});
