import { TableClient } from '@azure/data-tables';
import { ResponseStore } from '../../shared/storage/response-store';
import { glintAdmin, newTenant, platform, startAppStack, type AppStack } from '../support/app-stack';

// The Glint platform's survey data through the local host: items, then responses as a JSON array or
// NDJSON, all or nothing, with line numbers in the errors.

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
});

const items = [
  { itemId: 'q1', text: 'I would recommend this company as a great place to work.', label: 'Recommend', category: 'Engagement', scale: { min: 1, max: 5, favorableMin: 4 } },
  { itemId: 'q2', text: 'I have the time to do my job well.', label: 'Workload', category: 'Wellbeing', scale: { min: 1, max: 5, favorableMin: 4 } },
];

async function tenantWithCycle() {
  const tenantId = newTenant();
  const [app, admin] = await Promise.all([platform(stack, tenantId), glintAdmin(stack, tenantId)]);
  const cycles = [{ cycleId: 'c1', name: 'C1', startDate: '2026-10-06', endDate: '2026-10-20' }];
  expect((await stack.call('PUT', '/api/programs/p1', { token: app, body: { name: 'P1', cycles } })).status).toBe(201);
  return { tenantId, app, admin };
}

/** What the store holds for the cycle, read through the store itself (its layout is its own business). */
async function storedResponses(tenantId: string): Promise<Record<string, unknown>[]> {
  const store = new ResponseStore(TableClient.fromConnectionString(stack.azurite.connectionString, 'surveyresponses', { allowInsecureConnection: true }));
  const found: Record<string, unknown>[] = [];
  for await (const respondent of store.scan({ tenantId, programId: 'p1', cycleId: 'c1' }, items.map((i) => i.itemId))) {
    for (const a of respondent.answers) found.push({ employeeKey: respondent.employeeKey, itemId: a.itemId, score: a.score, comment: a.comment });
  }
  return found.sort((a, b) => `${String(a.employeeKey)}/${String(a.itemId)}`.localeCompare(`${String(b.employeeKey)}/${String(b.itemId)}`));
}

const post = (token: string, rawBody: string, contentType = 'application/json') =>
  stack.call('POST', '/api/programs/p1/cycles/c1/responses', { token, rawBody, headers: { 'content-type': contentType } });

