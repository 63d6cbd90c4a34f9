import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metricCatalog } from '../../shared/domain/metrics';
import { addDays, sundayOnOrBefore } from '../../shared/domain/weeks';
import { glintAdmin, globalAdmin, newTenant, platform, startAppStack, type AppStack } from '../support/app-stack';
import { readSampleRows, sampleAvailable, shiftedSampleCsv } from '../support/sample-data';

// End to end on the real sample: file source → enable → backfill → pull → bucket → Table Storage,
// checked against an independent computation from the CSV written here, in BigInt decimals.

const maybe = sampleAvailable ? describe : describe.skip;
if (!sampleAvailable) console.warn('skipped: the Viva Insights sample is not beside the repository (../shared/data/vivainsights/)');

const scale = 10n ** 9n;
/** A decimal string as an integer count of 1e-9, exactly as written (rounded half up beyond 9 decimals). */
function nano(text: string): bigint {
  const [whole = '0', fraction = ''] = text.trim().split('.');
  const digits = (fraction + '0000000000').slice(0, 10);
  const value = BigInt(whole) * scale + BigInt(digits.slice(0, 9));
  return Number(digits[9]) >= 5 ? value + 1n : value;
}

/** Per metric: how many people fall in each bucket, computed straight from the CSV. */
function expectedCounts(): Record<string, [number, number, number, number]> {
  const rows = readSampleRows().filter((r) => r.IsActive === undefined || !/^(false|0)$/i.test(r.IsActive));
  const result: Record<string, [number, number, number, number]> = {};
  for (const metric of metricCatalog) {
    const column = metric.columns.find((c) => c in rows[0]!);
    if (!column) throw new Error(`sample has no column for ${metric.id}`);
    const perPerson = new Map<string, bigint[]>();
    for (const row of rows) {
      const text = row[column]!.trim();
      if (text === '') continue;
      const list = perPerson.get(row.PersonId!.trim().toLowerCase()) ?? [];
      list.push(nano(text));
      perPerson.set(row.PersonId!.trim().toLowerCase(), list);
    }
    const counts: [number, number, number, number] = [0, 0, 0, 0];
    for (const values of perPerson.values()) {
      const sum = values.reduce((a, b) => a + b, 0n);
      const n = BigInt(values.length);
      // mean < m  ⟺  sum < m × n, all in exact integers
      const bucket = metric.defaultMax.findIndex((m) => sum < nano(String(m)) * n);
      counts[bucket === -1 ? 3 : bucket]!++;
    }
    result[metric.id] = counts;
  }
  return result;
}

maybe('import of the real Viva Insights sample', () => {
  let stack: AppStack;
  const folder = mkdtempSync(path.join(tmpdir(), 'itg-sample-'));

  beforeAll(async () => {
    stack = await startAppStack({ INSIGHTS_FILE_ROOT: folder });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('enable → backfill → run succeeded, with the bucket counts of every metric as computed from the CSV', async () => {
    // Move the sample's ten weeks so that they end two Sundays ago, inside the 24-month backfill horizon.
    const thisSunday = sundayOnOrBefore(new Date().toISOString().slice(0, 10));
    const sampleLast = addDays(thisSunday, -14);
    // A cycle whose last Sunday is the week after the sample's last: its 12-week window covers all ten.
    const cycle = { cycleId: 'sample', name: 'Sample cycle', startDate: addDays(sampleLast, 1), endDate: addDays(sampleLast, 7) };

    const tenantId = newTenant();
    const [admin, global, app] = await Promise.all([glintAdmin(stack, tenantId), globalAdmin(stack, tenantId), platform(stack, tenantId)]);
    const call = async (method: string, route: string, token: string, body?: unknown) => {
      const response = await stack.call(method, route, { token, body });
      if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    const { agreementVersion } = await call('GET', '/api/consent', global);
    await call('PUT', '/api/consent', global, { accept: true, agreementVersion });
    await call('PUT', '/api/roles/hr', app, { name: 'HR', permissions: { reportFilters: true, reportSections: true, commentFilters: true } });
    for (const metric of metricCatalog) {
      await call('POST', '/api/attributes', admin, { metricId: metric.id, roles: [{ roleId: 'hr', reportFilters: true, reportSections: true, commentFilters: true }] });
    }
    const uploaded = await stack.call('PUT', '/api/insights-files/pq_sample.csv', { token: admin, rawBody: shiftedSampleCsv(sampleLast), headers: { 'content-type': 'text/csv' } });
    expect(uploaded.status).toBe(201);
    await call('PUT', '/api/insights-source', admin, { type: 'file', name: 'pq_sample.csv', employeeKeyColumn: 'PersonId' });
    await call('PUT', '/api/programs/engagement', app, { name: 'Engagement', cycles: [cycle] });
    // The tiniest thresholds the product allows, so that few buckets are hidden from the comparison.
    await call('PUT', '/api/settings/confidentiality', admin, { minResponses: 3, suppression: 1, minCommentResponses: 3, insightsMinGroupSize: 5 });

    const { runs } = await call('POST', '/api/programs/engagement/enable', admin);
    expect(runs).toEqual([expect.objectContaining({ cycleId: 'sample', runDate: addDays(sampleLast, 7) })]);
    await stack.host.drain({ timeoutMs: 60_000 });

    const run = await call('GET', `/api/imports/${runs[0].runId}`, admin);
    expect(run).toMatchObject({ status: 'succeeded', window: { from: addDays(sampleLast, -77), to: sampleLast }, invalidRows: 0, matchedEmployees: 100 });
    expect(run.progress).toMatchObject({ employees: 100 });
    expect(run.progress.chunksDone).toBe(run.progress.chunksTotal);
    const program = await call('GET', '/api/programs/engagement', admin);
    expect(program.cycles[0].importState).toMatchObject({ status: 'succeeded', final: true, lastRunId: runs[0].runId });

    // SPEC 7, written out here on its own: under the threshold (zero included) is hidden; a lone hidden
    // count takes the next smallest (first in bucket order) with it.
    const shownCounts = (counts: number[], threshold: number) => {
      const shown: (number | null)[] = counts.map((c) => (c < threshold ? null : c));
      if (shown.filter((c) => c === null).length === 1) {
        const smallest = Math.min(...shown.filter((c): c is number => c !== null));
        shown[shown.indexOf(smallest)] = null;
      }
      return shown;
    };
    const expected = expectedCounts();
    for (const metric of metricCatalog) {
      const { buckets } = await call('GET', `/api/attributes/${metric.id}/distribution?programId=engagement&cycleId=sample`, admin);
      const counts = expected[metric.id]!;
      expect({ metric: metric.id, buckets: buckets.map((b: { employees: number | null }) => b.employees) }).toEqual({
        metric: metric.id,
        buckets: shownCounts(counts, 5),
      });
      expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
    }
  });
});
