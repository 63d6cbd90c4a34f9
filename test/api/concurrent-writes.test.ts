import { glintAdmin, globalAdmin, newTenant, platform, startAppStack, type AppStack } from '../support/app-stack';

// Concurrent writes resolve, they do not bounce: a write without If-Match is applied on fresh state
// whatever else is written at the same time; a write naming a version (If-Match, the ETag of a GET)
// that is no longer current answers 412, so the portal can tell an administrator that someone else
// changed what they are editing.

let stack: AppStack;

beforeAll(async () => {
  // The pipeline is not under test: keep its functions from consuming the re-bucketing messages.
  stack = await startAppStack({ 'AzureWebJobs.insightsReprocess.Disabled': 'true', 'AzureWebJobs.reportRefresh.Disabled': 'true' });
});

afterAll(async () => {
  await stack?.stop();
});

const all = { reportFilters: true, reportSections: true, commentFilters: true };

async function tenant() {
  const tenantId = newTenant();
  const [admin, app, global] = await Promise.all([glintAdmin(stack, tenantId), platform(stack, tenantId), globalAdmin(stack, tenantId)]);
  const { agreementVersion } = (await stack.call('GET', '/api/consent', { token: global })).body;
  expect((await stack.call('PUT', '/api/consent', { token: global, body: { accept: true, agreementVersion } })).status).toBe(200);
  expect((await stack.call('PUT', '/api/roles/managers', { token: app, body: { name: 'Managers', permissions: all } })).status).toBe(201);
  expect((await stack.call('POST', '/api/attributes', { token: admin, body: { metricId: 'meetingHours', roles: [{ roleId: 'managers', ...all }] } })).status).toBe(201);
  return { tenantId, admin, app };
}

const statuses = async (requests: Promise<{ status: number }>[]) => (await Promise.all(requests)).map((r) => r.status);

it('20 identical concurrent PUTs of one role, attribute roles or ranges all apply', async () => {
  const t = await tenant();
  const role = Array.from({ length: 20 }, () => stack.call('PUT', '/api/roles/managers', { token: t.app, body: { name: 'Managers', permissions: all } }));
  expect(await statuses(role)).toEqual(Array(20).fill(200));
  const patch = Array.from({ length: 20 }, () => stack.call('PATCH', '/api/attributes/meetingHours', { token: t.admin, body: { roles: [{ roleId: 'managers', ...all }] } }));
  expect(await statuses(patch)).toEqual(Array(20).fill(200));
  const ranges = Array.from({ length: 20 }, () => stack.call('PUT', '/api/attributes/meetingHours/ranges', { token: t.admin, body: { max: [4, 8, 12] } }));
  expect(await statuses(ranges)).toEqual(Array(20).fill(202));
  // Each applied change has its own audit entry.
  const audit = (await stack.call('GET', '/api/audit', { token: t.admin })).body.entries.map((e: { action: string }) => e.action);
  expect(audit.filter((a: string) => a === 'attribute.ranges')).toHaveLength(20);
});

it('a write naming a stale version answers 412 and changes nothing', async () => {
  const t = await tenant();
  const read = await stack.call('GET', '/api/attributes/meetingHours', { token: t.admin });
  const etag = read.headers.get('etag')!;
  expect(etag).toBeTruthy();
  const put = (ifMatch: string, max: number[]) => stack.call('PUT', '/api/attributes/meetingHours/ranges', { token: t.admin, body: { max }, headers: { 'if-match': ifMatch } });
  expect((await put(etag, [4, 8, 12])).status).toBe(202);
  const stale = await put(etag, [5, 9, 13]);
  expect(stale).toMatchObject({ status: 412, body: { type: '/problems/precondition-failed' } });
  expect(stale.headers.get('content-type')).toBe('application/problem+json');
  const after = await stack.call('GET', '/api/attributes/meetingHours', { token: t.admin });
  expect(after.body.ranges.max).toEqual([4, 8, 12]);
  expect(after.headers.get('etag')).not.toBe(etag);
  expect((await put(after.headers.get('etag')!, [5, 9, 13])).status).toBe(202);
  expect((await put('*', [6, 10, 14])).status).toBe(202);
  expect((await stack.call('PATCH', '/api/attributes/meetingHours', { token: t.admin, body: { roles: [] }, headers: { 'if-match': etag } })).status).toBe(412);
  expect((await stack.call('DELETE', '/api/attributes/meetingHours', { token: t.admin, headers: { 'if-match': etag } })).status).toBe(412);
});

it('settings have versions too: none until set, then an ETag that If-Match must name', async () => {
  const t = await tenant();
  const defaults = await stack.call('GET', '/api/settings/confidentiality', { token: t.admin });
  expect(defaults.headers.get('etag')).toBeNull();
  const body = { minResponses: 6, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 };
  expect((await stack.call('PUT', '/api/settings/confidentiality', { token: t.admin, body, headers: { 'if-match': '*' } })).status).toBe(412);
  expect((await stack.call('PUT', '/api/settings/confidentiality', { token: t.admin, body })).status).toBe(200);
  const etag = (await stack.call('GET', '/api/settings/confidentiality', { token: t.admin })).headers.get('etag')!;
  expect((await stack.call('PUT', '/api/settings/confidentiality', { token: t.admin, body: { ...body, minResponses: 7 }, headers: { 'if-match': etag } })).status).toBe(200);
  expect((await stack.call('PUT', '/api/settings/confidentiality', { token: t.admin, body: { ...body, minResponses: 8 }, headers: { 'if-match': etag } })).status).toBe(412);
  expect((await stack.call('GET', '/api/settings/confidentiality', { token: t.admin })).body.minResponses).toBe(7);
});
