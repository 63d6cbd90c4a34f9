import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '../../shared/domain/weeks';
import { glintAdmin, newTenant, platform, startAppStack, tokenFor, type AppStack } from '../support/app-stack';
import { lastDataSunday, setUpTenant, type PipelineTenant } from '../support/pipeline-tenant';

// Reports through the local host, on imported data and posted responses: who may see what, the
// thresholds of SPEC section 12 at their edges, comments, and reports following ranges, imports and
// settings. Meeting hours (default ranges 6, 10, 15) put people in buckets by the hours below; email
// hours are the same for everyone, so the email breakdown adds nothing to differencing here.

let stack: AppStack;
const folder = mkdtempSync(path.join(tmpdir(), 'itg-reports-'));
const bucketHours = [2, 8, 12, 20];

beforeAll(async () => {
  stack = await startAppStack({ INSIGHTS_FILE_ROOT: folder });
});

afterAll(async () => {
  await stack?.stop();
});

/** 12 weeks of data for people `person{p}`, with the meeting hours given per person (undefined: not in the export). */
function exportCsv(meetingHours: readonly (number | undefined)[]): string {
  const lines = ['PersonId,MetricDate,Meeting hours,Email hours,IsActive'];
  meetingHours.forEach((hours, p) => {
    if (hours === undefined) return;
    for (let w = 0; w < 12; w++) lines.push(`person${p}@contoso.com,${addDays(lastDataSunday, -7 * w)},${hours},2.5,TRUE`);
  });
  return `${lines.join('\n')}\n`;
}

/** 15 people per bucket: person 0-14 in bucket 1, 15-29 in bucket 2, ... */
const perBucket = 15;
const personIn = (bucket: number, k: number) => `person${(bucket - 1) * perBucket + k}@contoso.com`;

const items = [
  { itemId: 'q1', text: 'I would recommend this company.', label: 'Recommend', category: 'Engagement', scale: { min: 1, max: 5, favorableMin: 4 } },
  { itemId: 'q2', text: 'I have time to do my job well.', label: 'Workload', category: 'Wellbeing', scale: { min: 1, max: 5, favorableMin: 4 } },
];

interface Respondent {
  employeeKey: string;
  q1: number;
  q2: number;
  comment?: string;
}

/** Respondents per bucket (1-4), and `noData` people without imported values. */
function respondents(counts: readonly number[], noData = 0, score = (b: number, k: number) => 1 + ((b + k) % 5)): Respondent[] {
  const list: Respondent[] = [];
  counts.forEach((n, i) => {
    for (let k = 0; k < n; k++) list.push({ employeeKey: personIn(i + 1, k), q1: score(i + 1, k), q2: 3 });
  });
  for (let k = 0; k < noData; k++) list.push({ employeeKey: `newcomer${k}@contoso.com`, q1: 4, q2: 4 });
  return list;
}

