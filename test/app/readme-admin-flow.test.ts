import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, startAzurite, waitFor, type RunningAzurite } from '../support/local-stack';

// The README's curl walk-through of the seed's admin flow, run as written against `npm start`'s host.

let azurite: RunningAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

function readmeBlock(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const match = /<!-- admin-flow:start -->\s*```sh\n([\s\S]*?)```\s*<!-- admin-flow:end -->/.exec(readme);
  if (!match) throw new Error('README has no admin-flow block');
  return match[1]!;
}

function runBash(script: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

it('consent → role → attribute → customize ranges → program with cycles → enable works by curl as the README says', async () => {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    AzureWebJobsStorage: azurite.connectionString,
    AUTH_MODE: 'local',
    AUTH_AUDIENCE: 'api://insights-to-glint',
    AUTH_LOCAL_KEYS_DIR: mkdtempSync(path.join(tmpdir(), 'itg-readme-keys-')),
    INSIGHTS_FILE_ROOT: mkdtempSync(path.join(tmpdir(), 'itg-readme-files-')),
    INSIGHTS_SIMULATOR_PORT: '0',
  };
  const server = spawn(process.execPath, [path.join(repoRoot, 'dist', 'local', 'start.js')], { cwd: repoRoot, env });
  let log = '';
  server.stdout.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitFor(() => log.includes('Functions host listening on'), 'the host', 60_000);
    const script = `set -euo pipefail\n${readmeBlock()}`;
    // Asynchronously: Azurite runs in this process and must keep answering while the script runs.
    const result = await runBash(script, { ...env, BASE: `http://localhost:${port}/api` });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    // curl prints each body without a newline: find the enable answer and the final distribution.
    const enabledAt = result.stdout.indexOf('{"runs"');
    const enabled = JSON.parse(result.stdout.slice(enabledAt, result.stdout.indexOf('}]}', enabledAt) + 3));
    expect(enabled.runs.map((r: { cycleId: string }) => r.cycleId).sort()).toEqual(['fall-2026', 'spring-2026']);
    const distribution = JSON.parse(result.stdout.slice(result.stdout.lastIndexOf('{"metricId"')));
    const counted = distribution.buckets.reduce((n: number, b: { employees: number }) => n + b.employees, 0);
    expect(counted).toBe(500); // every person of the generated export, in one of the four ranges
  } finally {
    server.kill('SIGINT');
    await new Promise((r) => server.once('exit', r));
  }
});
