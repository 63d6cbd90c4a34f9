import { glintAdmin, globalAdmin, newTenant, startAppStack, type AppStack } from '../support/app-stack';

let stack: AppStack;
const tenantA = newTenant();
const tenantB = newTenant();
const allPermissions = { reportFilters: true, reportSections: true, commentFilters: true };

beforeAll(async () => {
  stack = await startAppStack();
  const adminA = await glintAdmin(stack, tenantA);
  const globalA = await globalAdmin(stack, tenantA);
  const setup: [string, string, string, unknown?][] = [
    ['PUT', '/api/consent', globalA, { accept: true, agreementVersion: (await stack.call('GET', '/api/consent', { token: globalA })).body.agreementVersion }],
    ['PUT', '/api/roles/managers', adminA, { name: 'Managers', permissions: allPermissions }],
    ['POST', '/api/attributes', adminA, { metricId: 'meetingHours', roles: [{ roleId: 'managers', ...allPermissions }] }],
    ['PUT', '/api/programs/engagement', adminA, { name: 'Engagement', cycles: [{ cycleId: 'c1', name: 'Q1', startDate: '2026-01-05', endDate: '2026-01-20' }] }],
    ['PUT', '/api/insights-source', adminA, { type: 'file', name: 'export.csv' }],
    ['PUT', '/api/settings/confidentiality', adminA, { minResponses: 7, suppression: 1, minCommentResponses: 12, insightsMinGroupSize: 6 }],
    ['PUT', '/api/settings/data-quality', adminA, { holidayWeeks: { enabled: true, sd: 1 }, inactiveWeeks: { enabled: true, sd: 2 }, nonKnowledgeWorkers: { enabled: true, minHours: 5 } }],
  ];
  for (const [method, path, token, body] of setup) {
    const response = await stack.call(method, path, { token, body });
    expect([200, 201, 202]).toContain(response.status);
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('tenant B sees nothing of tenant A', () => {
  it('lists nothing and reads defaults', async () => {
    const adminB = await glintAdmin(stack, tenantB);
    const globalB = await globalAdmin(stack, tenantB);
    expect((await stack.call('GET', '/api/roles', { token: adminB })).body).toEqual({ roles: [] });
    expect((await stack.call('GET', '/api/attributes', { token: adminB })).body).toEqual({ attributes: [] });
    expect((await stack.call('GET', '/api/programs', { token: adminB })).body).toEqual({ programs: [] });
    expect((await stack.call('GET', '/api/consent', { token: globalB })).body.status).toBe('none');
    expect((await stack.call('GET', '/api/settings/confidentiality', { token: adminB })).body).toEqual({ minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 });
    expect((await stack.call('GET', '/api/settings/data-quality', { token: adminB })).body).toEqual({
      holidayWeeks: { enabled: false, sd: 1 },
      inactiveWeeks: { enabled: false, sd: 2 },
      nonKnowledgeWorkers: { enabled: false, minHours: 5 },
      updatedAt: null,
    });
    expect((await stack.call('GET', '/api/audit', { token: adminB })).body).toEqual({ entries: [], continuationToken: null });
  });

  it('gets 404 for tenant A’s ids, reading or changing them, and changes nothing of A', async () => {
    const adminB = await glintAdmin(stack, tenantB);
    expect((await stack.call('GET', '/api/attributes/meetingHours', { token: adminB })).status).toBe(404);
    expect((await stack.call('PATCH', '/api/attributes/meetingHours', { token: adminB, body: { roles: [] } })).status).toBe(404);
    expect((await stack.call('DELETE', '/api/attributes/meetingHours', { token: adminB })).status).toBe(404);
    expect((await stack.call('PUT', '/api/attributes/meetingHours/ranges', { token: adminB, body: { max: [1, 2, 3] } })).status).toBe(404);
    expect((await stack.call('GET', '/api/programs/engagement', { token: adminB })).status).toBe(404);
    expect((await stack.call('POST', '/api/programs/engagement/enable', { token: adminB })).status).toBe(409); // B has no consent: nothing of A is consulted
    expect((await stack.call('DELETE', '/api/programs/engagement/enable', { token: adminB })).status).toBe(404);
    expect((await stack.call('DELETE', '/api/roles/managers', { token: adminB })).status).toBe(404);
    expect((await stack.call('GET', '/api/insights-source', { token: adminB })).status).toBe(404);

    const adminA = await glintAdmin(stack, tenantA);
    expect((await stack.call('GET', '/api/attributes/meetingHours', { token: adminA })).body.roles).toHaveLength(1);
    expect((await stack.call('GET', '/api/roles', { token: adminA })).body.roles).toHaveLength(1);
    expect((await stack.call('GET', '/api/programs/engagement', { token: adminA })).body.enabled).toBe(false);
  });

  it('cannot reach A’s data through a tenant id in the URL, the body or the query', async () => {
    const adminB = await glintAdmin(stack, tenantB);
    expect((await stack.call('GET', `/api/roles?tenantId=${tenantA}`, { token: adminB })).status).toBe(400);
    expect((await stack.call('PUT', '/api/roles/x', { token: adminB, body: { name: 'X', permissions: allPermissions, tenantId: tenantA } })).status).toBe(400);
    expect((await stack.call('GET', `/api/${tenantA}/roles`, { token: adminB })).status).toBe(404);
  });
});
