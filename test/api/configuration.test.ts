import { glintAdmin, globalAdmin, newTenant, platform, startAppStack, type ApiResponse, type AppStack } from '../support/app-stack';

let stack: AppStack;
const all = { reportFilters: true, reportSections: true, commentFilters: true };
const none = { reportFilters: false, reportSections: false, commentFilters: false };

beforeAll(async () => {
  // The pipeline's queue functions are disabled, so the work messages the API sends stay in their queues to be read.
  stack = await startAppStack({
    'AzureWebJobs.insightsPull.Disabled': 'true',
    'AzureWebJobs.insightsBucket.Disabled': 'true',
    'AzureWebJobs.insightsReprocess.Disabled': 'true',
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** A fresh tenant with its three kinds of administrator. */
async function tenant() {
  const tenantId = newTenant();
  const [admin, global, app] = await Promise.all([glintAdmin(stack, tenantId), globalAdmin(stack, tenantId), platform(stack, tenantId)]);
  const call = (method: string, path: string, token: string, body?: unknown) => stack.call(method, path, { token, body });
  const audit = async () => (await call('GET', '/api/audit?limit=100', admin)).body.entries as { action: string; actor: string; before: unknown; after: unknown }[];
  /** Runs a change and checks it left exactly one audit entry with that action, or none when it failed. */
  const change = async (action: string | null, method: string, path: string, token: string, body?: unknown): Promise<ApiResponse> => {
    const before = (await audit()).length;
    const response = await call(method, path, token, body);
    const after = await audit();
    if (action === null) {
      expect({ path, status: response.status, newEntries: after.length - before }).toEqual({ path, status: response.status, newEntries: 0 });
    } else {
      expect({ path, status: response.status, newEntries: after.length - before, action: after[0]?.action }).toEqual({ path, status: response.status, newEntries: 1, action });
    }
    return response;
  };
  const consent = async () => {
    const version = (await call('GET', '/api/consent', global)).body.agreementVersion;
    expect((await call('PUT', '/api/consent', global, { accept: true, agreementVersion: version })).status).toBe(200);
  };
  return { tenantId, admin, global, app, call, audit, change, consent };
}

describe('consent', () => {
  it('is "none" at first, granted with the current agreement version, revoked by DELETE', async () => {
    const t = await tenant();
    const initial = (await t.call('GET', '/api/consent', t.global)).body;
    expect(initial).toEqual({ status: 'none', agreementVersion: expect.stringContaining('Microsoft Viva Preview Agreement'), grantedBy: null, grantedAt: null, revokedAt: null, adminConsentUrl: null });

    const wrongVersion = await t.change(null, 'PUT', '/api/consent', t.global, { accept: true, agreementVersion: 'an old one' });
    expect(wrongVersion.status).toBe(422);
    expect(wrongVersion.body.errors).toEqual([{ path: 'body.agreementVersion', message: expect.stringContaining('current agreement version') }]);
    expect((await t.change(null, 'PUT', '/api/consent', t.global, { accept: false, agreementVersion: initial.agreementVersion })).status).toBe(400);

    const granted = await t.change('consent.grant', 'PUT', '/api/consent', t.global, { accept: true, agreementVersion: initial.agreementVersion });
    expect(granted.body).toMatchObject({ status: 'granted', grantedBy: expect.any(String), grantedAt: expect.any(String), revokedAt: null });

    const revoked = await t.change('consent.revoke', 'DELETE', '/api/consent', t.global);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect((await t.change(null, 'DELETE', '/api/consent', t.global)).status).toBe(409);
  });

  it('is required to add attributes, enable programs and resync (409 consent-required)', async () => {
    const t = await tenant();
    await t.call('PUT', '/api/roles/r1', t.app, { name: 'R1', permissions: all });
    const add = await t.change(null, 'POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles: [{ roleId: 'r1', ...all }] });
    expect(add.status).toBe(409);
    expect(add.body.type).toBe('/problems/consent-required');
    await t.call('PUT', '/api/programs/p1', t.app, { name: 'P1', cycles: [] });
    expect((await t.change(null, 'POST', '/api/programs/p1/enable', t.admin)).body.type).toBe('/problems/consent-required');
    expect((await t.change(null, 'POST', '/api/resync', t.admin)).body.type).toBe('/problems/consent-required');
  });

  it('revocation cancels queued work of the tenant in the same change', async () => {
    const t = await tenant();
    await t.consent();
    await t.call('PUT', '/api/roles/r1', t.app, { name: 'R1', permissions: all });
    await t.call('POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles: [{ roleId: 'r1', ...all }] });
    const ranges = await t.call('PUT', '/api/attributes/emailHours/ranges', t.admin, { max: [2, 4, 6] });
    expect(ranges.status).toBe(202);
    await t.change('consent.revoke', 'DELETE', '/api/consent', t.global);
    const entry = (await t.audit())[0];
    expect(entry?.after).toMatchObject({ status: 'revoked' });
  });
});

describe('metrics', () => {
  it('lists the ten metrics with units and default ranges', async () => {
    const t = await tenant();
    const { metrics } = (await t.call('GET', '/api/metrics', t.admin)).body;
    expect(metrics).toHaveLength(10);
    expect(metrics.find((m: { id: string }) => m.id === 'meetingHours')).toMatchObject({ unit: 'hour', defaultMax: [6, 10, 15], defaultLabels: ['0 to less than 6', '6 to less than 10', '10 to less than 15', '15 or more'] });
    expect(metrics.find((m: { id: string }) => m.id === 'collaborationHours').defaultMax).toEqual([10, 20, 30]);
    expect(metrics.find((m: { id: string }) => m.id === 'internalNetworkSize').unit).toBe('count');
  });
});

describe('roles', () => {
  it('creates (201), replaces (200), lists and deletes roles; deleting removes the role from every attribute', async () => {
    const t = await tenant();
    await t.consent();
    const created = await t.change('role.put', 'PUT', '/api/roles/managers', t.app, { name: 'Managers', permissions: all });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ roleId: 'managers', name: 'Managers', permissions: all });
    expect((await t.change('role.put', 'PUT', '/api/roles/managers', t.admin, { name: 'People managers', permissions: all })).status).toBe(200);
    await t.call('PUT', '/api/roles/hr', t.app, { name: 'HR', permissions: all });
    expect((await t.call('GET', '/api/roles', t.admin)).body.roles.map((r: { roleId: string }) => r.roleId)).toEqual(['hr', 'managers']);

    await t.call('POST', '/api/attributes', t.admin, { metricId: 'callHours', roles: [{ roleId: 'managers', ...all }, { roleId: 'hr', ...all }] });
    const deleted = await t.change('role.delete', 'DELETE', '/api/roles/managers', t.admin);
    expect(deleted.status).toBe(204);
    expect((await t.call('GET', '/api/attributes/callHours', t.admin)).body.roles.map((r: { roleId: string }) => r.roleId)).toEqual(['hr']);
    expect((await t.change(null, 'DELETE', '/api/roles/managers', t.admin)).status).toBe(404);
  });

  it('narrowing a role’s permissions clears the attribute grants it no longer allows', async () => {
    const t = await tenant();
    await t.consent();
    await t.call('PUT', '/api/roles/r1', t.app, { name: 'R1', permissions: all });
    await t.call('POST', '/api/attributes', t.admin, { metricId: 'callHours', roles: [{ roleId: 'r1', ...all }] });
    await t.change('role.put', 'PUT', '/api/roles/r1', t.app, { name: 'R1', permissions: { ...all, commentFilters: false } });
    expect((await t.call('GET', '/api/attributes/callHours', t.admin)).body.roles).toEqual([{ roleId: 'r1', ...all, commentFilters: false }]);
  });

  it('validates ids and bodies', async () => {
    const t = await tenant();
    for (const id of ['a%2Fb', 'a%5Cb', 'a%23b', 'a%3Fb', '%01x', '.hidden', 'x'.repeat(129)]) {
      expect({ id, status: (await t.change(null, 'PUT', `/api/roles/${id}`, t.app, { name: 'X', permissions: all })).status }).toEqual({ id, status: 400 });
    }
    expect((await t.change(null, 'PUT', '/api/roles/Glint.Admin', t.app, { name: 'X', permissions: all })).status).toBe(422);
    const missing = await t.change(null, 'PUT', '/api/roles/r1', t.app, { name: 'X' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'body.permissions', message: expect.any(String) }]);
    const malformed = await stack.call('PUT', '/api/roles/r1', { token: t.app, rawBody: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('/problems/malformed-json');
    const huge = await stack.call('PUT', '/api/roles/r1', { token: t.app, body: { name: 'x'.repeat(70_000), permissions: all } });
    expect(huge.status).toBe(413);
    expect((await t.call('GET', '/api/roles', t.admin)).body.roles).toEqual([]);
  });
});

describe('attributes', () => {
  async function ready() {
    const t = await tenant();
    await t.consent();
    await t.call('PUT', '/api/roles/full', t.app, { name: 'Full', permissions: all });
    await t.call('PUT', '/api/roles/filters-only', t.app, { name: 'Filters only', permissions: { ...none, reportFilters: true } });
    return t;
  }

  it('adds a metric once (201, then 409), with default ranges and labels', async () => {
    const t = await ready();
    const created = await t.change('attribute.create', 'POST', '/api/attributes', t.admin, { metricId: 'afterHoursCollaborationHours', roles: [{ roleId: 'full', ...all }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      metricId: 'afterHoursCollaborationHours',
      name: 'After-hours collaboration hours',
      unit: 'hour',
      ranges: { max: [1, 3, 5], labels: ['0 to less than 1', '1 to less than 3', '3 to less than 5', '5 or more'], customized: false },
    });
    const again = await t.change(null, 'POST', '/api/attributes', t.admin, { metricId: 'afterHoursCollaborationHours', roles: [{ roleId: 'full', ...all }] });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/already-exists');
    expect((await t.call('GET', '/api/attributes', t.admin)).body.attributes).toHaveLength(1);
    expect((await t.call('GET', '/api/attributes/afterHoursCollaborationHours', t.admin)).body.roles).toEqual([{ roleId: 'full', ...all }]);
    expect((await t.call('GET', '/api/attributes/emailHours', t.admin)).status).toBe(404);
  });

  it('needs at least one configured role, each once, and no greyed-out flag (422)', async () => {
    const t = await ready();
    const cases: [unknown[], string][] = [
      [[], 'body.roles'],
      [[{ roleId: 'nobody', ...none }], 'body.roles.0.roleId'],
      [[{ roleId: 'full', ...all }, { roleId: 'full', ...none }], 'body.roles.1.roleId'],
      [[{ roleId: 'filters-only', ...none, reportSections: true }], 'body.roles.0.reportSections'],
      [[{ roleId: 'filters-only', ...none, commentFilters: true }], 'body.roles.0.commentFilters'],
    ];
    for (const [roles, path] of cases) {
      const response = await t.change(null, 'POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles });
      expect({ path, status: response.status, paths: response.body.errors.map((e: { path: string }) => e.path) }).toEqual({ path, status: 422, paths: [path] });
    }
    expect((await t.change(null, 'POST', '/api/attributes', t.admin, { metricId: 'noSuchMetric', roles: [{ roleId: 'full', ...all }] })).status).toBe(422);
    expect((await t.change('attribute.create', 'POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles: [{ roleId: 'filters-only', ...none, reportFilters: true }] })).status).toBe(201);
  });

  it('PATCH changes the roles under the same rules', async () => {
    const t = await ready();
    await t.call('POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles: [{ roleId: 'full', ...all }] });
    const patched = await t.change('attribute.update', 'PATCH', '/api/attributes/emailHours', t.admin, { roles: [{ roleId: 'filters-only', ...none, reportFilters: true }] });
    expect(patched.body.roles).toEqual([{ roleId: 'filters-only', ...none, reportFilters: true }]);
    expect((await t.change(null, 'PATCH', '/api/attributes/emailHours', t.admin, { roles: [{ roleId: 'filters-only', ...all }] })).status).toBe(422);
  });

  it('custom ranges must be positive and strictly increasing; saving queues a re-bucketing run (202)', async () => {
    const t = await ready();
    await t.call('POST', '/api/attributes', t.admin, { metricId: 'meetingHours', roles: [{ roleId: 'full', ...all }] });
    for (const max of [[5, 5, 6], [6, 5, 7], [0, 1, 2], [-1, 2, 3], [1, 2, 1]]) {
      expect({ max, status: (await t.change(null, 'PUT', '/api/attributes/meetingHours/ranges', t.admin, { max })).status }).toEqual({ max, status: 422 });
    }
    expect((await t.change(null, 'PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [1, 2] })).status).toBe(400);
    const saved = await t.change('attribute.ranges', 'PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [4, 8.5, 12] });
    expect(saved.status).toBe(202);
    expect(saved.body.runId).toMatch(/^reb-/);
    const attribute = (await t.call('GET', '/api/attributes/meetingHours', t.admin)).body;
    expect(attribute.ranges).toEqual({ max: [4, 8.5, 12], labels: ['0 to less than 4', '4 to less than 8.5', '8.5 to less than 12', '12 or more'], customized: true });
    expect(await stack.queueMessages('insights-reprocess')).toContainEqual({ kind: 'rebucket', tenantId: t.tenantId, runId: saved.body.runId, metricId: 'meetingHours' });
    await t.change('attribute.ranges', 'PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [6, 10, 15] });
    expect((await t.call('GET', '/api/attributes/meetingHours', t.admin)).body.ranges.customized).toBe(false);
  });

  it('DELETE removes the attribute and queues the deletion of its values (202)', async () => {
    const t = await ready();
    await t.call('POST', '/api/attributes', t.admin, { metricId: 'uninterruptedHours', roles: [{ roleId: 'full', ...all }] });
    const deleted = await t.change('attribute.delete', 'DELETE', '/api/attributes/uninterruptedHours', t.admin);
    expect(deleted.status).toBe(202);
    expect((await t.call('GET', '/api/attributes/uninterruptedHours', t.admin)).status).toBe(404);
    expect(await stack.queueMessages('insights-reprocess')).toContainEqual({ kind: 'delete', tenantId: t.tenantId, runId: deleted.body.runId, scope: { metricId: 'uninterruptedHours' } });
    expect((await t.change(null, 'DELETE', '/api/attributes/uninterruptedHours', t.admin)).status).toBe(404);
  });
});

describe('programs', () => {
  const cycles = [
    { cycleId: 'old', name: '2023', startDate: '2023-03-01', endDate: '2023-03-20' },
    { cycleId: 'spring', name: 'Spring', startDate: '2026-03-02', endDate: '2026-03-20' },
    { cycleId: 'autumn', name: 'Autumn', startDate: '2026-10-06', endDate: '2026-10-20' },
    { cycleId: 'future', name: 'Next year', startDate: '2027-03-01', endDate: '2027-03-20' },
  ];

  it('creates and replaces a program; endDate must not be before startDate; cycle ids unique', async () => {
    const t = await tenant();
    const created = await t.change('program.put', 'PUT', '/api/programs/engagement', t.app, { name: 'Engagement', cycles });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ programId: 'engagement', enabled: false, enabledAt: null });
    expect(created.body.cycles[0]).toEqual({ ...cycles[0], importState: { lastRunId: null, lastRunDate: null, status: 'none', final: false } });
    expect((await t.change('program.put', 'PUT', '/api/programs/engagement', t.admin, { name: 'Engagement survey', cycles })).status).toBe(200);

    const backwards = await t.change(null, 'PUT', '/api/programs/engagement', t.app, { name: 'E', cycles: [{ cycleId: 'c', name: 'C', startDate: '2026-05-10', endDate: '2026-05-09' }] });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors).toEqual([{ path: 'body.cycles.0.endDate', message: expect.stringContaining('on or after startDate') }]);
    expect((await t.change(null, 'PUT', '/api/programs/engagement', t.app, { name: 'E', cycles: [cycles[1], cycles[1]] })).status).toBe(422);
    expect((await t.change(null, 'PUT', '/api/programs/engagement', t.app, { name: 'E', cycles: [{ ...cycles[1], startDate: '2026-02-30' }] })).status).toBe(400);
    expect((await t.change('program.put', 'PUT', '/api/programs/one-day', t.app, { name: 'E', cycles: [{ cycleId: 'd', name: 'D', startDate: '2026-05-10', endDate: '2026-05-10' }] })).status).toBe(201);
    expect((await t.call('GET', '/api/programs', t.admin)).body.programs.map((p: { programId: string }) => p.programId)).toEqual(['engagement', 'one-day']);
  });

  it('enable needs consent and an attribute, then backfills the two latest started cycles within 24 months', async () => {
    const t = await tenant();
    await t.call('PUT', '/api/programs/engagement', t.app, { name: 'Engagement', cycles });
    await t.consent();
    const noAttributes = await t.change(null, 'POST', '/api/programs/engagement/enable', t.admin);
    expect(noAttributes.status).toBe(409);
    expect(noAttributes.body.type).toBe('/problems/no-attributes');
    await t.call('PUT', '/api/roles/r1', t.app, { name: 'R1', permissions: all });
    await t.call('POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles: [{ roleId: 'r1', ...all }] });

    const enabled = await t.change('program.enable', 'POST', '/api/programs/engagement/enable', t.admin);
    expect(enabled.status).toBe(202);
    // Today is after both 2026 cycles; "old" ended more than 24 months ago and "future" has not started.
    const today = new Date().toISOString().slice(0, 10);
    const expected = cycles.filter((c) => c.startDate <= today && c.cycleId !== 'old').slice(-2);
    expect(enabled.body.runs.map((r: { cycleId: string }) => r.cycleId).sort()).toEqual(expected.map((c) => c.cycleId).sort());
    const spring = enabled.body.runs.find((r: { cycleId: string }) => r.cycleId === 'spring');
    if (spring) expect(spring.runDate).toBe('2026-03-15'); // the Sunday on or before 2026-03-20
    const pulls = await stack.queueMessages('insights-pull');
    for (const run of enabled.body.runs) {
      expect(pulls).toContainEqual({ kind: 'pull', tenantId: t.tenantId, runId: run.runId, programId: 'engagement', cycleId: run.cycleId, runDate: run.runDate, attempt: 1 });
    }
    const program = (await t.call('GET', '/api/programs/engagement', t.admin)).body;
    expect(program.enabled).toBe(true);
    expect(program.cycles.find((c: { cycleId: string }) => c.cycleId === expected[0]!.cycleId).importState).toMatchObject({ status: 'queued', final: false });

    // Enabling again queues nothing new: the same (program, cycle, runDate) is the same run.
    const again = await t.change('program.enable', 'POST', '/api/programs/engagement/enable', t.admin);
    expect(again.body.runs).toEqual([]);
  });

  it('disable stops imports and queues the deletion of the program’s data', async () => {
    const t = await tenant();
    await t.call('PUT', '/api/programs/engagement', t.app, { name: 'Engagement', cycles });
    const disabled = await t.change('program.disable', 'DELETE', '/api/programs/engagement/enable', t.admin);
    expect(disabled.status).toBe(202);
    expect(await stack.queueMessages('insights-reprocess')).toContainEqual({ kind: 'delete', tenantId: t.tenantId, runId: disabled.body.runs[0].runId, scope: { programId: 'engagement' } });
    expect((await t.call('GET', '/api/programs/engagement', t.admin)).body.enabled).toBe(false);
    expect((await t.change(null, 'DELETE', '/api/programs/nothing/enable', t.admin)).status).toBe(404);
    expect((await t.change(null, 'POST', '/api/programs/nothing/enable', t.admin)).status).toBe(409);
  });

  it('resync with nothing imported yet queues nothing', async () => {
    const t = await tenant();
    await t.consent();
    const response = await t.change('resync', 'POST', '/api/resync', t.admin);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ runs: [] });
  });
});

describe('insights source', () => {
  it('stores an OData feed or an export file name, validating them', async () => {
    const t = await tenant();
    expect((await t.call('GET', '/api/insights-source', t.admin)).status).toBe(404);
    const feed = `https://workplaceanalytics.office.com/${t.tenantId}/scopes/8d3c2b1a/jobsOData/5e4f3a2b/Persons`;
    const odata = await t.change('source.put', 'PUT', '/api/insights-source', t.admin, { type: 'odata', url: feed });
    expect(odata.body).toMatchObject({ type: 'odata', url: feed, employeeKeyColumn: 'PersonId' });
    const file = await t.change('source.put', 'PUT', '/api/insights-source', t.admin, { type: 'file', name: 'persons export.csv', employeeKeyColumn: 'Email' });
    expect(file.body).toMatchObject({ type: 'file', name: 'persons export.csv', employeeKeyColumn: 'Email' });
    expect((await t.call('GET', '/api/insights-source', t.admin)).body).toMatchObject({ type: 'file', name: 'persons export.csv' });

    for (const name of ['../secrets.csv', 'a/b.csv', 'a\\b.csv', '..', '.hidden.csv', 'x\u0000.csv']) {
      expect({ name, status: (await t.change(null, 'PUT', '/api/insights-source', t.admin, { type: 'file', name })).status }).toEqual({ name, status: 422 });
    }
    expect((await t.change(null, 'PUT', '/api/insights-source', t.admin, { type: 'odata', url: 'http://example.com/Persons' })).status).toBe(422);
    expect((await t.change(null, 'PUT', '/api/insights-source', t.admin, { type: 'odata', url: 'https://workplaceanalytics.office.com/odata/query/abc/Persons' })).status).toBe(422);
    expect((await t.change(null, 'PUT', '/api/insights-source', t.admin, { type: 'odata', url: 'not a url' })).status).toBe(400);
    expect((await t.change(null, 'PUT', '/api/insights-source', t.admin, { type: 'ftp', url: 'x' })).status).toBe(400);
  });
});

describe('confidentiality settings', () => {
  it('serves the defaults, accepts values at the minimums, refuses values below them', async () => {
    const t = await tenant();
    expect((await t.call('GET', '/api/settings/confidentiality', t.admin)).body).toEqual({ minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 });
    const minimums = { minResponses: 3, suppression: 1, minCommentResponses: 3, insightsMinGroupSize: 5 };
    expect((await t.change('confidentiality.put', 'PUT', '/api/settings/confidentiality', t.admin, minimums)).body).toEqual(minimums);
    const below: [string, number][] = [
      ['minResponses', 2],
      ['suppression', 0],
      ['suppression', 3],
      ['minCommentResponses', 2],
      ['insightsMinGroupSize', 4],
    ];
    for (const [field, value] of below) {
      const response = await t.change(null, 'PUT', '/api/settings/confidentiality', t.admin, { ...minimums, [field]: value });
      expect({ field, value, status: response.status, path: response.body.errors[0].path }).toEqual({ field, value, status: 422, path: `body.${field}` });
    }
    expect((await t.change(null, 'PUT', '/api/settings/confidentiality', t.admin, { ...minimums, minResponses: 4.5 })).status).toBe(400);
    expect((await t.call('GET', '/api/settings/confidentiality', t.admin)).body).toEqual(minimums);
  });
});

describe('purge and audit', () => {
  it('DELETE /api/insights-data queues the deletion of every imported value', async () => {
    const t = await tenant();
    const purge = await t.change('data.purge', 'DELETE', '/api/insights-data', t.global);
    expect(purge.status).toBe(202);
    expect(await stack.queueMessages('insights-reprocess')).toContainEqual({ kind: 'delete', tenantId: t.tenantId, runId: purge.body.runId, scope: { all: true } });
  });

  it('records who, when, what, before and after, newest first, paged with a continuation token', async () => {
    const t = await tenant();
    for (const name of ['One', 'Two', 'Three']) await t.call('PUT', '/api/roles/r', t.app, { name, permissions: all });
    const first = (await t.call('GET', '/api/audit?limit=2', t.global)).body;
    expect(first.entries.map((e: { after: { name: string } }) => e.after.name)).toEqual(['Three', 'Two']);
    expect(first.entries[0]).toMatchObject({ action: 'role.put', target: 'role/r', actor: expect.any(String), at: expect.any(String), before: { name: 'Two' } });
    expect(first.continuationToken).toEqual(expect.any(String));
    const second = (await t.call('GET', `/api/audit?limit=2&continuationToken=${first.continuationToken}`, t.admin)).body;
    expect(second.entries.map((e: { after: { name: string } }) => e.after.name)).toEqual(['One']);
    expect(second.continuationToken).toBeNull();
    expect((await t.call('GET', '/api/audit?continuationToken=bogus', t.admin)).status).toBe(422);
    expect((await t.call('GET', '/api/audit?limit=0', t.admin)).status).toBe(400);
    expect((await t.call('GET', '/api/audit?cursor=1', t.admin)).status).toBe(400);
  });
});
