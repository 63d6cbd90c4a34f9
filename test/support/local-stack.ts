import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../local/azurite';
import { LocalFunctionsHost, type LocalHostOptions } from '../../local/host/functions-host';
import { memoryLogger, type LogEntry } from '../../local/host/logger';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const conformanceApp = path.join(repoRoot, 'test', 'fixtures', 'conformance-app');

export { startAzurite, type RunningAzurite };

export interface TestHost {
  host: LocalFunctionsHost;
  logs: LogEntry[];
}

/** A host on a free loopback port, logging to memory, loading its own copy of the app's modules. */
export async function startTestHost(options: Omit<LocalHostOptions, 'port' | 'hostname' | 'logger' | 'isolateModules'>): Promise<TestHost> {
  const logger = memoryLogger();
  const host = await LocalFunctionsHost.start({
    port: 0,
    hostname: '127.0.0.1',
    logger,
    isolateModules: (load) => jest.isolateModules(load),
    ...options,
  });
  return { host, logs: logger.entries };
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}
