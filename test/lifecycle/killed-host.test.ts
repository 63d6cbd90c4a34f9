import { startInsightsSimulator, type InsightsSimulator } from '../../local/insights-simulator';
import { storedValues } from '../../bench/digest';
import { api, configureTenant, tokensFor, waitForRun, type Api } from '../../bench/stack';
import { startHostProcesses, type HostProcesses } from '../support/host-processes';
import { personQueryRecords } from '../support/pipeline-tenant';

// No run is stranded when its process dies (README "Data lifecycle"): the host running a pull is
// killed with SIGKILL while it streams the person query, and started again. Its message comes back
// after its lease, the new process pulls again, and the run ends succeeded with exactly the data of
// a clean run, within a bounded time; never `running` forever. (A host killed in the middle of the
// bucket step: test/pipeline/multi-host.test.ts.) The hosts are the compiled app (`npm test` builds it).

const people = 120;
const pageSize = 60; // 120 people × 12 weeks: 24 pages
const leaseSeconds = 3;

let processes: HostProcesses;
let simulator: InsightsSimulator;
let killAt: ((offset: number) => Promise<void>) | undefined;

beforeAll(async () => {
  processes = await startHostProcesses('killed', leaseSeconds);
  simulator = await startInsightsSimulator({
    records: () => personQueryRecords(people),
    pageSize,
    keysDir: processes.keysDir,
    // Slowed per page, so the pull is mid-stream when the test kills its process.
    beforePage: async (offset) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await killAt?.(offset);
    },
  });
}, 60_000);

afterAll(async () => {
  await simulator?.stop();
  await processes?.stop();
});

async function importFor(app: Api): Promise<{ tenantId: string; finished: () => Promise<{ status: string; error: string | null; matchedEmployees: number }> }> {
  const tenantId = crypto.randomUUID();
  const tokens = await tokensFor(processes.keysDir, tenantId);
  await configureTenant(app, tokens, { type: 'odata', url: simulator.feedUrl(tenantId) }, ['meetingHours', 'emailHours']);
  const { runs } = await app.call('POST', '/api/programs/p1/enable', tokens.admin);
  return { tenantId, finished: () => waitForRun(app, tokens.admin, runs[0].runId, 90_000) };
}

test('a pull whose process is killed mid-stream completes after a restart, with the data of a clean run', async () => {
  try {
    let pull = await processes.host('pull', 'pull');
    const app = api((await processes.host('api', 'api')).info.url!);
    await processes.host('work', 'work');
    const clean = await importFor(app);
    expect(await clean.finished()).toMatchObject({ status: 'succeeded', matchedEmployees: people });

    let killed = false;
    killAt = async (offset) => {
      if (killed || offset < 8 * pageSize) return;
      killed = true;
      await processes.kill(pull);
      pull = await processes.host('pull', 'pull restarted');
    };
    const started = Date.now();
    const interrupted = await importFor(app);
    expect(await interrupted.finished()).toMatchObject({ status: 'succeeded', matchedEmployees: people });
    expect(killed).toBe(true);
    // Bounded: the lease, then one more pull.
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(await storedValues(processes.connectionString, interrupted.tenantId)).toEqual(await storedValues(processes.connectionString, clean.tenantId));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\nprocess output:\n${processes.logs.slice(-40).join('\n') || '(none)'}`, { cause: error });
  }
}, 180_000);
