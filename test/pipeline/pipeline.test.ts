import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueClient } from '@azure/storage-queue';
import { addDays } from '../../shared/domain/weeks';
import { encodeMessage } from '../../shared/work/queues';
import { startAppStack, type AppStack } from '../support/app-stack';
import {
  personQueryCsv,
  setUpTenant as setUpPipelineTenant,
  storedEntities as storedTenantEntities,
  thisSunday,
  type PipelineTenant,
} from '../support/pipeline-tenant';

// The pipeline through the local host and Azurite, on small generated person queries.

let stack: AppStack;
const folder = mkdtempSync(path.join(tmpdir(), 'itg-pipeline-'));

beforeAll(async () => {
  stack = await startAppStack({ INSIGHTS_FILE_ROOT: folder });
});

afterAll(async () => {
  await stack?.stop();
});

/** A tenant importing `people` people from its own CSV file. */
async function setUpTenant(file: string, people = 40): Promise<PipelineTenant> {
  return setUpPipelineTenant(stack, { type: 'file', name: file, content: personQueryCsv(people) });
}

const storedEntities = (tenantId: string) => storedTenantEntities(stack, tenantId);

describe('import', () => {
  it('buckets every employee: meeting hours 0..19 over [6, 10, 15] → 6, 4, 5, 5 of 20 (twice over 40 people)', async () => {
    const t = await setUpTenant('basic.csv');
    const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    expect(await t.call('GET', `/api/imports/${runs[0].runId}`, t.admin)).toMatchObject({ status: 'succeeded', matchedEmployees: 40, invalidRows: 0 });
    expect(await t.distribution('meetingHours')).toEqual([12, 8, 10, 10]);
    expect(await t.distribution('emailHours')).toEqual([40, null, null, null]); // empty ranges are hidden too (SPEC 7)
    expect(await t.distribution('meetingHours', { max: '1,2,3' })).toEqual([null, null, null, 34]);
    expect((await t.call('GET', '/api/imports?programId=p1', t.admin)).runs.map((r: { runId: string }) => r.runId)).toContain(runs[0].runId);
  });

  it('ends in exactly the same stored data when the same pull message is delivered again', async () => {
    const t = await setUpTenant('twice.csv');
    const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    const once = await storedEntities(t.tenantId);
    const pull = new QueueClient(stack.azurite.connectionString, 'insights-pull');
    await pull.sendMessage(encodeMessage({ kind: 'pull', tenantId: t.tenantId, runId: runs[0].runId, programId: 'p1', cycleId: 'c1', runDate: runs[0].runDate }));
    await stack.host.drain();
    expect(await storedEntities(t.tenantId)).toEqual(once);
    expect(once).toHaveLength(40);
  });

  it('a new run of the cycle replaces the data of the previous one, which is deleted', async () => {
    const t = await setUpTenant('replace.csv', 30);
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    await t.upload('replace.csv', personQueryCsv(10));
    const { runs } = await t.call('POST', '/api/resync', t.admin);
    expect(runs).toHaveLength(1);
    await stack.host.drain();
    expect(await storedEntities(t.tenantId)).toHaveLength(10);
    expect(await t.distribution('meetingHours')).toEqual([6, null, null, null]);
  });
});

describe('reprocessing', () => {
  it('a range change re-buckets stored values without pulling again', async () => {
    const t = await setUpTenant('ranges.csv');
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    await t.deleteFile('ranges.csv'); // a pull now would fail: proof that nothing is pulled
    const { runId } = await t.call('PUT', '/api/attributes/meetingHours/ranges', t.admin, { max: [5, 10, 15] });
    await stack.host.drain();
    expect(await t.call('GET', `/api/imports/${runId}`, t.admin)).toMatchObject({ kind: 'rebucket', status: 'succeeded' });
    expect(await t.distribution('meetingHours')).toEqual([10, 10, 10, 10]);
  });

  it('deleting an attribute deletes exactly its values; disabling the program and purging delete the rest', async () => {
    const t = await setUpTenant('deletes.csv');
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    await t.call('DELETE', '/api/attributes/emailHours', t.admin);
    await stack.host.drain();
    const afterAttribute = await storedEntities(t.tenantId);
    expect(afterAttribute).toHaveLength(40);
    expect(afterAttribute.every((e) => e.b_emailHours === undefined && e.b_meetingHours !== undefined)).toBe(true);
    expect(await t.distribution('meetingHours')).toEqual([12, 8, 10, 10]);

    await t.call('DELETE', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    expect(await storedEntities(t.tenantId)).toEqual([]);
  });

  it('a purge deletes every imported value of the tenant and nothing of another tenant', async () => {
    const a = await setUpTenant('purge-a.csv', 12);
    const b = await setUpTenant('purge-b.csv', 12);
    await a.call('POST', '/api/programs/p1/enable', a.admin);
    await b.call('POST', '/api/programs/p1/enable', b.admin);
    await stack.host.drain();
    await a.call('DELETE', '/api/insights-data', a.global);
    await stack.host.drain();
    expect(await storedEntities(a.tenantId)).toEqual([]);
    expect(await storedEntities(b.tenantId)).toHaveLength(12);
  });
});

describe('consent revocation', () => {
  it('cancels queued work before it writes anything', async () => {
    const t = await setUpTenant('revoked.csv');
    const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
    await t.call('DELETE', '/api/consent', t.global);
    await stack.host.drain();
    expect(await t.call('GET', `/api/imports/${runs[0].runId}`, t.admin)).toMatchObject({ status: 'cancelled', error: 'consent revoked' });
    expect(await storedEntities(t.tenantId)).toEqual([]);
  });
});

describe('the Sunday schedule', () => {
  it('weeklyImport queues one pull per due cycle, once per date, and skips tenants without consent', async () => {
    const t = await setUpTenant('weekly.csv');
    await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    // The backfilled run (D = last) made the cycle final: nothing is due any more.
    expect((await t.call('POST', '/api/imports/run', t.admin)).runs).toEqual([]);

    const open = await setUpTenant('weekly-open.csv');
    const openCycle = (cycleId: string, daysBefore: number) => ({ cycleId, name: cycleId, startDate: addDays(thisSunday, -daysBefore), endDate: addDays(thisSunday, 30) });
    await open.call('PUT', '/api/programs/p1', open.app, { name: 'P1', cycles: [openCycle('c1', 20), openCycle('c2', 10), openCycle('c3', 3)] });
    // Backfill takes the two latest cycles; the Sunday schedule must pick up the third.
    expect((await open.call('POST', '/api/programs/p1/enable', open.admin)).runs.map((r: { cycleId: string }) => r.cycleId).sort()).toEqual(['c2', 'c3']);
    await stack.host.drain();
    await stack.host.invokeTimer('weeklyImport');
    await stack.host.invokeTimer('weeklyImport');
    await stack.host.drain();
    const runs = (await open.call('GET', '/api/imports?programId=p1', open.admin)).runs as { cycleId: string; runDate: string; status: string }[];
    const imports = runs.filter((r) => r.runDate === thisSunday).map((r) => `${r.cycleId}:${r.status}`).sort();
    expect(imports).toEqual(['c1:succeeded', 'c2:succeeded', 'c3:succeeded']);
  });
});

describe('failures', () => {
  it('a run whose source cannot be read fails with the reason, without retrying', async () => {
    const t = await setUpTenant('missing.csv');
    await t.deleteFile('missing.csv');
    const { runs } = await t.call('POST', '/api/programs/p1/enable', t.admin);
    await stack.host.drain();
    const run = await t.call('GET', `/api/imports/${runs[0].runId}`, t.admin);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('missing.csv');
  });
});
