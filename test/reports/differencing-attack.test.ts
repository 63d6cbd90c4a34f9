import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { odata, TableClient } from '@azure/data-tables';
import { decideCycle, type ConfidentialitySettings } from '../../shared/domain/confidentiality';
import { ReportHistoryStore } from '../../shared/reports/history-store';
import { addDays } from '../../shared/domain/weeks';
import { startAppStack, type AppStack } from '../support/app-stack';
import { derivableSubsetsSmallerThan, isDerivable } from '../support/derivability';
import { lastDataSunday, setUpTenant, type PipelineTenant } from '../support/pipeline-tenant';

// The differencing attack of issue 13, through the local host. A Glint Administrator moves the top
// range of meeting hours one person at a time and responses keep arriving; every report, filter,
// comment and distribution answer is collected after each step. The test knows every person's hours
// and answers, so it computes who was in which group itself, and an exact checker (rational
// arithmetic, test/support/derivability.ts) looks for a single person's score, favorable flag or
// comment in everything collected. The same steps decided one at a time, without the cycle's history,
// give people away: the attack is real.

let stack: AppStack;
const folder = mkdtempSync(path.join(tmpdir(), 'itg-attack-'));
const settings: ConfidentialitySettings = { minResponses: 5, suppression: 2, minCommentResponses: 5, insightsMinGroupSize: 5 };

beforeAll(async () => {
  stack = await startAppStack({ INSIGHTS_FILE_ROOT: folder });
});

afterAll(async () => {
  await stack?.stop();
});

// 40 people with distinct meeting hours on the preview's 0.25 h grid: person p meets 2 + p/2 hours a week.
const people = 40;
const hoursOf = (p: number) => 2 + p / 2;
const keyOf = (p: number) => `person${p}@contoso.com`;
const items = ['q1', 'q2'];
const scoreOf = (p: number, i: number) => 1 + ((p * (i === 0 ? 7 : 3) + i) % 5);
const commentOf = (p: number) => `Comment of person ${p}`;

/** Bucket 1..4 of SPEC section 4: [0, m1), [m1, m2), [m2, m3), m3 or more; as group index 0..3. */
const groupOf = (hours: number, max: readonly number[]) => (hours < max[0]! ? 0 : hours < max[1]! ? 1 : hours < max[2]! ? 2 : 3);

interface Step {
  max: [number, number, number];
  /** Who has responded by then. */
  respondents: number[];
}

const firstRespondents = Array.from({ length: people }, (_, p) => p).filter((p) => p !== 5 && p !== 35 && p !== 38);
const steps: Step[] = [
  { max: [6, 10, 17], respondents: firstRespondents },
  // Bucket 4 gains exactly one person (16.5 h), then one more (16 h).
  { max: [6, 10, 16.5], respondents: firstRespondents },
  { max: [6, 10, 16], respondents: firstRespondents },
  // Two responses arrive together, one in bucket 1 and one in bucket 4: the overall score gives their sum only.
  { max: [6, 10, 16], respondents: [...firstRespondents, 5, 35].sort((a, b) => a - b) },
  // And back to where the attacker started.
  { max: [6, 10, 17], respondents: [...firstRespondents, 5, 35].sort((a, b) => a - b) },
];

interface Collected {
  step: number;
  /** Per item, per group 0-4: the shown score and favorable share, or null. */
  shown: ({ score: number; favorable: number } | null)[][];
  /** Per group 0-4: the comments shown, or null where the group shows none. */
  comments: (string[] | null)[];
}

function exportCsv(): string {
  const lines = ['PersonId,MetricDate,Meeting hours,IsActive'];
  for (let p = 0; p < people; p++) for (let w = 0; w < 12; w++) lines.push(`${keyOf(p)},${addDays(lastDataSunday, -7 * w)},${hoursOf(p)},TRUE`);
  return `${lines.join('\n')}\n`;
}

