import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays } from '../../shared/domain/weeks';
import { startAppStack, type AppStack } from '../support/app-stack';
import { lastDataSunday, personQueryCsv, setUpTenant, storedValues, type PipelineTenant } from '../support/pipeline-tenant';
import { readSampleRows, sampleAvailable, shiftedSampleCsv } from '../support/sample-data';

// The data-quality rules (issue 17) through the API, the local host and Azurite. What each rule should
// do is computed here, by a plain implementation of the vivainsights definitions written for the test
// (sample SD; holiday z < -sd; inactive z <= -sd; non-knowledge worker mean < threshold), and compared
// with what the import stored and reported.

let stack: AppStack;
const folder = mkdtempSync(path.join(tmpdir(), 'itg-dq-'));

beforeAll(async () => {
  stack = await startAppStack({ INSIGHTS_FILE_ROOT: folder });
});

afterAll(async () => {
  await stack?.stop();
});

// ---- the independent computation ----

interface Row {
  person: string;
  week: string;
  collab: number | null;
  meeting: number | null;
}

interface Rules {
  holiday?: number;
  inactive?: number;
  nkw?: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleSd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const groupBy = <T>(items: T[], key: (item: T) => string) => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

function expectedCleaning(rows: Row[], rules: Rules) {
  const withCollab = rows.filter((r) => r.collab !== null) as (Row & { collab: number })[];
  const weekly = [...groupBy(withCollab, (r) => r.week)].map(([week, rs]) => ({ week, mean: mean(rs.map((r) => r.collab)) }));
  const weeklyMeans = weekly.map((w) => w.mean);
  const holidays =
    rules.holiday === undefined
      ? []
      : weekly
          .map((w) => ({ week: w.week, meanHours: w.mean, z: (w.mean - mean(weeklyMeans)) / sampleSd(weeklyMeans) }))
          .filter((w) => w.z < -rules.holiday!)
          .sort((a, b) => (a.week < b.week ? -1 : 1));
  const excluded = new Set<string>(rules.holiday === undefined ? [] : rows.filter((r) => holidays.some((h) => h.week === r.week)).map((r) => `${r.person}|${r.week}`));
  const nkw = new Set<string>();
  for (const [person, rs] of groupBy(withCollab, (r) => r.person)) {
    const hours = rs.map((r) => r.collab);
    if (rules.nkw !== undefined && mean(hours) < rules.nkw) nkw.add(person);
    if (rules.inactive !== undefined && hours.length > 1 && sampleSd(hours) > 0) {
      for (const r of rs) if ((r.collab - mean(hours)) / sampleSd(hours) <= -rules.inactive) excluded.add(`${person}|${r.week}`);
    }
  }
  // Meeting hours, the attribute: means over the weeks left, in the stored form (integer hours here).
  const values = new Map<string, { s_meetingHours: number; w_meetingHours: number; b_meetingHours: number }>();
  let personWeeksExcluded = 0;
  for (const [person, rs] of groupBy(rows, (r) => r.person)) {
    if (nkw.has(person)) continue;
    const kept = rs.filter((r) => r.meeting !== null && !excluded.has(`${person}|${r.week}`)).map((r) => r.meeting!);
    personWeeksExcluded += rs.filter((r) => r.meeting !== null && excluded.has(`${person}|${r.week}`)).length;
    if (kept.length === 0) continue;
    const m = mean(kept);
    values.set(person, { s_meetingHours: kept.reduce((a, b) => a + b, 0) * 1e9, w_meetingHours: kept.length, b_meetingHours: m < 6 ? 1 : m < 10 ? 2 : m < 15 ? 3 : 4 });
  }
  return { holidays, nkw, personWeeksExcluded, values };
}

// ---- a person query made by hand: 12 weeks ending lastDataSunday ----

const weekOf = (index: number) => addDays(lastDataSunday, -7 * (11 - index));

function handMadeRows(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 10; i++) {
    // Ten colleagues; week 5 is a holiday for everybody, with little collaboration and no meetings.
    for (let w = 0; w < 12; w++) rows.push({ person: `colleague${i}@contoso.com`, week: weekOf(w), collab: w === 5 ? 3 : 20 + (i % 3), meeting: w === 5 ? 0 : 5 + i });
  }
  // Away in week 8 alone (and on holiday in week 5 like everyone).
  for (let w = 0; w < 12; w++) rows.push({ person: 'away@contoso.com', week: weekOf(w), collab: w === 8 ? 1 : w === 5 ? 3 : 22, meeting: w === 8 || w === 5 ? 0 : 9 });
  // Barely collaborates: a non-knowledge worker at the default 5 hours.
  for (let w = 0; w < 12; w++) rows.push({ person: 'floor@contoso.com', week: weekOf(w), collab: 2, meeting: 1 });
  // Three weeks of data, one of them without Collaboration hours.
  for (let w = 0; w < 3; w++) rows.push({ person: 'new@contoso.com', week: weekOf(w), collab: w === 1 ? null : 12, meeting: 7 + w });
  return rows;
}

