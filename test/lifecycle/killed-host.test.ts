import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startInsightsSimulator, type InsightsSimulator } from '../../local/insights-simulator';
import { ensureLocalKeys } from '../../shared/auth/local-keys';
import { script, startChild, type Child } from '../../bench/children';
import { storedValues } from '../../bench/digest';
import { api, configureTenant, hostSettings, startHost, tokensFor, waitForRun, type Api, type HostRole } from '../../bench/stack';
import { personQueryRecords } from '../support/pipeline-tenant';

// No run is stranded when its process dies (README "Data lifecycle"): the host running a pull is
// killed with SIGKILL while it streams the person query, and started again. Its message comes back
// after its lease, the new process pulls again, and the run ends succeeded with exactly the data of
// a clean run, within a bounded time; never `running` forever. (A host killed in the middle of the
// bucket step: test/pipeline/multi-host.test.ts.) The hosts are the compiled app (`npm test` builds it).

const people = 120;
const pageSize = 60; // 120 people × 12 weeks: 24 pages
const leaseSeconds = 3;

let dir: string;
let azurite: Child;
let settings: Record<string, string>;
let simulator: InsightsSimulator;
let killAt: ((offset: number) => Promise<void>) | undefined;
const children = new Set<Child>();
const logs: string[] = [];

async function host(role: HostRole, name: string): Promise<Child> {
  const child = await startHost(role, settings, {}, { log: (line) => logs.push(`[${name}] ${line}`) });
  children.add(child);
  return child;
}

beforeAll(async () => {
  if (!existsSync(script('host'))) throw new Error(`${script('host')} is missing: run npm run build (npm test does)`);
  dir = mkdtempSync(path.join(tmpdir(), 'itg-killed-'));
  const keysDir = path.join(dir, 'keys');
  await ensureLocalKeys(keysDir);
  azurite = await startChild('azurite', {}, { log: (line) => logs.push(`[azurite] ${line}`) });
  settings = {
    ...hostSettings(azurite.info.connectionString!, keysDir),
    LOCAL_HOST_QUEUE_LEASE_SECONDS: String(leaseSeconds),
    AzureFunctionsJobHost__extensions__queues__maxPollingInterval: '00:00:00.500',
  };
  simulator = await startInsightsSimulator({
    records: () => personQueryRecords(people),
    pageSize,
    keysDir,
    // Slowed per page, so the pull is mid-stream when the test kills its process.
    beforePage: async (offset) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await killAt?.(offset);
    },
  });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([...children].map((c) => c.stop()));
  await simulator?.stop();
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function importFor(app: Api): Promise<{ tenantId: string; finished: () => Promise<{ status: string; error: string | null; matchedEmployees: number }> }> {
  const tenantId = crypto.randomUUID();
  const tokens = await tokensFor(settings.AUTH_LOCAL_KEYS_DIR!, tenantId);
  await configureTenant(app, tokens, { type: 'odata', url: simulator.feedUrl(tenantId) }, ['meetingHours', 'emailHours']);
  const { runs } = await app.call('POST', '/api/programs/p1/enable', tokens.admin);
  return { tenantId, finished: () => waitForRun(app, tokens.admin, runs[0].runId, 90_000) };
}

test('a pull whose process is killed mid-stream completes after a restart, with the data of a clean run', async () => {
  try {
    let pull = await host('pull', 'pull');
    const app = api((await host('api', 'api')).info.url!);
    await host('work', 'work');
    const clean = await importFor(app);
    expect(await clean.finished()).toMatchObject({ status: 'succeeded', matchedEmployees: people });

    let killed = false;
    killAt = async (offset) => {
      if (killed || offset < 8 * pageSize) return;
      killed = true;
      children.delete(pull);
      await pull.kill();
      pull = await host('pull', 'pull restarted');
    };
    const started = Date.now();
    const interrupted = await importFor(app);
    expect(await interrupted.finished()).toMatchObject({ status: 'succeeded', matchedEmployees: people });
    expect(killed).toBe(true);
    // Bounded: the lease, then one more pull.
    expect(Date.now() - started).toBeLessThan(90_000);
    const connectionString = azurite.info.connectionString!;
    expect(await storedValues(connectionString, interrupted.tenantId)).toEqual(await storedValues(connectionString, clean.tenantId));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\nprocess output:\n${logs.slice(-40).join('\n') || '(none)'}`, { cause: error });
  }
}, 180_000);
