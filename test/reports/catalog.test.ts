import { glintAdmin, globalAdmin, newTenant, platform, startAppStack, tokenFor, type AppStack } from '../support/app-stack';

// GET /api/reports/catalog: what a report reader may open. Report users cannot list attributes or
// programs, so this is how the portal learns what to offer them; it must list exactly what the report
// routes would serve them.

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function tenantWithGrants() {
  const tenantId = newTenant();
  const [admin, global, app] = await Promise.all([glintAdmin(stack, tenantId), globalAdmin(stack, tenantId), platform(stack, tenantId)]);
  const ok = async (method: string, route: string, token: string, body?: unknown) => {
    const response = await stack.call(method, route, { token, body });
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const { agreementVersion } = await ok('GET', '/api/consent', global);
  await ok('PUT', '/api/consent', global, { accept: true, agreementVersion });
  await ok('PUT', '/api/roles/managers', app, { name: 'Managers', permissions: { reportFilters: true, reportSections: true, commentFilters: false } });
  await ok('PUT', '/api/roles/hr', app, { name: 'HR', permissions: { reportFilters: true, reportSections: true, commentFilters: true } });
  await ok('POST', '/api/attributes', admin, { metricId: 'meetingHours', roles: [{ roleId: 'managers', reportFilters: false, reportSections: true, commentFilters: false }] });
  await ok('POST', '/api/attributes', admin, { metricId: 'emailHours', roles: [{ roleId: 'hr', reportFilters: true, reportSections: true, commentFilters: true }] });
  const cycle = { cycleId: 'c1', name: 'Cycle 1', startDate: '2025-03-03', endDate: '2025-03-17' };
  await ok('PUT', '/api/programs/p1', app, { name: 'Engagement', cycles: [cycle] });
  await ok('PUT', '/api/programs/p2', app, { name: 'Onboarding', cycles: [{ ...cycle, cycleId: 'c9' }] });
  await ok('PUT', '/api/programs/p1/cycles/c1/items', app, { items: [{ itemId: 'i1', text: 'I would recommend this company.', label: 'Recommend', category: 'Engagement', scale: { min: 1, max: 5, favorableMin: 4 } }] });
  await ok('POST', '/api/programs/p1/enable', admin);
  return { tenantId, admin };
}

describe('GET /api/reports/catalog', () => {
  it('lists for a report user only the attributes their roles may use, with how, and the enabled programs with their items', async () => {
    const { tenantId } = await tenantWithGrants();
    const manager = await tokenFor(stack, tenantId, { roles: ['managers'] });
    const response = await stack.call('GET', '/api/reports/catalog', { token: manager });
    expect(response.status).toBe(200);
    expect(response.body.attributes).toEqual([{ metricId: 'meetingHours', name: 'Meeting hours', unit: 'hour', reportFilters: false, reportSections: true, commentFilters: false }]);
    expect(response.body.programs).toEqual([
      {
        programId: 'p1',
        name: 'Engagement',
        cycles: [{ cycleId: 'c1', name: 'Cycle 1', startDate: '2025-03-03', endDate: '2025-03-17', items: [{ itemId: 'i1', label: 'Recommend', text: 'I would recommend this company.' }] }],
      },
    ]);
  });

  it('lists every attribute with every use for a Glint Administrator', async () => {
    const { admin } = await tenantWithGrants();
    const body = (await stack.call('GET', '/api/reports/catalog', { token: admin })).body;
    expect(body.attributes.map((a: { metricId: string }) => a.metricId).sort()).toEqual(['emailHours', 'meetingHours']);
    expect(body.attributes.every((a: Record<string, boolean>) => a.reportFilters && a.reportSections && a.commentFilters)).toBe(true);
  });

  it('lists nothing for a user none of whose roles is granted an attribute, nor for another tenant', async () => {
    const { tenantId } = await tenantWithGrants();
    const stranger = await tokenFor(stack, tenantId, { roles: ['some-other-role'] });
    expect((await stack.call('GET', '/api/reports/catalog', { token: stranger })).body).toEqual({ attributes: [], programs: [] });
    const otherTenant = await tokenFor(stack, newTenant(), { roles: ['managers'] });
    expect((await stack.call('GET', '/api/reports/catalog', { token: otherTenant })).body).toEqual({ attributes: [], programs: [] });
  });

  it('refuses an unknown query parameter with a problem', async () => {
    const { admin } = await tenantWithGrants();
    const response = await stack.call('GET', '/api/reports/catalog?x=1', { token: admin });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