async function postResponses(t: PipelineTenant, programId: string, cycleId: string, people: readonly Respondent[]): Promise<void> {
  const lines = people.flatMap((p) => [
    JSON.stringify({ employeeKey: p.employeeKey, itemId: 'q1', score: p.q1, ...(p.comment ? { comment: p.comment } : {}) }),
    JSON.stringify({ employeeKey: p.employeeKey, itemId: 'q2', score: p.q2 }),
  ]);
  const response = await stack.call('POST', `/api/programs/${programId}/cycles/${cycleId}/responses`, { token: t.app, rawBody: lines.join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
  expect(response.status).toBe(200);
}

/**
 * A tenant with both programs imported: p1 (cycles c1, c2) and p2 (cycle c3), all over the same weeks
 * and the same export of 60 people, 15 per meeting-hours bucket.
 */
async function importedTenant(file: string): Promise<PipelineTenant> {
  const content = exportCsv(Array.from({ length: 4 * perBucket }, (_, p) => bucketHours[Math.floor(p / perBucket)]!));
  const t = await setUpTenant(stack, { type: 'file', name: file, content });
  const cycle = (cycleId: string) => ({ cycleId, name: cycleId, startDate: addDays(lastDataSunday, 1), endDate: addDays(lastDataSunday, 7) });
  await t.call('PUT', '/api/programs/p1', t.app, { name: 'P1', cycles: [cycle('c1'), cycle('c2')] });
  await t.call('PUT', '/api/programs/p2', t.app, { name: 'P2', cycles: [cycle('c3')] });
  await t.call('PUT', '/api/settings/confidentiality', t.admin, { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 });
  for (const [programId, cycleId] of [['p1', 'c1'], ['p1', 'c2'], ['p2', 'c3']] as const) {
    await t.call('PUT', `/api/programs/${programId}/cycles/${cycleId}/items`, t.app, { items });
  }
  await t.call('POST', '/api/programs/p1/enable', t.admin);
  await t.call('POST', '/api/programs/p2/enable', t.admin);
  await stack.host.drain();
  return t;
}

const behaviors = (token: string, cycle = 'p1/cycles/c1', metricId = 'meetingHours') =>
  stack.call('GET', `/api/reports/programs/${cycle}/behaviors/${metricId}`, { token });
const itemsReport = (token: string, filter: string, cycle = 'p1/cycles/c1') => stack.call('GET', `/api/reports/programs/${cycle}/items?filter=${filter}`, { token });
const commentsReport = (token: string, filter: string, cycle = 'p1/cycles/c1', continuationToken?: string) =>
  stack.call('GET', `/api/reports/programs/${cycle}/comments?filter=${filter}${continuationToken ? `&continuationToken=${continuationToken}` : ''}`, { token });

const statuses = (body: { groups: { group: string; status: string; respondents: number | null }[] }) => body.groups.map((g) => [g.group, g.status, g.respondents]);

describe('reports', () => {
  let t: PipelineTenant;

  beforeAll(async () => {
    t = await importedTenant('reports.csv');
    // The Glint documentation's examples, 23 respondents each: 1, 5, 8, 9 and 2, 5, 7, 9.
    await postResponses(t, 'p1', 'c1', respondents([1, 5, 8, 9]));
    await postResponses(t, 'p1', 'c2', respondents([2, 5, 7, 9]));
    await stack.host.drain();
  });

  it('Glint example: a group of 1 is insufficient and the next smallest group, 5, is suppressed with it', async () => {
    const report = await behaviors(t.admin);
    expect(report.status).toBe(200);
    expect(statuses(report.body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'suppressed', null],
      ['3', 'ok', 8],
      ['4', 'ok', 9],
      ['none', 'insufficient', null],
    ]);
    expect(report.body.groups.map((g: { label: string }) => g.label)).toEqual(['0 to less than 6', '6 to less than 10', '10 to less than 15', '15 or more', 'No data']);
    for (const g of report.body.groups.filter((g: { status: string }) => g.status !== 'ok')) {
      expect(g.items).toEqual([
        { itemId: 'q1', score: null, favorable: null },
        { itemId: 'q2', score: null, favorable: null },
      ]);
    }
  });

  it('Glint example: a group of 2 already hides two people, so nothing is suppressed; a group of exactly 5 is shown', async () => {
    const report = await behaviors(t.admin, 'p1/cycles/c2');
    expect(statuses(report.body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'ok', 5],
      ['3', 'ok', 7],
      ['4', 'ok', 9],
      ['none', 'insufficient', null],
    ]);
  });

  it('shows the mean and the favorable share of an ok group, computed from the posted scores', async () => {
    const report = await behaviors(t.admin);
    // Bucket 3 of c1: 8 people scoring 1 + ((3 + k) % 5) for k = 0..7: 4 5 1 2 3 4 5 1 → mean 25/8, favorable 4/8.
    const bucket3 = report.body.groups[2];
    expect(bucket3.items).toEqual([
      { itemId: 'q1', score: 3.13, favorable: 0.5 },
      { itemId: 'q2', score: 3, favorable: 0 },
    ]);
  });

  it('filters the item report by a bucket with the same decision as the whole breakdown', async () => {
    const suppressed = await itemsReport(t.admin, 'meetingHours:2');
    expect(suppressed.status).toBe(200);
    expect(suppressed.body.group).toMatchObject({ group: '2', status: 'suppressed', respondents: null });
    expect(suppressed.body.group.items.every((i: { score: number | null }) => i.score === null)).toBe(true);
    const shown = await itemsReport(t.admin, 'meetingHours:4');
    expect(shown.body.group).toMatchObject({ group: '4', status: 'ok', respondents: 9 });
    expect(shown.body.group.items[0].score).not.toBeNull();
    expect((await itemsReport(t.admin, 'meetingHours:none')).body.group).toMatchObject({ group: 'none', status: 'insufficient' });
  });

  it('answers 400 for a malformed filter or an unknown query parameter, 404 for unknown attributes and cycles', async () => {
    for (const filter of ['meetingHours', 'meetingHours:5', 'meetingHours:0', ':1', 'meetingHours:1:2']) {
      const response = await itemsReport(t.admin, filter);
      expect({ filter, status: response.status }).toEqual({ filter, status: 400 });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await stack.call('GET', '/api/reports/programs/p1/cycles/c1/items?filter=meetingHours:1&top=5', { token: t.admin })).status).toBe(400);
    expect((await itemsReport(t.admin, 'collaborationHours:1')).status).toBe(404);
    expect((await behaviors(t.admin, 'p1/cycles/nope')).status).toBe(404);
    expect((await behaviors(t.admin, 'p9/cycles/c1')).status).toBe(404);
  });

  describe('permission matrix', () => {
    const reports = {
      reportSections: (token: string) => behaviors(token),
      reportFilters: (token: string) => itemsReport(token, 'meetingHours:3'),
      commentFilters: (token: string) => commentsReport(token, 'meetingHours:3'),
    };
    const flags = ['reportSections', 'reportFilters', 'commentFilters'] as const;

    beforeAll(async () => {
      const all = { reportFilters: true, reportSections: true, commentFilters: true };
      const none = { reportFilters: false, reportSections: false, commentFilters: false };
      for (const flag of flags) await t.call('PUT', `/api/roles/only-${flag}`, t.app, { name: flag, permissions: all });
      await t.call('PUT', '/api/roles/no-flags', t.app, { name: 'None', permissions: all });
      await t.call('PATCH', '/api/attributes/meetingHours', t.admin, {
        roles: [{ roleId: 'hr', ...all }, ...flags.map((flag) => ({ roleId: `only-${flag}`, ...none, [flag]: true })), { roleId: 'no-flags', ...none }],
      });
      // A role with every flag, but on the other attribute only.
      await t.call('PUT', '/api/roles/email-only', t.app, { name: 'Email only', permissions: all });
      await t.call('PATCH', '/api/attributes/emailHours', t.admin, { roles: [{ roleId: 'email-only', ...all }] });
    });

    it('each report answers a role with exactly its flag on the attribute, and 403 without it', async () => {
      for (const flag of flags) {
        const token = await tokenFor(stack, t.tenantId, { roles: [`only-${flag}`] });
        for (const report of flags) {
          const response = await reports[report](token);
          expect({ role: flag, report, status: response.status }).toEqual({ role: flag, report, status: report === flag ? 200 : 403 });
          if (response.status === 403) expect(response.headers.get('content-type')).toBe('application/problem+json');
        }
      }
    });

    it('a role granted nothing, a role granted only another attribute, an unknown role and the platform get 403 everywhere', async () => {
      const tokens = {
        noFlags: await tokenFor(stack, t.tenantId, { roles: ['no-flags'] }),
        emailOnly: await tokenFor(stack, t.tenantId, { roles: ['email-only'] }),
        unknownRole: await tokenFor(stack, t.tenantId, { roles: ['not-a-role'] }),
        platform: await platform(stack, t.tenantId),
      };
      for (const [who, token] of Object.entries(tokens)) {
        for (const report of flags) expect({ who, report, status: (await reports[report](token)).status }).toEqual({ who, report, status: 403 });
      }
      // The other attribute's role does see that attribute.
      expect((await behaviors(tokens.emailOnly, 'p1/cycles/c1', 'emailHours')).status).toBe(200);
    });

    it('a role among several is enough, and the Glint Administrator sees every report without any grant', async () => {
      const mixed = await tokenFor(stack, t.tenantId, { roles: ['no-flags', 'only-reportFilters'] });
      expect((await reports.reportFilters(mixed)).status).toBe(200);
      for (const report of flags) expect({ report, status: (await reports[report](t.admin)).status }).toEqual({ report, status: 200 });
    });

    it('another tenant, even its Glint Administrator with the same role names, learns nothing: 404', async () => {
      const other = newTenant();
      const otherAdmin = await glintAdmin(stack, other);
      const otherViewer = await tokenFor(stack, other, { roles: ['only-reportSections', 'hr'] });
      for (const token of [otherAdmin, otherViewer]) {
        for (const report of flags) expect({ report, status: (await reports[report](token)).status }).toEqual({ report, status: 404 });
      }
    });
  });
});