describe('items', () => {
  it('are created, then replaced, by the Glint platform only', async () => {
    const t = await tenantWithCycle();
    const created = await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items } });
    expect(created.status).toBe(201);
    expect(created.body.items).toEqual(items);
    expect((await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items: items.slice(0, 1) } })).status).toBe(200);
    expect((await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.admin, body: { items } })).status).toBe(403);
  });

  it('need an existing cycle (404) and sound scales and unique ids (422)', async () => {
    const t = await tenantWithCycle();
    expect((await stack.call('PUT', '/api/programs/p1/cycles/nope/items', { token: t.app, body: { items } })).status).toBe(404);
    const duplicate = await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items: [items[0], items[0]] } });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors).toEqual([{ path: 'body.items.1.itemId', message: 'q1 appears more than once' }]);
    const badScale = await stack.call('PUT', '/api/programs/p1/cycles/c1/items', {
      token: t.app,
      body: { items: [{ ...items[0], scale: { min: 1, max: 5, favorableMin: 6 } }, { ...items[1], scale: { min: 5, max: 5, favorableMin: 5 } }] },
    });
    expect(badScale.status).toBe(422);
    expect(badScale.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.items.0.scale.favorableMin', 'body.items.1.scale']);
    const shape = await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items: [{ ...items[0], scale: { min: 1.5, max: 5, favorableMin: 4 } }] } });
    expect(shape.status).toBe(400);
    expect(shape.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('responses', () => {
  it('are stored from a JSON array and from NDJSON, keys normalized as the import does, comments kept', async () => {
    const t = await tenantWithCycle();
    await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items } });
    const array = await post(t.app, JSON.stringify([{ employeeKey: ' Ana@Contoso.com ', itemId: 'q1', score: 5, comment: 'Great team' }]));
    expect(array).toMatchObject({ status: 200, body: { accepted: 1 } });
    const ndjson = ['{"employeeKey": "bo@contoso.com", "itemId": "q1", "score": 2}', '', '{"employeeKey": "bo@contoso.com", "itemId": "q2", "score": 3}'].join('\n');
    expect(await post(t.app, ndjson, 'application/x-ndjson')).toMatchObject({ status: 200, body: { accepted: 2 } });
    expect(await storedResponses(t.tenantId)).toEqual([
      { employeeKey: 'ana@contoso.com', itemId: 'q1', score: 5, comment: 'Great team' },
      { employeeKey: 'bo@contoso.com', itemId: 'q1', score: 2, comment: undefined },
      { employeeKey: 'bo@contoso.com', itemId: 'q2', score: 3, comment: undefined },
    ]);
  });

  it('re-posting an (employeeKey, itemId) replaces it, comment included', async () => {
    const t = await tenantWithCycle();
    await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items } });
    await post(t.app, JSON.stringify([{ employeeKey: 'ana@contoso.com', itemId: 'q1', score: 5, comment: 'first' }]));
    await post(t.app, JSON.stringify([{ employeeKey: 'ANA@contoso.com', itemId: 'q1', score: 1 }]));
    expect(await storedResponses(t.tenantId)).toEqual([{ employeeKey: 'ana@contoso.com', itemId: 'q1', score: 1, comment: undefined }]);
  });

  it('an invalid line rejects the whole post with every line number, storing nothing', async () => {
    const t = await tenantWithCycle();
    await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items } });
    const body = [
      '{"employeeKey": "a@contoso.com", "itemId": "q1", "score": 4}',
      '{"employeeKey": "b@contoso.com", "itemId": "q1", "score": 9}',
      'not json',
      '{"employeeKey": "c@contoso.com", "itemId": "q9", "score": 3}',
      '{"employeeKey": "", "itemId": "q2", "score": 3.5, "extra": true}',
    ].join('\n');
    const response = await post(t.app, body, 'application/x-ndjson');
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['line 2.score', 'line 3', 'line 4.itemId', 'line 5.employeeKey', 'line 5.score']));
    expect(paths.some((p: string) => p.startsWith('line 1'))).toBe(false);
    expect(response.body.detail).toMatch(/^4 line\(s\) are invalid; nothing was stored/);
    expect(await storedResponses(t.tenantId)).toEqual([]);
  });

  it('needs the items first (404), a body (400), and stays under the size limit (413)', async () => {
    const t = await tenantWithCycle();
    expect((await post(t.app, '[{"employeeKey": "a@contoso.com", "itemId": "q1", "score": 4}]')).status).toBe(404);
    await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items } });
    expect((await post(t.app, '')).status).toBe(400);
    expect((await post(t.app, '[]')).status).toBe(422);
    expect((await post(t.app, '{"employeeKey": "a", "itemId": "q1", "score": 4, "x": [')).status).toBe(422);
    const line = JSON.stringify({ employeeKey: 'a@contoso.com', itemId: 'q1', score: 4, comment: 'x'.repeat(9_000) });
    const huge = Array.from({ length: 1_000 }, () => line).join('\n');
    const tooLarge = await post(t.app, huge, 'application/x-ndjson');
    expect(tooLarge.status).toBe(413);
    expect(await storedResponses(t.tenantId)).toEqual([]);
  });

  it('are the tenant\'s own: another tenant cannot post to or see this cycle', async () => {
    const t = await tenantWithCycle();
    await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: t.app, body: { items } });
    const other = await platform(stack, newTenant());
    expect((await post(other, '[{"employeeKey": "a@contoso.com", "itemId": "q1", "score": 4}]')).status).toBe(404);
    expect((await stack.call('PUT', '/api/programs/p1/cycles/c1/items', { token: other, body: { items } })).status).toBe(404);
  });
});
