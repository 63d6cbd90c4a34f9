import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot, startAzurite, startTestHost, type RunningAzurite } from '../support/local-stack';

const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

let azurite: RunningAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

const appMain = 'functions/*.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const authSettings = { AUTH_MODE: 'local', INSIGHTS_AUTH: 'local', AUTH_AUDIENCE: 'api://insights-to-glint-tests', AUTH_LOCAL_KEYS_DIR: '.local/test-keys', IMPORT_SCHEDULE: '0 0 6 * * 0' };

async function withEnv<T>(env: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const [k, v] of Object.entries({ ...authSettings, ...env })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}

describe('GET /api/health', () => {
  it('answers 200 {status: ok, version, storage: ok} when Table Storage answers, anonymously', async () => {
    await withEnv({ AzureWebJobsStorage: azurite.connectionString }, async () => {
      const { host } = await startTestHost({ appDir: repoRoot, main: appMain });
      try {
        const response = await fetch(`${host.url}/api/health`);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.json()).toEqual({ status: 'ok', version: packageVersion, storage: 'ok' });
      } finally {
        await host.stop();
      }
    });
  });

  it('answers 503 when Table Storage is unreachable', async () => {
    const port = await closedPort();
    const unreachable = azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1`);
    await withEnv({ AzureWebJobsStorage: unreachable }, async () => {
      const { host } = await startTestHost({ appDir: repoRoot, main: appMain, settings: { ...process.env, AzureWebJobsStorage: azurite.connectionString } });
      try {
        const response = await fetch(`${host.url}/api/health`);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ status: 'unavailable', storage: 'unreachable' });
      } finally {
        await host.stop();
      }
    });
  });

  it('rejects an unknown query parameter with 400 problem+json', async () => {
    await withEnv({ AzureWebJobsStorage: azurite.connectionString }, async () => {
      const { host } = await startTestHost({ appDir: repoRoot, main: appMain });
      try {
        const response = await fetch(`${host.url}/api/health?verbose=1`);
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(await response.json()).toMatchObject({
          type: '/problems/unknown-query-parameter',
          status: 400,
          errors: [{ path: 'query.verbose', message: 'unknown parameter' }],
        });
      } finally {
        await host.stop();
      }
    });
  });
});

describe('app settings at start-up', () => {
  it('stops start-up naming a missing AzureWebJobsStorage', async () => {
    await withEnv({ AzureWebJobsStorage: undefined }, async () => {
      await expect(startTestHost({ appDir: repoRoot, main: appMain, settings: { ...process.env, AzureWebJobsStorage: azurite.connectionString } })).rejects.toThrow(
        /AzureWebJobsStorage is required/,
      );
    });
  });

  it('stops start-up naming a malformed IMPORT_SCHEDULE', async () => {
    await withEnv({ AzureWebJobsStorage: azurite.connectionString, IMPORT_SCHEDULE: 'every sunday' }, async () => {
      await expect(startTestHost({ appDir: repoRoot, main: appMain })).rejects.toThrow(/%IMPORT_SCHEDULE%.*"every sunday" is not an NCRONTAB expression/);
    });
  });
});
