import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simulatorFeedPath, type InsightsSimulator, type InsightsSimulatorOptions } from '../../local/insights-simulator';
import type { RawRecord } from '../../shared/insights/source';
import { glintAdmin, newTenant, startAppStack, type AppStack } from '../support/app-stack';
import { startRecordingListener, type RecordingListener } from '../support/recording-listener';
import { personQueryCsv, personQueryRecords, setUpTenant, simulatorFeed, storedEntities, type PipelineTenant, withSimulator as withSimulatorOf } from '../support/pipeline-tenant';

// Tenant isolation where the service reaches out (the README's "Tenant isolation"): which feed URLs a
// tenant may name, where its token may go, whose export files it may read, and how much work one
// tenant can make the shared instances do. Through the local host, against the Viva Insights
// simulator (which refuses a token of another tenant, as Viva Insights does) and a listener that
// records whatever reaches it, to prove that nothing, above all no token, goes anywhere else.

const limits = { pages: 5, pageBytes: 64 * 1024, rows: 1_000, pullSeconds: 4, fileBytes: 64 * 1024 };

let stack: AppStack;
let listener: RecordingListener;

beforeAll(async () => {
  listener = await startRecordingListener();
  stack = await startAppStack({
    INSIGHTS_FILE_ROOT: mkdtempSync(path.join(tmpdir(), 'itg-files-')),
    INSIGHTS_MAX_PAGES: String(limits.pages),
    INSIGHTS_MAX_PAGE_BYTES: String(limits.pageBytes),
    INSIGHTS_MAX_ROWS: String(limits.rows),
    INSIGHTS_MAX_PULL_SECONDS: String(limits.pullSeconds),
    INSIGHTS_FILE_MAX_BYTES: String(limits.fileBytes),
  });
});

afterAll(async () => {
  await stack?.stop();
  await listener?.stop();
});

afterEach(() => {
  // Nothing of any test ever reaches the listener, with or without a token.
  expect(listener.received).toEqual([]);
});

const withSimulator = <T>(use: (simulator: InsightsSimulator) => Promise<T>, options: Partial<InsightsSimulatorOptions> = {}) =>
  withSimulatorOf(stack, { people: 40, pageSize: 100, ...options }, use);

async function importRun(t: PipelineTenant): Promise<{ status: string; error: string | null; matchedEmployees: number }> {
  const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
  await stack.host.drain();
  return t.run(runs[0].runId);
}

const feedOn = (origin: string, tenantId: string) => `${origin}${simulatorFeedPath(tenantId)}`;

describe('the feed URL is a Viva Insights URL of the caller’s own tenant', () => {
  it('refuses other hosts, the metadata endpoint and another tenant’s path with 422, storing nothing and calling nothing', async () => {
    const tenantId = newTenant();
    const admin = await glintAdmin(stack, tenantId);
    const refused = [
      `https://attacker.example${simulatorFeedPath(tenantId)}`,
      `https://169.254.169.254${simulatorFeedPath(tenantId)}`,
      `http://169.254.169.254/metadata/identity/oauth2/token`,
      `https://workplaceanalytics.office.com.attacker.example${simulatorFeedPath(tenantId)}`,
      `https://workplaceanalytics.office.com:8443${simulatorFeedPath(tenantId)}`,
      `http://workplaceanalytics.office.com${simulatorFeedPath(tenantId)}`,
      `https://user:pass@workplaceanalytics.office.com${simulatorFeedPath(tenantId)}`,
      `https://workplaceanalytics.office.com/odata/query/abc/Persons`,
      feedOn(listener.origin, newTenant()),
    ];
    for (const url of refused) {
      const response = await stack.call('PUT', '/api/insights-source', { token: admin, body: { type: 'odata', url } });
      expect({ url, status: response.status, type: response.headers.get('content-type') }).toEqual({ url, status: 422, type: 'application/problem+json' });
      expect(response.body.errors[0].path).toBe('body.url');
    }
    expect((await stack.call('GET', '/api/insights-source', { token: admin })).status).toBe(404);
    expect((await stack.call('GET', '/api/audit', { token: admin })).body.entries).toEqual([]);
  });

  it('accepts the real shape on a Viva Insights host, and a loopback simulator in local mode', async () => {
    const tenantId = newTenant();
    const admin = await glintAdmin(stack, tenantId);
    for (const url of [`https://workplaceanalytics.office.com/${tenantId}/scopes/6f8e0a/jobsOData/3c2d1b/Persons`, feedOn(listener.origin, tenantId)]) {
      expect((await stack.call('PUT', '/api/insights-source', { token: admin, body: { type: 'odata', url } })).status).toBe(200);
    }
  });

  it('answers tenant B naming tenant A’s feed exactly as it answers any tenant’s but B’s own', async () => {
    const [tenantA, tenantB] = [newTenant(), newTenant()];
    const adminB = await glintAdmin(stack, tenantB);
    const answer = async (tenantId: string) => {
      const response = await stack.call('PUT', '/api/insights-source', { token: adminB, body: { type: 'odata', url: `https://workplaceanalytics.office.com/${tenantId}/scopes/s/jobsOData/j/Persons` } });
      return { status: response.status, errors: response.body.errors };
    };
    expect(await answer(tenantA)).toEqual(await answer(newTenant()));
    expect((await answer(tenantA)).status).toBe(422);
  });
});

