import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { mintLocalToken } from '../../shared/auth/local-keys';
import { insightsResource } from '../../shared/insights/insights-credential';
import { repoRoot, startAzurite, waitFor, type RunningAzurite } from '../support/local-stack';

// The local run contract of `npm start`, on the compiled output (`npm test` builds before jest).
const startScript = path.join(repoRoot, 'dist', 'local', 'start.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function portsFree(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) await new Promise((r) => server.close(r));
    else return false;
  }
  return true;
}

function start(env: Record<string, string | undefined>): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [startScript], { cwd: repoRoot, env: childEnv });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  return { child, output: () => text };
}

async function stopWithSigint(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

async function checkContract(env: Record<string, string | undefined>): Promise<void> {
  const port = await freePort();
  const keysDir = mkdtempSync(path.join(tmpdir(), 'itg-start-keys-'));
  const { child, output } = start({ AUTH_MODE: 'local', AUTH_AUDIENCE: 'api://insights-to-glint', AUTH_LOCAL_KEYS_DIR: keysDir, INSIGHTS_AUTH: 'local', INSIGHTS_SIMULATOR_PORT: '0', ...env, PORT: String(port) });
  try {
    await waitFor(() => output().includes(`Functions host listening on http://localhost:${port}`) || (child.exitCode !== null && Promise.reject(new Error(output()))), 'the ready line', 60_000);
    expect(output()).toMatch(/health: \[GET\] http:\/\/localhost:\d+\/api\/health/);
    // The portal beside the API, with Glint's part of the local tenant seeded for the walkthrough.
    expect(output()).toContain(`Portal: http://localhost:${port}/`);
    expect((await fetch(`http://localhost:${port}/`)).headers.get('content-type')).toContain('text/html');
    // The local Viva Insights simulator serves the generated people to a token of the tenant in the URL.
    const feedUrl = /insights-source \{"type":"odata","url":"(http:\/\/[^"]+)"\}/.exec(output())?.[1];
    expect(feedUrl).toBeDefined();
    const tenantId = new URL(feedUrl!).pathname.split('/')[1]!;
    const token = await mintLocalToken({ keysDir, audience: insightsResource, tenantId });
    const page = await fetch(feedUrl!, { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(((await page.json()) as { value: unknown[] }).value).toHaveLength(1000);
    const response = await fetch(`http://localhost:${port}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', storage: 'ok' });
  } finally {
    const code = await stopWithSigint(child);
    expect(code).toBe(0);
  }
  expect(output()).toContain('SIGINT received: stopping');
}

function requireBuild(): void {
  if (!existsSync(startScript)) throw new Error('dist/local/start.js is missing: run npm run build (npm test does)');
}

describe('npm start', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('serves /api/health on PORT with the storage named by AzureWebJobsStorage, and exits 0 on SIGINT', async () => {
    requireBuild();
    await checkContract({ AzureWebJobsStorage: azurite.connectionString });
  });

  it('starts its own Azurite on 10000-10002 when AzureWebJobsStorage is development storage', async () => {
    requireBuild();
    if (!(await portsFree([10000, 10001, 10002]))) {
      console.warn('skipped: ports 10000-10002 are in use on this machine (another Azurite?)');
      return;
    }
    await checkContract({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
  });
});