async function post(t: PipelineTenant, respondents: readonly number[]): Promise<void> {
  const lines = respondents.flatMap((p) => items.map((itemId, i) => JSON.stringify({ employeeKey: keyOf(p), itemId, score: scoreOf(p, i), ...(i === 0 ? { comment: commentOf(p) } : {}) })));
  const response = await stack.call('POST', '/api/programs/p1/cycles/c1/responses', { token: t.app, rawBody: lines.join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
  expect(response.status).toBe(200);
}

const groupKeys = ['1', '2', '3', '4', 'none'];

async function collect(t: PipelineTenant, step: number): Promise<Collected> {
  const behaviors = await stack.call('GET', '/api/reports/programs/p1/cycles/c1/behaviors/meetingHours', { token: t.admin });
  expect(behaviors.status).toBe(200);
  const shown = items.map(() => groupKeys.map((): { score: number; favorable: number } | null => null));
  const comments: (string[] | null)[] = [];
  for (const [g, key] of groupKeys.entries()) {
    const group = behaviors.body.groups.find((x: { group: string }) => x.group === key);
    const filtered = await stack.call('GET', `/api/reports/programs/p1/cycles/c1/items?filter=meetingHours:${key}`, { token: t.admin });
    expect(filtered.status).toBe(200);
    items.forEach((itemId, i) => {
      const fromReport = group.items.find((x: { itemId: string }) => x.itemId === itemId);
      const fromFilter = filtered.body.group.items.find((x: { itemId: string }) => x.itemId === itemId);
      // The report and the filter show one decision; a score and its favorable share go together.
      expect(fromFilter).toEqual(fromReport);
      expect(fromReport.score === null).toBe(fromReport.favorable === null);
      if (fromReport.score !== null) shown[i]![g] = { score: fromReport.score, favorable: fromReport.favorable };
    });
    const texts: string[] = [];
    let token: string | null = null;
    let commentsShown: boolean;
    do {
      const page = await stack.call('GET', `/api/reports/programs/p1/cycles/c1/comments?filter=meetingHours:${key}${token ? `&continuationToken=${token}` : ''}`, { token: t.admin });
      expect(page.status).toBe(200);
      commentsShown = page.body.commentsShown;
      texts.push(...page.body.comments.map((c: { text: string }) => c.text));
      token = page.body.continuationToken;
    } while (token);
    comments.push(commentsShown ? texts : null);
  }
  // The distribution, saved and previewed one step further: SPEC 7, nothing under the threshold shown.
  for (const max of [undefined, '6,10,15.75']) {
    const counts = await t.distribution('meetingHours', { programId: 'p1', cycleId: 'c1', ...(max ? { max } : {}) });
    expect(counts.every((n) => n === null || n >= 5)).toBe(true);
    expect(counts.filter((n) => n === null).length).not.toBe(1);
  }
  return { step, shown, comments };
}

/** The sets whose sums the attacker holds: each shown group's answerers per item and step, and (Glint's) overall score per step. */
function sumsShown(shownAt: (step: number, item: number, group: number) => boolean): { all: number[][]; overall: number[][] } {
  const overall = steps.map((s) => s.respondents);
  const groups = steps.flatMap((s, k) => items.flatMap((_, i) => [0, 1, 2, 3].filter((g) => shownAt(k, i, g)).map((g) => s.respondents.filter((p) => groupOf(hoursOf(p), s.max) === g))));
  return { all: [...overall, ...groups], overall };
}

const singledOut = (sets: { all: number[][]; overall: number[][] }) =>
  derivableSubsetsSmallerThan(people, sets.all, 2)
    .map(([p]) => p!)
    .filter((p) => !isDerivable(people, sets.overall, [p]));

/** Rows of the tenant's report history (per-person data derived from Insights). */
async function historyRows(tenantId: string): Promise<number> {
  const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'reporthistory', { allowInsecureConnection: true });
  let rows = 0;
  for await (const row of table.listEntities({ queryOptions: { filter: odata`PartitionKey ge ${`${tenantId}|`} and PartitionKey lt ${`${tenantId}}`}`, select: ['RowKey'] } })) if (row.rowKey) rows++;
  return rows;
}