describe('a pull stays on its feed, within its limits', () => {
  async function failedRun(faults: Parameters<InsightsSimulator['fault']>[0][], options: Partial<InsightsSimulatorOptions> = {}) {
    return withSimulator(async (simulator) => {
      const t = await setUpTenant(stack, simulatorFeed(simulator));
      for (const fault of faults) simulator.fault(fault);
      const run = await importRun(t);
      // Every token the simulator saw was the pulling tenant's own.
      expect(simulator.requests.filter((r) => r.tokenTenant !== null).every((r) => r.tokenTenant === t.tenantId)).toBe(true);
      expect(await storedEntities(stack, t.tenantId)).toEqual([]);
      expect(run.error ?? '').not.toMatch(/127\.0\.0\.1|localhost|:\d{2,5}\b/);
      return { run, requests: simulator.requests.length };
    }, options);
  }

  it('fails the run on a next link to another origin, and sends that origin nothing', async () => {
    const { run } = await failedRun([{ kind: 'next-link', url: `${listener.origin}/elsewhere/Persons?$skiptoken=50` }]);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/next-page link outside the configured feed/) });
  });

  it('fails the run on a redirect to another origin', async () => {
    const { run } = await failedRun([{ kind: 'redirect', location: `${listener.origin}/Persons` }]);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/redirected .* outside the configured feed/) });
  });

  it('fails the run on a next link seen before (a loop)', async () => {
    const { run, requests } = await failedRun([{ kind: 'loop' }]);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/again as the next page \(a loop\)/) });
    expect(requests).toBe(1);
  });

  it('fails an endless feed after INSIGHTS_MAX_PAGES pages', async () => {
    function* endless(): Generator<RawRecord> {
      for (let i = 0; ; i++) yield { PersonId: `p${i}@contoso.com`, MetricDate: '2024-01-07', 'Meeting hours': 1 };
    }
    const { run, requests } = await failedRun([], { records: endless, pageSize: 10 });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(new RegExp(`more than ${limits.pages} pages`)) });
    expect(requests).toBe(limits.pages);
  });

  it('fails on a page over INSIGHTS_MAX_PAGE_BYTES', async () => {
    const { run, requests } = await failedRun([], { records: () => personQueryRecords(100), pageSize: 1000 });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/larger than 64 KiB/) });
    expect(requests).toBe(1);
  });

  it('fails on more rows than INSIGHTS_MAX_ROWS', async () => {
    const { run } = await failedRun([], { records: () => personQueryRecords(100), pageSize: 300 });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(new RegExp(`more than ${limits.rows} rows`)) });
  });

  it('fails a pull that reads longer than INSIGHTS_MAX_PULL_SECONDS', async () => {
    const { run } = await failedRun([], { beforePage: () => new Promise((resolve) => setTimeout(resolve, 1_500)) });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(new RegExp(`longer than ${limits.pullSeconds} s`)) });
  });
});

