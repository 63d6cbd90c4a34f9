import { BlobServiceClient } from '@azure/storage-blob';
import { clearRecorded, recorded } from '../fixtures/conformance-app/recorder';
import { conformanceApp, startAzurite, startTestHost, waitFor, type RunningAzurite } from '../support/local-stack';

let azurite: RunningAzurite;
let settings: Record<string, string>;

beforeAll(async () => {
  azurite = await startAzurite();
  settings = { AzureWebJobsStorage: azurite.connectionString, SUNDAY_SCHEDULE: '0 0 6 * * 0' };
});

afterAll(async () => {
  await azurite?.stop();
});

beforeEach(() => clearRecorded());

interface TimerArg {
  isPastDue: boolean;
  schedule: { adjustForDST: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
}

const timerCalls = (fn: string) => recorded().filter((r) => r.fn === fn).map((r) => r.input as TimerArg);

function nextSunday0600(after: Date): Date {
  const d = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), 6));
  while (d.getUTCDay() !== 0 || d <= after) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

describe('timer triggers on the local host', () => {
  it('reads the schedule from the app setting named by %...% and schedules the next Sunday 06:00 UTC', async () => {
    const { host } = await startTestHost({ appDir: conformanceApp, settings });
    try {
      expect(host.nextOccurrence('sundayTimer')?.toISOString()).toBe(nextSunday0600(new Date()).toISOString());
      await host.invokeTimer('sundayTimer');
      const [call] = timerCalls('sundayTimer');
      expect(call).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
      expect(call?.scheduleStatus?.next).toBe(nextSunday0600(new Date()).toISOString());
      expect(Date.parse(call!.scheduleStatus!.lastUpdated)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await host.stop();
    }
  });

  it('refuses to start when the schedule setting is missing, naming it', async () => {
    await expect(startTestHost({ appDir: conformanceApp, settings: { AzureWebJobsStorage: azurite.connectionString } })).rejects.toThrow(
      /sundayTimer.*SUNDAY_SCHEDULE/,
    );
  });

  it('refuses a schedule that is not NCRONTAB', async () => {
    await expect(startTestHost({ appDir: conformanceApp, settings: { ...settings, SUNDAY_SCHEDULE: '0 6 * * 0' } })).rejects.toThrow(/6 fields/);
  });

  it('runs a runOnStartup timer when the host starts', async () => {
    const { host } = await startTestHost({ appDir: conformanceApp, settings });
    try {
      const [call] = await waitFor(() => timerCalls('startupTimer').length > 0 && timerCalls('startupTimer'), 'the startup run');
      expect(call?.isPastDue).toBe(false);
      expect(timerCalls('sundayTimer')).toHaveLength(0);
    } finally {
      await host.stop();
    }
  });

  it('runs a timer whose occurrence was missed while no host ran, with isPastDue, and records the status', async () => {
    const hostId = 'past-due-host';
    const status = BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient('azure-webjobs-hosts')
      .getBlockBlobClient(`timers/${hostId}/Host.Functions.sundayTimer/status`);
    const missed = { Last: '2026-01-04T06:00:00.000Z', Next: '2026-01-11T06:00:00.000Z', LastUpdated: '2026-01-04T06:00:01.000Z' };
    await status.uploadData(Buffer.from(JSON.stringify(missed)));

    const { host } = await startTestHost({ appDir: conformanceApp, settings, hostId });
    try {
      const [call] = await waitFor(() => timerCalls('sundayTimer').length > 0 && timerCalls('sundayTimer'), 'the past-due run');
      expect(call?.isPastDue).toBe(true);
      expect(call?.scheduleStatus?.last).toBe(missed.Last);
    } finally {
      await host.stop();
    }
    const saved = JSON.parse((await status.downloadToBuffer()).toString()) as typeof missed;
    expect(Date.parse(saved.Next)).toBe(nextSunday0600(new Date()).getTime());
    expect(Date.parse(saved.Last)).toBeGreaterThan(Date.now() - 60_000);

    // Started again with an up-to-date status, it is not past due.
    clearRecorded();
    const again = await startTestHost({ appDir: conformanceApp, settings, hostId });
    await again.host.stop();
    expect(timerCalls('sundayTimer')).toHaveLength(0);
  });

  it('runs one invocation of a timer at a time', async () => {
    const { host } = await startTestHost({ appDir: conformanceApp, settings });
    try {
      await Promise.all([host.invokeTimer('sundayTimer'), host.invokeTimer('sundayTimer'), host.invokeTimer('sundayTimer')]);
      const running = recorded().filter((r) => r.fn === 'sundayTimer').map((r) => (r.meta as { running: number }).running);
      expect(running).toEqual([1, 1, 1]);
    } finally {
      await host.stop();
    }
  });
});
