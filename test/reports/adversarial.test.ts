import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '../../shared/domain/weeks';
import { startAppStack, tokenFor, type AppStack } from '../support/app-stack';
import { derivableSubsetsSmallerThan } from '../support/derivability';
import { lastDataSunday, setUpTenant, type PipelineTenant } from '../support/pipeline-tenant';

// An attacker with report-filter rights on both attributes asks for every bucket filter the API
// allows and knows everything else an insider could: who is in which bucket of each attribute, and
// each item's overall score (Glint shows it). From the scores shown (a mean times a size is a sum) they
// try to compute someone's answer by differences. The data set is built to tempt them: meeting hours'
// bucket 1 is five people, email hours' bucket 1 is the same five and one more, so the two breakdowns
// together single that person out although each is fine on its own (SPEC section 12 judges one
// breakdown at a time). The exact check (test/support/derivability.ts) must find no set of fewer
// than `suppression` (2) respondents whose sum follows from what was shown, for any item.

let stack: AppStack;
const folder = mkdtempSync(path.join(tmpdir(), 'itg-adversarial-'));
const suppression = 2;

beforeAll(async () => {
  stack = await startAppStack({ INSIGHTS_FILE_ROOT: folder });
});

afterAll(async () => {
  await stack?.stop();
});

const people = 60;
const meetingHours = [2, 8, 12, 20]; // default ranges 6, 10, 15
const emailHours = [1, 4, 7, 9]; // default ranges 3, 6, 8
/** Bucket (0-3) per person and attribute: the nested pair first, then a fixed scatter. */
const meetingBucket = (p: number) => (p < 5 ? 0 : p === 5 ? 1 : 1 + ((p * 7) % 3));
const emailBucket = (p: number) => (p < 6 ? 0 : 1 + ((p * 5 + Math.floor(p / 3)) % 3));
const key = (p: number) => `person${p}@contoso.com`;
const newcomers = ['newcomer0@contoso.com', 'newcomer1@contoso.com', 'newcomer2@contoso.com']; // not in the export: "No data"

const itemIds = ['q1', 'q2', 'q3'];
/** Who answers what: everyone q1, some skip q2 and q3, so each item has its own population. */
const answers = (p: number, item: number) => item === 0 || (item === 1 && p % 9 !== 0) || (item === 2 && p % 4 !== 1);
const score = (p: number, item: number) => 1 + ((p * 13 + item * 5 + (p >> 2)) % 5);

interface Respondent {
  employeeKey: string;
  groups: string[]; // per attribute: '1'..'4' or 'none'
  scores: (number | undefined)[];
}

const respondents: Respondent[] = [
  ...Array.from({ length: people }, (_, p) => ({
    employeeKey: key(p),
    groups: [String(meetingBucket(p) + 1), String(emailBucket(p) + 1)],
    scores: itemIds.map((_, i) => (answers(p, i) ? score(p, i) : undefined)),
  })),
  ...newcomers.map((employeeKey, k) => ({ employeeKey, groups: ['none', 'none'], scores: itemIds.map((_, i) => (i === 0 || k > 0 ? 3 + i : undefined)) })),
];
const attributes = ['meetingHours', 'emailHours'];
const groups = ['1', '2', '3', '4', 'none'];

let t: PipelineTenant;
let attacker: string;