function csvOf(rows: Row[]): string {
  // Collaboration hours is not an attribute of the tenant: the rules read it all the same.
  const lines = ['PersonId,MetricDate,Collaboration_hours,Meeting_hours,IsActive'];
  for (const r of rows) lines.push(`${r.person},${r.week},${r.collab ?? ''},${r.meeting ?? ''},TRUE`);
  return `${lines.join('\n')}\n`;
}

const allOff = {
  holidayWeeks: { enabled: false, sd: 1 },
  inactiveWeeks: { enabled: false, sd: 2 },
  nonKnowledgeWorkers: { enabled: false, minHours: 5 },
};
const settingOf = (rules: Rules) => ({
  holidayWeeks: { enabled: rules.holiday !== undefined, sd: rules.holiday ?? 1 },
  inactiveWeeks: { enabled: rules.inactive !== undefined, sd: rules.inactive ?? 2 },
  nonKnowledgeWorkers: { enabled: rules.nkw !== undefined, minHours: rules.nkw ?? 5 },
});

async function tenantWith(csv: string, rules?: Rules): Promise<PipelineTenant> {
  const t = await setUpTenant(stack, { type: 'file', name: 'pq.csv', content: csv });
  if (rules) await t.call('PUT', '/api/settings/data-quality', t.admin, settingOf(rules));
  return t;
}

async function importNow(t: PipelineTenant) {
  const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
  await stack.host.drain();
  return t.call('GET', `/api/imports/${runs[0].runId}`, t.admin);
}

/** The stored meeting-hours values by person. */
async function meetingValues(t: PipelineTenant) {
  const stored = await storedValues(stack, t.tenantId);
  return new Map(stored.map((e) => [e.employeeKey as string, { s_meetingHours: e.s_meetingHours, w_meetingHours: e.w_meetingHours, b_meetingHours: e.b_meetingHours }]));
}

const round = (n: number) => Math.round(n * 100) / 100;

describe('the data-quality setting', () => {
  it('is all off at first; a Glint Administrator changes it (audited, If-Match); bad input changes nothing', async () => {
    const t = await tenantWith(personQueryCsv(5));
    const initial = await stack.call('GET', '/api/settings/data-quality', { token: t.admin });
    expect(initial.body).toEqual({ ...allOff, updatedAt: null });
    expect((await stack.call('GET', '/api/settings/data-quality', { token: t.app })).status).toBe(403);

    const on = settingOf({ holiday: 1.5, nkw: 4 });
    const put = await t.call('PUT', '/api/settings/data-quality', t.admin, on);
    expect(put).toEqual({ ...on, updatedAt: expect.any(String), reimportRunIds: [] }); // nothing imported yet
    const audit = (await t.call('GET', '/api/audit?limit=10', t.admin)).entries;
    expect(audit[0]).toMatchObject({ action: 'data-quality.put', before: allOff, after: { ...on, reimportRunIds: [] } });

    const read = await stack.call('GET', '/api/settings/data-quality', { token: t.admin });
    const etag = read.headers.get('etag')!;
    const bad: [unknown, number, string | undefined][] = [
      [{ ...on, holidayWeeks: { enabled: true, sd: 0 } }, 422, 'body.holidayWeeks.sd'],
      [{ ...on, inactiveWeeks: { enabled: true, sd: -1 } }, 422, 'body.inactiveWeeks.sd'],
      [{ ...on, nonKnowledgeWorkers: { enabled: true, minHours: 169 } }, 422, 'body.nonKnowledgeWorkers.minHours'],
      [{ ...on, nonKnowledgeWorkers: { enabled: true, minHours: '5' } }, 400, undefined],
      [{ ...on, extra: true }, 400, undefined],
    ];
    for (const [body, status, errorPath] of bad) {
      const response = await stack.call('PUT', '/api/settings/data-quality', { token: t.admin, body });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect({ status: response.status, path: errorPath && response.body.errors[0].path }).toEqual({ status, path: errorPath });
    }
    expect((await stack.call('PUT', '/api/settings/data-quality', { token: t.admin, body: allOff, headers: { 'if-match': etag } })).status).toBe(200);
    expect((await stack.call('PUT', '/api/settings/data-quality', { token: t.admin, body: on, headers: { 'if-match': etag } })).status).toBe(412);
    expect((await t.call('GET', '/api/settings/data-quality', t.admin))).toMatchObject(allOff);
    expect((await t.call('GET', '/api/audit?limit=20', t.admin)).entries.filter((e: { action: string }) => e.action === 'data-quality.put')).toHaveLength(2);
  });
});