describe('export files are per tenant', () => {
  const csv = personQueryCsv(12);

  async function upload(token: string, name: string, body: string | Buffer, contentType = 'text/csv') {
    const response = await fetch(`${stack.url}/api/insights-files/${encodeURIComponent(name)}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  }

  it('uploads, replaces, lists and deletes, audited', async () => {
    const tenantId = newTenant();
    const admin = await glintAdmin(stack, tenantId);
    const created = await upload(admin, 'export.csv', csv);
    expect(created).toMatchObject({ status: 201, body: { name: 'export.csv', bytes: Buffer.byteLength(csv) } });
    const json = JSON.stringify({ value: [...personQueryRecords(2)] });
    expect(await upload(admin, 'export.json', json, 'application/json')).toMatchObject({ status: 201, body: { name: 'export.json', bytes: Buffer.byteLength(json) } });
    expect(await upload(admin, 'export.csv', personQueryCsv(3))).toMatchObject({ status: 200, body: { bytes: Buffer.byteLength(personQueryCsv(3)) } });
    const listed = await stack.call('GET', '/api/insights-files', { token: admin });
    expect(listed.body.files.map((f: { name: string; bytes: number }) => [f.name, f.bytes])).toEqual([
      ['export.csv', Buffer.byteLength(personQueryCsv(3))],
      ['export.json', Buffer.byteLength(json)],
    ]);
    expect((await stack.call('DELETE', '/api/insights-files/export.json', { token: admin })).status).toBe(204);
    expect((await stack.call('DELETE', '/api/insights-files/export.json', { token: admin })).status).toBe(404);
    expect((await stack.call('GET', '/api/insights-files', { token: admin })).body.files.map((f: { name: string }) => f.name)).toEqual(['export.csv']);
    const actions = (await stack.call('GET', '/api/audit', { token: admin })).body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['file.delete', 'file.put', 'file.put', 'file.put']);
  });

  it('refuses an export without the columns an import needs, a bad name, and one over the size limit (413), keeping nothing', async () => {
    const tenantId = newTenant();
    const admin = await glintAdmin(stack, tenantId);
    const noKey = await upload(admin, 'nokey.csv', 'Email,MetricDate,Meeting hours\na@contoso.com,2024-01-07,3\n');
    expect(noKey).toMatchObject({ status: 422, type: 'application/problem+json', body: { errors: [{ path: 'body', message: expect.stringMatching(/no "PersonId" column/) }] } });
    expect((await upload(admin, 'nodate.json', JSON.stringify([{ PersonId: 'p', Hours: 1 }]), 'application/json')).body.errors[0].message).toMatch(/MetricDate/);
    expect((await upload(admin, 'notes.txt', csv)).status).toBe(422);
    expect((await upload(admin, '.hidden.csv', csv)).status).toBe(422);
    expect((await upload(admin, '../up.csv', csv)).status).toBe(422);
    const large = Buffer.concat([Buffer.from(csv), Buffer.alloc(limits.fileBytes, 'x')]);
    expect(await upload(admin, 'large.csv', large)).toMatchObject({ status: 413, type: 'application/problem+json' });
    // Sent without a length, the limit holds while reading.
    const chunked = await fetch(`${stack.url}/api/insights-files/chunked.csv`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(csv));
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(8 * 1024).fill(120));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect((await stack.call('GET', '/api/insights-files', { token: admin })).body.files).toEqual([]);
    expect((await stack.call('GET', '/api/audit', { token: admin })).body.entries).toEqual([]);
  });

  it('imports from an uploaded export', async () => {
    const t = await setUpTenant(stack, { type: 'file', name: 'export.csv' });
    expect((await upload(t.admin, 'export.csv', personQueryCsv(40))).status).toBe(201);
    expect(await importRun(t)).toMatchObject({ status: 'succeeded', matchedEmployees: 40 });
  });

  it("tenant B naming tenant A's file imports nothing and learns nothing: the answers of a missing file", async () => {
    const a = await setUpTenant(stack, { type: 'file', name: 'shared-name.csv' });
    expect((await upload(a.admin, 'shared-name.csv', personQueryCsv(40))).status).toBe(201);
    const b = await setUpTenant(stack, { type: 'file', name: 'shared-name.csv' });
    const c = await setUpTenant(stack, { type: 'file', name: 'no-such-name.csv' });
    const [runB, runC] = [await importRun(b), await importRun(c)];
    expect(runB.status).toBe('failed');
    expect(runB.error).toBe(runC.error!.replaceAll('no-such-name.csv', 'shared-name.csv'));
    expect(await storedEntities(stack, b.tenantId)).toEqual([]);
    expect((await stack.call('GET', '/api/insights-files', { token: b.admin })).body.files).toEqual([]);
    const deleteA = await stack.call('DELETE', '/api/insights-files/shared-name.csv', { token: b.admin });
    const deleteMissing = await stack.call('DELETE', '/api/insights-files/no-such-name.csv', { token: b.admin });
    expect(deleteA.status).toBe(404);
    expect(deleteA.body.detail).toBe(deleteMissing.body.detail.replaceAll('no-such-name.csv', 'shared-name.csv'));
    expect((await stack.call('GET', '/api/insights-files', { token: a.admin })).body.files.map((f: { name: string }) => f.name)).toEqual(['shared-name.csv']);
  });
});

describe('asking again does not multiply work', () => {
  it('returns the runs in flight to a repeated resync and schedule run', async () => {
    let hold: Promise<void> = Promise.resolve();
    let release = () => {};
    await withSimulator(
      async (simulator) => {
        const t = await setUpTenant(stack, simulatorFeed(simulator));
        expect(await importRun(t)).toMatchObject({ status: 'succeeded', error: null });
        hold = new Promise((resolve) => (release = resolve));
        const first = await t.call('POST', '/api/resync', t.admin);
        expect(first.runs).toHaveLength(1);
        for (let i = 0; i < 3; i++) {
          expect((await t.call('POST', '/api/resync', t.admin)).runs.map((r: { runId: string }) => r.runId)).toEqual([first.runs[0].runId]);
          expect((await t.call('POST', '/api/imports/run', t.admin)).runs.map((r: { runId: string }) => r.runId)).toEqual([first.runs[0].runId]);
        }
        release();
        await stack.host.drain();
        const runs = (await t.call('GET', '/api/imports', t.admin)).runs;
        expect(runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
      },
      { beforePage: () => hold },
    );
  });
});
