import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLocalKeys } from '../../shared/auth/local-keys';
import { script, startChild, type Child } from '../../bench/children';
import { hostSettings, startHost, type HostRole } from '../../bench/stack';

// The app as separate Functions host processes against one Azurite process, started as the benchmark
// starts them, for tests that kill a process (SIGKILL) and start it again. The hosts are the compiled
// app: `npm test` builds it first.

export interface HostProcesses {
  dir: string;
  keysDir: string;
  connectionString: string;
  settings: Record<string, string>;
  /** Starts a host in a role; `name` labels its output in `logs`. */
  host(role: HostRole, name: string): Promise<Child>;
  /** Kills a host with SIGKILL, as a crashed or evicted instance ends. */
  kill(child: Child): Promise<void>;
  /** What the processes wrote (warnings and errors), to show when a test fails. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startHostProcesses(name: string, leaseSeconds: number, extraSettings: Record<string, string> = {}): Promise<HostProcesses> {
  if (!existsSync(script('host'))) throw new Error(`${script('host')} is missing: run npm run build (npm test does)`);
  const dir = mkdtempSync(path.join(tmpdir(), `itg-${name}-`));
  const keysDir = path.join(dir, 'keys');
  await ensureLocalKeys(keysDir);
  const logs: string[] = [];
  const children = new Set<Child>();
  const azurite = await startChild('azurite', {}, { log: (line) => logs.push(`[azurite] ${line}`) });
  const connectionString = azurite.info.connectionString!;
  const settings = {
    ...hostSettings(connectionString, keysDir),
    // A killed host's messages stay invisible for the lease, then come back (the real host's lease is
    // 10 minutes); empty queues are polled at least every half second.
    LOCAL_HOST_QUEUE_LEASE_SECONDS: String(leaseSeconds),
    AzureFunctionsJobHost__extensions__queues__maxPollingInterval: '00:00:00.500',
    ...extraSettings,
  };
  return {
    dir,
    keysDir,
    connectionString,
    settings,
    logs,
    async host(role, label) {
      const child = await startHost(role, settings, {}, { log: (line) => logs.push(`[${label}] ${line}`) });
      children.add(child);
      return child;
    },
    async kill(child) {
      children.delete(child);
      await child.kill();
    },
    async stop() {
      await Promise.allSettled([...children].map((c) => c.stop()));
      await azurite.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