describe('the differencing attack across versions', () => {
  let collected: Collected[];
  let t: PipelineTenant;

  beforeAll(async () => {
    t = await setUpTenant(stack, { type: 'file', name: 'attack.csv', content: exportCsv() });
    const cycle = { cycleId: 'c1', name: 'c1', startDate: addDays(lastDataSunday, 1), endDate: addDays(lastDataSunday, 7) };
    await t.call('PUT', '/api/programs/p1', t.app, { name: 'P1', cycles: [cycle] });
    await t.call('PUT', '/api/settings/confidentiality', t.admin, settings);
    await t.call('PUT', '/api/programs/p1/cycles/c1/items', t.app, {
      items: items.map((itemId) => ({ itemId, text: itemId, label: itemId, category: 'Engagement', scale: { min: 1, max: 5, favorableMin: 4 } })),
    });
    await t.call('PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: steps[0]!.max });
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    collected = [];
    let posted: number[] = [];
    for (const [k, step] of steps.entries()) {
      await t.call('PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: step.max });
      const arriving = step.respondents.filter((p) => !posted.includes(p));
      if (arriving.length > 0) await post(t, arriving);
      posted = step.respondents;
      await stack.host.drain();
      collected.push(await collect(t, k));
    }
  }, 240_000);

  it('the same steps decided one at a time would give people away (the attack is real)', () => {
    const blind = steps.map((step) => {
      const groups = Uint8Array.from(step.respondents.map((p) => groupOf(hoursOf(p), step.max)));
      return decideCycle({ metricCount: 1, itemCount: items.length, respondentCount: step.respondents.length, groups, answered: () => true }, settings);
    });
    const leaked = singledOut(sumsShown((k, i, g) => blind[k]!.itemShown[0]![g]![i]!));
    expect(leaked).toEqual(expect.arrayContaining([28, 29]));
  });

  it('gives away no score or favorable flag across every version it showed', () => {
    // Every report showed numbers: the protection did not simply hide everything.
    for (const c of collected) expect(c.shown.flat().filter(Boolean).length).toBeGreaterThan(0);
    // The numbers shown are the true means of the groups the test computes itself.
    collected.forEach((c, k) =>
      c.shown.forEach((groups, i) =>
        groups.forEach((shown, g) => {
          if (!shown) return;
          const members = steps[k]!.respondents.filter((p) => groupOf(hoursOf(p), steps[k]!.max) === g);
          const mean = members.reduce((sum, p) => sum + scoreOf(p, i), 0) / members.length;
          expect(shown.score).toBeCloseTo(mean, 2);
        }),
      ),
    );
    expect(singledOut(sumsShown((k, i, g) => collected[k]!.shown[i]![g] !== null))).toEqual([]);
  });

  it('gives away no comment: no comment list narrows its author below what one version shows', () => {
    // A comment's place: the lists (step, group) it is in. Its author is hidden among everyone whose
    // place would be the same, and who answered in the same steps (Glint's overall lists show that).
    // Everyone comments on q1, so a list without comments shows none of them (its item is withheld).
    // Every step showed some comments: the protection did not simply hide them all.
    for (const c of collected) expect(c.comments.some((texts) => (texts?.length ?? 0) > 0)).toBe(true);
    const lists = collected.flatMap((c, k) => c.comments.flatMap((texts, g) => (texts === null || texts.length === 0 || g === 4 ? [] : [{ k, members: steps[k]!.respondents.filter((p) => groupOf(hoursOf(p), steps[k]!.max) === g), texts }])));
    for (const c of collected) for (const texts of c.comments) for (const text of texts ?? []) expect(text).toMatch(/^Comment of person \d+$/);
    const answeredBy = (upTo: number) => (p: number) => steps.slice(0, upTo + 1).map((s) => s.respondents.includes(p)).join();
    steps.forEach((step, k) => {
      if (k === 0) return;
      const placeOf = (upTo: number) => (p: number) => `${lists.filter((l) => l.k <= upTo).map((l) => (l.members.includes(p) ? 1 : 0)).join('')}|${answeredBy(upTo)(p)}`;
      const everyone = Array.from({ length: people }, (_, p) => p).filter((p) => steps.slice(0, k + 1).some((s) => s.respondents.includes(p)));
      const count = (key: (p: number) => string, p: number) => everyone.filter((u) => key(u) === key(p)).length;
      for (const p of step.respondents) {
        const together = count(placeOf(k), p);
        const narrowed = together < settings.minCommentResponses && together < count(placeOf(k - 1), p) && together < count(answeredBy(k), p);
        expect({ step: k, person: p, narrowed }).toEqual({ step: k, person: p, narrowed: false });
      }
    });
  });

  it("an attribute's deletion deletes its columns from the history; added again, it shows no scores in that cycle", async () => {
    const history = new ReportHistoryStore(TableClient.fromConnectionString(stack.azurite.connectionString, 'reporthistory', { allowInsecureConnection: true }));
    const scope = { tenantId: t.tenantId, programId: 'p1', cycleId: 'c1' };
    const emailScores = async () => {
      const report = await stack.call('GET', '/api/reports/programs/p1/cycles/c1/behaviors/emailHours', { token: t.admin });
      expect(report.status).toBe(200);
      return report.body.groups.flatMap((g: { items: { score: number | null }[] }) => g.items.map((i) => i.score)).filter((score: number | null) => score !== null);
    };
    // Nobody has email hours in the export: everyone is in "No data", which shows its scores.
    expect((await emailScores()).length).toBeGreaterThan(0);
    expect((await history.load(scope)).every((v) => v.metricIds.includes('emailHours'))).toBe(true);

    await t.call('DELETE', '/api/attributes/emailHours', t.admin);
    await stack.host.drain();
    const versions = await history.load(scope);
    expect(versions.length).toBeGreaterThan(steps.length - 1);
    expect(versions.some((v) => v.metricIds.includes('emailHours'))).toBe(false);
    expect(versions.every((v) => v.metricIds.includes('meetingHours'))).toBe(true);

    await t.call('POST', '/api/attributes', t.admin, { metricId: 'emailHours', roles: [{ roleId: 'hr', reportFilters: true, reportSections: true, commentFilters: true }] });
    await t.call('POST', '/api/resync', t.admin);
    await stack.host.drain();
    expect(await emailScores()).toEqual([]);
    // The other attribute goes on as before.
    const meeting = await stack.call('GET', '/api/reports/programs/p1/cycles/c1/behaviors/meetingHours', { token: t.admin });
    expect(meeting.body.groups.some((g: { items: { score: number | null }[] }) => g.items.some((i) => i.score !== null))).toBe(true);
  });

  it('the history goes with the data it came from, and what it covered shows no scores again', async () => {
    expect(await historyRows(t.tenantId)).toBeGreaterThan(0);
    await t.call('DELETE', '/api/insights-data', t.global);
    await stack.host.drain();
    expect(await historyRows(t.tenantId)).toBe(0);
    // Imported again: the cycle's earlier reports can no longer be checked against, so its
    // breakdowns show their groups but no score or comment.
    await t.call('POST', '/api/resync', t.admin);
    await stack.host.drain();
    const report = await stack.call('GET', '/api/reports/programs/p1/cycles/c1/behaviors/meetingHours', { token: t.admin });
    expect(report.status).toBe(200);
    expect(report.body.groups.some((g: { status: string }) => g.status === 'ok')).toBe(true);
    expect(report.body.groups.flatMap((g: { items: { score: number | null }[] }) => g.items.map((i) => i.score)).every((score: number | null) => score === null)).toBe(true);
  });
});
