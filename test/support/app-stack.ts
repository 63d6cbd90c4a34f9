import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { SignJWT, generateKeyPair, importJWK, type KeyLike } from 'jose';
import { ensureLocalKeys, mintLocalToken } from '../../shared/auth/local-keys';
import { localIssuer } from '../../shared/auth/token-verifier';
import type { LocalFunctionsHost } from '../../local/host/functions-host';
import type { LogEntry } from '../../local/host/logger';
import { localTenantId } from '../../local/demo-tenant';
import { localPortal } from '../../local/portal-server';
import { responseContract, type OpenApiDocument, type ResponseContract } from './response-contract';
import { startStorageProxy, type StorageProxy } from './storage-proxy';
import { repoRoot, startAzurite, startTestHost, type RunningAzurite } from './local-stack';

// The real app on the local host, with Azurite in memory and local-mode tokens signed by a key pair
// made for this test file.

export const audience = 'api://insights-to-glint-tests';

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- responses are checked field by field
}

export interface AppStack {
  url: string;
  host: LocalFunctionsHost;
  /** What the host and the app logged, for a failing test to show. */
  logs: LogEntry[];
  azurite: RunningAzurite;
  /** Present when started with `storageProxy`. */
  proxy: StorageProxy | undefined;
  keysDir: string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  queueMessages(queue: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

export interface AppStackOptions {
  /** Route the app's queue and table traffic through a proxy the test can make misbehave. */
  storageProxy?: boolean;
  /** Serve the built portal (portal/dist) and the local sign-in beside the app, as `npm start` does. */
  portal?: boolean;
}

export async function startAppStack(extraSettings: Record<string, string> = {}, options: AppStackOptions = {}): Promise<AppStack> {
  const azurite = await startAzurite();
  const proxy = options.storageProxy ? await startStorageProxy(azurite) : undefined;
  const keysDir = mkdtempSync(path.join(tmpdir(), 'itg-keys-'));
  Object.assign(process.env, {
    AzureWebJobsStorage: proxy?.connectionString ?? azurite.connectionString,
    AUTH_MODE: 'local',
    AUTH_AUDIENCE: audience,
    AUTH_LOCAL_KEYS_DIR: keysDir,
    IMPORT_SCHEDULE: '0 0 6 * * 0',
    // Pulls get the local key pair's tokens, of the pulling tenant, which the simulator checks.
    INSIGHTS_AUTH: 'local',
    ...extraSettings,
  });
  let host: LocalFunctionsHost;
  let logs: LogEntry[];
  try {
    const outsideRoutes = options.portal ? localPortal({ distDir: path.join(repoRoot, 'portal', 'dist'), keysDir, audience, defaultTenantId: localTenantId }) : undefined;
    ({ host, logs } = await startTestHost({ appDir: repoRoot, main: 'functions/*.ts', ...(outsideRoutes ? { outsideRoutes } : {}) }));
  } catch (error) {
    // A suite whose beforeAll fails never reaches its afterAll: stop Azurite here or jest never exits.
    await proxy?.stop();
    await azurite.stop();
    throw error;
  }
  const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  let contract: ResponseContract | undefined;
  return {
    url: host.url,
    host,
    logs,
    proxy,
    azurite,
    keysDir,
    async call(method, route, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${host.url}${route}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : undefined;
      contract ??= responseContract((await (await fetch(`${host.url}/api/openapi.json`)).json()) as OpenApiDocument);
      contract.check(method, route, response.status, response.headers.get('content-type'), parsed);
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async queueMessages(queue) {
      const client = queues.getQueueClient(queue);
      if (!(await client.exists())) return [];
      const peeked = await client.peekMessages({ numberOfMessages: 32 });
      return peeked.peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
    },
    async stop() {
      await host.stop();
      await proxy?.stop();
      await azurite.stop();
    },
  };
}

export const newTenant = () => randomUUID();

export interface TokenOptions {
  roles?: string[];
  globalAdmin?: boolean;
  objectId?: string;
  expiresInSeconds?: number;
}

export function tokenFor(stack: AppStack, tenantId: string, options: TokenOptions = {}): Promise<string> {
  return mintLocalToken({ keysDir: stack.keysDir, audience, tenantId, ...options });
}

export const glintAdmin = (stack: AppStack, tenantId: string) => tokenFor(stack, tenantId, { roles: ['Glint.Admin'] });
export const globalAdmin = (stack: AppStack, tenantId: string) => tokenFor(stack, tenantId, { globalAdmin: true });
export const platform = (stack: AppStack, tenantId: string) => tokenFor(stack, tenantId, { roles: ['Glint.Platform'] });

/** Tokens that must all be refused with 401, each broken in one way. */
export async function brokenTokens(stack: AppStack, tenantId: string): Promise<Record<string, string>> {
  const { privateJwk } = await ensureLocalKeys(stack.keysDir);
  const key = await importJWK(privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const claims = { tid: tenantId, oid: randomUUID(), roles: ['Glint.Admin'], wids: ['62e90394-69f5-4237-9190-012177145e10'] };
  const sign = (payload: Record<string, unknown>, signingKey: KeyLike | Uint8Array = key) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid, typ: 'JWT' }).sign(signingKey);
  const other = await generateKeyPair('RS256');
  const unsigned = (payload: object) =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
  const valid = { ...claims, aud: audience, iss: localIssuer(tenantId), iat: now, nbf: now, exp: now + 600 };
  return {
    expired: await tokenFor(stack, tenantId, { roles: ['Glint.Admin'], globalAdmin: true, expiresInSeconds: -120 }),
    wrongAudience: await sign({ ...valid, aud: 'api://someone-else' }),
    wrongIssuer: await sign({ ...valid, iss: 'https://login.microsoftonline.com/' + tenantId + '/v2.0' }),
    otherTenantsIssuer: await sign({ ...valid, iss: localIssuer(randomUUID()) }),
    badSignature: await sign(valid, other.privateKey),
    algNone: unsigned(valid),
    garbage: 'not.a.jwt',
  };
}