describe('each rule on a hand-made person query', () => {
  const rows = handMadeRows();
  const cases: [string, Rules][] = [
    ['holiday weeks (sd 1)', { holiday: 1 }],
    ['inactive weeks (sd 2)', { inactive: 2 }],
    ['non-knowledge workers (5 hours)', { nkw: 5 }],
    ['all three', { holiday: 1, inactive: 2, nkw: 5 }],
  ];
  it.each(cases)('%s: the stored values and the run figures are those computed here', async (_name, rules) => {
    const expected = expectedCleaning(rows, rules);
    // The hand-made query is made so that every rule finds something.
    if (rules.holiday) expect(expected.holidays.map((h) => h.week)).toEqual([weekOf(5)]);
    if (rules.inactive) expect(expected.personWeeksExcluded).toBeGreaterThan(0);
    if (rules.nkw) expect([...expected.nkw]).toEqual(['floor@contoso.com']);

    const t = await tenantWith(csvOf(rows), rules);
    const run = await importNow(t);
    // Without Glint's roster, who is unmatched is unknown (issue 15): null, not a count.
    expect(run).toMatchObject({ status: 'succeeded', matchedEmployees: expected.values.size, unmatchedInsightsPersons: null });
    expect(run.dataQuality).toEqual({
      rules: settingOf(rules),
      holidayWeeks: expected.holidays.map((h) => ({ week: h.week, meanHours: round(h.meanHours), z: round(h.z) })),
      personWeeksExcluded: expected.personWeeksExcluded,
      nonKnowledgeWorkers: expected.nkw.size,
    });
    expect(await meetingValues(t)).toEqual(expected.values);
  });

  it('with every rule off stores exactly what an import without the setting stores, as computed here', async () => {
    const never = await tenantWith(csvOf(rows));
    const neverRun = await importNow(never);
    // Switched on and off again, with other parameters: off is off.
    const toggled = await tenantWith(csvOf(rows), { holiday: 0.5, inactive: 1, nkw: 30 });
    await toggled.call('PUT', '/api/settings/data-quality', toggled.admin, { ...allOff, holidayWeeks: { enabled: false, sd: 0.5 } });
    const toggledRun = await importNow(toggled);
    expect(neverRun.dataQuality).toBeUndefined();
    expect(toggledRun.dataQuality).toBeUndefined();
    const stored = await storedValues(stack, never.tenantId);
    expect(await storedValues(stack, toggled.tenantId)).toEqual(stored);
    expect(await meetingValues(never)).toEqual(expectedCleaning(rows, {}).values);
    // Byte for byte: the entities hold nothing beyond what they held before the rules existed.
    expect(Object.keys(stored[0]!).sort()).toEqual(['b_meetingHours', 'employeeKey', 'partition', 'rowKey', 's_meetingHours', 'w_meetingHours']);
  });

  it('a change of the setting re-imports the cycle, whose reports then read the cleaned values', async () => {
    const t = await tenantWith(csvOf(rows));
    const first = await importNow(t);
    const all = { holiday: 1, inactive: 2, nkw: 5 };
    const put = await t.call('PUT', '/api/settings/data-quality', t.admin, settingOf(all));
    expect(put.reimportRunIds).toHaveLength(1);
    // The same effect again re-imports nothing.
    expect((await t.call('PUT', '/api/settings/data-quality', t.admin, settingOf(all))).reimportRunIds).toEqual([]);
    await stack.host.drain();
    const reimport = await t.call('GET', `/api/imports/${put.reimportRunIds[0]}`, t.admin);
    expect(reimport).toMatchObject({ status: 'succeeded', runDate: first.runDate, window: first.window, dataQuality: { nonKnowledgeWorkers: 1 } });
    const program = await t.call('GET', '/api/programs/p1', t.admin);
    expect(program.cycles[0].importState.lastRunId).toBe(put.reimportRunIds[0]);
    expect(await meetingValues(t)).toEqual(expectedCleaning(rows, all).values);
  });

  it('with Glint’s roster: a person the rules left out whole is unmatched for that reason, not for a missing week', async () => {
    const all = { holiday: 1, inactive: 2, nkw: 5 };
    const expected = expectedCleaning(rows, all);
    const people = [...new Set(rows.map((r) => r.person)), 'nobody@contoso.com'];
    // Here, independently: kept values match; data the rules took whole is their doing; a person absent from the query is absent.
    const reasonOf = (person: string) =>
      rows.some((r) => r.person === person && r.meeting !== null) ? 'excluded-by-data-quality' : rows.some((r) => r.person === person) ? 'no-week-in-window' : 'not-in-person-query';
    const unmatched = people.filter((p) => !expected.values.has(p)).sort().map((p) => [p, reasonOf(p)]);
    expect(unmatched).toEqual([['floor@contoso.com', 'excluded-by-data-quality'], ['nobody@contoso.com', 'not-in-person-query']]);

    const t = await tenantWith(csvOf(rows), all);
    const roster = people.map((p) => JSON.stringify({ employeeKey: p, email: p, status: 'active' })).join('\n');
    expect((await stack.call('PUT', '/api/employees', { token: t.app, rawBody: roster, headers: { 'content-type': 'application/x-ndjson' } })).status).toBe(200);
    const run = await importNow(t);
    expect(run).toMatchObject({ status: 'succeeded', matchedEmployees: expected.values.size, unmatchedGlintEmployees: unmatched.length, unmatchedInsightsPersons: 0 });
    const diagnostics = await t.call('GET', `/api/imports/${run.runId}/diagnostics?limit=1000`, t.admin);
    expect(diagnostics.unmatched.map((u: { employeeKey: string; reason: string }) => [u.employeeKey, u.reason])).toEqual(unmatched);
    expect(diagnostics.reasons).toMatchObject({ 'excluded-by-data-quality': 1, 'no-week-in-window': 0, 'not-in-person-query': 1 });
  });
});