beforeAll(async () => {
  const lines = ['PersonId,MetricDate,Meeting hours,Email hours,IsActive'];
  for (let p = 0; p < people; p++) {
    for (let w = 0; w < 12; w++) lines.push(`${key(p)},${addDays(lastDataSunday, -7 * w)},${meetingHours[meetingBucket(p)]},${emailHours[emailBucket(p)]},TRUE`);
  }
  t = await setUpTenant(stack, { type: 'file', name: 'adversarial.csv', content: `${lines.join('\n')}\n` });
  await t.call('PUT', '/api/settings/confidentiality', t.admin, { minResponses: 5, suppression, minCommentResponses: 10, insightsMinGroupSize: 5 });
  const all = { reportFilters: true, reportSections: true, commentFilters: true };
  await t.call('PUT', '/api/roles/analyst', t.app, { name: 'Analyst', permissions: all });
  for (const metricId of attributes) {
    await t.call('PATCH', `/api/attributes/${metricId}`, t.admin, { roles: [{ roleId: 'analyst', reportFilters: true, reportSections: false, commentFilters: false }] });
  }
  await t.call('PUT', '/api/programs/p1/cycles/c1/items', t.app, {
    items: itemIds.map((itemId) => ({ itemId, text: `Item ${itemId}`, label: itemId, category: 'Engagement', scale: { min: 1, max: 5, favorableMin: 4 } })),
  });
  const ndjson = respondents.flatMap((r) => r.scores.flatMap((s, i) => (s === undefined ? [] : [JSON.stringify({ employeeKey: r.employeeKey, itemId: itemIds[i], score: s })])));
  const posted = await stack.call('POST', '/api/programs/p1/cycles/c1/responses', { token: t.app, rawBody: ndjson.join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
  expect(posted.status).toBe(200);
  await t.call('POST', '/api/programs/p1/enable', t.admin);
  await stack.host.drain();
  attacker = await tokenFor(stack, t.tenantId, { roles: ['analyst'] });
});

interface Shown {
  status: string;
  scores: (number | null)[];
}

/** Every filter the API allows the attacker: each bucket of each attribute. */
async function everyFilter(): Promise<Map<string, Shown>> {
  const shown = new Map<string, Shown>();
  for (const metricId of attributes) {
    for (const group of groups) {
      const response = await stack.call('GET', `/api/reports/programs/p1/cycles/c1/items?filter=${metricId}:${group}`, { token: attacker });
      expect(response.status).toBe(200);
      shown.set(`${metricId}:${group}`, { status: response.body.group.status, scores: response.body.group.items.map((i: { score: number | null }) => i.score) });
    }
  }
  return shown;
}

/** Per item, the sets of respondents (indexes) whose score sums the attacker knows. */
function knownSums(reveals: (metric: number, group: string, item: number) => boolean): number[][][] {
  return itemIds.map((_, item) => {
    const answerers = respondents.flatMap((r, i) => (r.scores[item] !== undefined ? [i] : []));
    const sets = [answerers]; // the item's overall score (every population here meets the threshold)
    attributes.forEach((_, m) =>
      groups.forEach((group) => {
        if (reveals(m, group, item)) sets.push(answerers.filter((i) => respondents[i]!.groups[m] === group));
      }),
    );
    return sets;
  });
}

it('has the attacker see the reports: filters answer, sections and comments do not', async () => {
  const shown = await everyFilter();
  expect([...shown.values()].some((s) => s.scores.some((x) => x !== null))).toBe(true);
  expect((await stack.call('GET', '/api/reports/programs/p1/cycles/c1/behaviors/meetingHours', { token: attacker })).status).toBe(403);
  expect((await stack.call('GET', '/api/reports/programs/p1/cycles/c1/comments?filter=meetingHours:1', { token: attacker })).status).toBe(403);
});

it('is a data set where judging each breakdown alone would give someone away (the attack is real)', async () => {
  const shown = await everyFilter();
  // What the attacker would learn if every group the breakdown rules call ok showed all its items.
  const naive = knownSums((m, group) => shown.get(`${attributes[m]}:${group}`)!.status === 'ok');
  const leaks = naive.map((sets) => derivableSubsetsSmallerThan(respondents.length, sets, suppression));
  expect(leaks.some((found) => found.length > 0)).toBe(true);
  expect(leaks[0]).toContainEqual([5]); // the person email's bucket 1 has and meeting's bucket 1 lacks
});

it('gives away no single respondent for any item, whatever the attacker combines', async () => {
  const shown = await everyFilter();
  const sets = knownSums((m, group, item) => shown.get(`${attributes[m]}:${group}`)!.scores[item] !== null);
  itemIds.forEach((itemId, item) => {
    expect({ itemId, derivable: derivableSubsetsSmallerThan(respondents.length, sets[item]!, suppression) }).toEqual({ itemId, derivable: [] });
  });
});
