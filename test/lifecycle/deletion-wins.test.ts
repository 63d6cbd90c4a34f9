import type { InsightsSimulator, InsightsSimulatorOptions } from '../../local/insights-simulator';
import { startAppStack, type AppStack } from '../support/app-stack';
import { setUpTenant, simulatorFeed, storedEntities, type PipelineTenant, withSimulator as withSimulatorOf } from '../support/pipeline-tenant';

// A deletion always wins (README "Data lifecycle"): whatever order a Global Administrator revokes and
// purges in, and whatever is in flight when a deletion is accepted, the deleted data is gone once
// everything settles, and no route shows a number derived from it.

let stack: AppStack;
const people = 40;

beforeAll(async () => {
  stack = await startAppStack({ AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:00' });
});

afterAll(async () => {
  await stack?.stop();
});

const withSimulator = <T>(use: (simulator: InsightsSimulator) => Promise<T>, options: Partial<InsightsSimulatorOptions> = {}) =>
  withSimulatorOf(stack, { people, pageSize: 40, ...options }, use);

async function imported(simulator: InsightsSimulator): Promise<PipelineTenant> {
  const t = await setUpTenant(stack, simulatorFeed(simulator));
  await t.call('POST', '/api/programs/p1/enable', t.admin);
  await stack.host.drain();
  expect(await storedEntities(stack, t.tenantId)).toHaveLength(people);
  return t;
}

const runsOf = async (t: PipelineTenant) => (await t.call('GET', '/api/imports', t.admin)).runs as { runId: string; kind: string; status: string; error: string | null }[];

describe('revoking consent never cancels a deletion', () => {
  it.each([
    ['delete, then revoke', ['purge', 'revoke']],
    ['revoke, then delete', ['revoke', 'purge']],
  ])('%s: every value of the tenant is gone and the deletion succeeded', async (_, order) => {
    await withSimulator(async (simulator) => {
      const t = await imported(simulator);
      let purgeRunId = '';
      for (const step of order) {
        if (step === 'purge') purgeRunId = (await t.call('DELETE', '/api/insights-data', t.global)).runId;
        else await t.call('DELETE', '/api/consent', t.global);
      }
      await stack.host.drain();
      expect(await storedEntities(stack, t.tenantId)).toEqual([]);
      expect((await t.call('GET', `/api/imports/${purgeRunId}`, t.admin)).status).toBe('succeeded');
    });
  });

  it('shows no distribution without consent', async () => {
    await withSimulator(async (simulator) => {
      const t = await imported(simulator);
      await t.call('DELETE', '/api/consent', t.global);
      const response = await stack.call('GET', '/api/attributes/meetingHours/distribution?programId=p1&cycleId=c1', { token: t.admin });
      expect(response).toMatchObject({ status: 409, body: { type: expect.stringContaining('consent-required') } });
    });
  });
});

describe('a deletion accepted while a pull streams wins', () => {
  /** A tenant whose import is mid-stream (page 5 of 12) when `act` runs; everything settles after. */
  async function midPull(act: (t: PipelineTenant) => Promise<void>): Promise<PipelineTenant> {
    let tenant: PipelineTenant | undefined;
    let acted: Promise<void> | undefined;
    return withSimulator(
      async (simulator) => {
        tenant = await setUpTenant(stack, simulatorFeed(simulator));
        await tenant.call('POST', '/api/programs/p1/enable', tenant.admin);
        await stack.host.drain();
        await acted;
        await stack.host.drain();
        return tenant;
      },
      {
        // Slowed per page, and the deletion accepted while the pull is on page 5.
        beforePage: async (offset) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (offset === 4 * 40 && tenant) await (acted ??= act(tenant));
        },
      },
    );
  }

  it('a purge: nothing of the tenant is stored afterwards, and no report or distribution shows it', async () => {
    const t = await midPull(async (t) => void (await t.call('DELETE', '/api/insights-data', t.global)));
    expect(await storedEntities(stack, t.tenantId)).toEqual([]);
    const runs = await runsOf(t);
    expect(runs.find((r) => r.kind === 'delete')?.status).toBe('succeeded');
    expect(runs.find((r) => r.kind === 'import')).toMatchObject({ status: 'cancelled' });
    const distribution = await t.call('GET', '/api/attributes/meetingHours/distribution?programId=p1&cycleId=c1', t.admin);
    expect(distribution.runId).toBeNull();
    expect(distribution.buckets.every((b: { employees: number | null }) => !b.employees)).toBe(true);
    expect((await stack.call('GET', '/api/reports/programs/p1/cycles/c1/behaviors/meetingHours', { token: t.admin })).status).toBe(409);
  });

  it('a program disabled: none of its data is stored afterwards', async () => {
    const t = await midPull(async (t) => void (await t.call('DELETE', '/api/programs/p1/enable', t.admin)));
    expect(await storedEntities(stack, t.tenantId)).toEqual([]);
    expect((await runsOf(t)).find((r) => r.kind === 'import')).toMatchObject({ status: 'cancelled' });
  });

  it("an attribute deleted: its values are gone from every stored entity, the rest of the import completes", async () => {
    const t = await midPull(async (t) => void (await t.call('DELETE', '/api/attributes/emailHours', t.admin)));
    const stored = await storedEntities(stack, t.tenantId);
    expect(stored).toHaveLength(people);
    expect(stored.filter((e) => Object.keys(e).some((k) => k.endsWith('_emailHours')))).toEqual([]);
    expect(stored.every((e) => typeof e.b_meetingHours === 'number')).toBe(true);
    expect((await runsOf(t)).find((r) => r.kind === 'import')?.status).toBe('succeeded');
  });

  it('consent revoked: nothing of the import is stored afterwards', async () => {
    const t = await midPull(async (t) => void (await t.call('DELETE', '/api/consent', t.global)));
    expect(await storedEntities(stack, t.tenantId)).toEqual([]);
    expect((await runsOf(t)).find((r) => r.kind === 'import')).toMatchObject({ status: 'cancelled', error: 'consent revoked' });
  });
});