// ---- the real sample ----

const maybe = sampleAvailable ? describe : describe.skip;
if (!sampleAvailable) console.warn('skipped: the Viva Insights sample is not beside the repository (../shared/data/vivainsights/)');

maybe('the real Viva Insights sample', () => {
  // The packages' defaults find nothing in the sample (its lowest week has z = -0.997, its lowest
  // person 7.1 hours); the second rules find two weeks and a handful of persons.
  it.each([
    [{ holiday: 1, nkw: 5 }, 0],
    [{ holiday: 0.7, nkw: 9 }, 2],
  ])('with %o: the holiday weeks and non-knowledge workers found are those computed here from the CSV', async (rules, holidayWeeks) => {
    // The sample's ten weeks moved to end on lastDataSunday, inside cycle c1's window.
    const csv = shiftedSampleCsv(lastDataSunday);
    const shift = (date: string) => addDays(date, Math.round((Date.parse(lastDataSunday) - Date.parse('2022-07-03')) / 86_400_000));
    const rows: Row[] = readSampleRows()
      .filter((r) => r.IsActive === undefined || !/^(false|0)$/i.test(r.IsActive))
      .map((r) => ({
        person: r.PersonId!.trim().toLowerCase(),
        week: shift(r.MetricDate!),
        collab: r.Collaboration_hours!.trim() === '' ? null : Number(r.Collaboration_hours),
        meeting: r.Meeting_hours!.trim() === '' ? null : Number(r.Meeting_hours),
      }));
    const expected = expectedCleaning(rows, rules);
    expect(expected.holidays).toHaveLength(holidayWeeks);

    const t = await tenantWith(csv, rules);
    const run = await importNow(t);
    expect(run).toMatchObject({ status: 'succeeded', matchedEmployees: 100 - expected.nkw.size });
    expect(run.dataQuality).toMatchObject({
      holidayWeeks: expected.holidays.map((h) => ({ week: h.week, meanHours: round(h.meanHours), z: round(h.z) })),
      nonKnowledgeWorkers: expected.nkw.size,
    });
    const stored = await storedValues(stack, t.tenantId);
    expect(new Set(stored.map((e) => e.employeeKey))).toEqual(new Set([...expected.values.keys()]));
  });
});