describe('thresholds, comments and changes', () => {
  let t: PipelineTenant;
  const withComments = (people: Respondent[]) => people.map((p, k) => (p.employeeKey >= personIn(3, 0) ? { ...p, comment: `Comment ${String(k).padStart(2, '0')}` } : p));

  beforeAll(async () => {
    t = await importedTenant('thresholds.csv');
    // Buckets of 4, 5, 9 and 10, and 3 newcomers without Insights data: the 4 and the 3 hide 7 people.
    await postResponses(t, 'p2', 'c3', withComments(respondents([4, 5, 9, 10], 3)));
    await stack.host.drain();
  });

  it('shows a group of exactly the threshold (5) and hides one of one below it (4), and "No data" under it', async () => {
    const report = await behaviors(t.admin, 'p2/cycles/c3');
    expect(statuses(report.body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'ok', 5],
      ['3', 'ok', 9],
      ['4', 'ok', 10],
      ['none', 'insufficient', null],
    ]);
  });

  it('shows comments only in a group of at least minCommentResponses (10), not in one of 9', async () => {
    const ten = await commentsReport(t.admin, 'meetingHours:4', 'p2/cycles/c3');
    expect(ten.status).toBe(200);
    expect(ten.body).toMatchObject({ group: '4', status: 'ok', commentsShown: true, continuationToken: null });
    expect(ten.body.comments).toHaveLength(10);
    // By item, then text: never in the order of the respondents.
    expect(ten.body.comments.map((c: { text: string }) => c.text)).toEqual([...ten.body.comments.map((c: { text: string }) => c.text)].sort());
    const nine = await commentsReport(t.admin, 'meetingHours:3', 'p2/cycles/c3');
    expect(nine.body).toMatchObject({ group: '3', status: 'ok', commentsShown: false, comments: [] });
    const hidden = await commentsReport(t.admin, 'meetingHours:1', 'p2/cycles/c3');
    expect(hidden.body).toMatchObject({ status: 'insufficient', commentsShown: false, comments: [] });
  });

  it('pages long comments with a continuation token', async () => {
    const long = (k: number) => `${String(k).padStart(2, '0')} ${'x'.repeat(9000)}`;
    await postResponses(t, 'p1', 'c1', respondents([0, 0, 0, 12]).map((p, k) => ({ ...p, comment: long(k) })));
    await stack.host.drain();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await commentsReport(t.admin, 'meetingHours:4', 'p1/cycles/c1', token);
      expect(page.status).toBe(200);
      seen.push(...page.body.comments.map((c: { text: string }) => c.text));
      token = page.body.continuationToken ?? undefined;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, k) => long(k)));
  });

  it('ends in a report of every response after a burst of concurrent posts', async () => {
    // Four posts at once, each bumping the cycle and queuing a refresh while one computes: the last
    // computation must cover them all.
    const people = respondents([0, 0, 12, 14]);
    await Promise.all([0, 1, 2, 3].map((k) => postResponses(t, 'p1', 'c2', people.filter((_, i) => i % 4 === k))));
    await stack.host.drain();
    expect(statuses((await behaviors(t.admin, 'p1/cycles/c2')).body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'insufficient', null],
      ['3', 'ok', 12],
      ['4', 'ok', 14],
      ['none', 'insufficient', null],
    ]);
  });

  it('follows a change of confidentiality settings', async () => {
    await t.call('PUT', '/api/settings/confidentiality', t.admin, { minResponses: 6, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 });
    await stack.host.drain();
    expect(statuses((await behaviors(t.admin, 'p2/cycles/c3')).body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'insufficient', null],
      ['3', 'ok', 9],
      ['4', 'ok', 10],
      ['none', 'insufficient', null],
    ]);
    await t.call('PUT', '/api/settings/confidentiality', t.admin, { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 });
    await stack.host.drain();
  });

  it('follows a change of ranges: people move buckets without a new import', async () => {
    await t.call('PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [1, 2, 3] });
    await stack.host.drain();
    // 2 hours is now bucket 3, 8, 12 and 20 hours bucket 4.
    const report = await behaviors(t.admin, 'p2/cycles/c3');
    expect(statuses(report.body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'insufficient', null],
      ['3', 'insufficient', null],
      ['4', 'ok', 24],
      ['none', 'insufficient', null],
    ]);
    expect(report.body.groups.map((g: { label: string }) => g.label)[3]).toBe('3 or more');
    await t.call('PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [6, 10, 15] });
    await stack.host.drain();
  });

  it('follows a new import: people whose hours changed move, people gone from the export fall into "No data"', async () => {
    // Everyone of bucket 1 now meets 20 hours; bucket 2 left the export.
    await t.upload('thresholds.csv', exportCsv(Array.from({ length: 4 * perBucket }, (_, p) => (p < perBucket ? 20 : p < 2 * perBucket ? undefined : bucketHours[Math.floor(p / perBucket)]!))));
    await t.call('POST', '/api/resync', t.admin);
    await stack.host.drain();
    const report = await behaviors(t.admin, 'p2/cycles/c3');
    expect(statuses(report.body)).toEqual([
      ['1', 'insufficient', null],
      ['2', 'insufficient', null],
      ['3', 'ok', 9],
      ['4', 'ok', 14],
      ['none', 'ok', 8],
    ]);
  });

  it('stops serving Insights-based reports when consent is revoked (409), and after a purge has none to serve', async () => {
    await t.call('DELETE', '/api/consent', t.global);
    const revoked = await behaviors(t.admin, 'p2/cycles/c3');
    expect(revoked.status).toBe(409);
    expect(revoked.body.type).toBe('/problems/consent-required');
    const { agreementVersion } = await t.call('GET', '/api/consent', t.global);
    await t.call('PUT', '/api/consent', t.global, { accept: true, agreementVersion });
    await t.call('DELETE', '/api/insights-data', t.admin);
    await stack.host.drain();
    const purged = await behaviors(t.admin, 'p2/cycles/c3');
    expect(purged.status).toBe(409);
    expect(purged.body.type).toBe('/problems/report-unavailable');
  });
});
