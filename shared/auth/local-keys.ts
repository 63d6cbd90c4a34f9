import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import { appRoot } from '../app-root';
import { globalAdministratorRoleId } from './principal';

// Local mode stands in for Entra ID with a key pair in a git-ignored folder, so that `npm start` and
// the tests run on real signed tokens. The settings refuse local mode in Azure.

export interface LocalKeys {
  privateJwk: JWK;
  jwks: { keys: JWK[] };
}

export interface LocalTokenOptions {
  keysDir: string;
  audience: string;
  tenantId: string;
  /** Default: a random UUID. */
  objectId?: string;
  roles?: string[];
  globalAdmin?: boolean;
  /** Default 3600; negative for an already expired token. */
  expiresInSeconds?: number;
  /** Default: now. */
  notBefore?: Date;
}

const privateKeyFile = 'private.jwk.json';
const publicKeysFile = 'jwks.json';
const defaultLifetimeSeconds = 3600;
// Another process may have created the files and not yet finished writing them: wait up to 1 s.
const readAttempts = 40;
const readRetryMs = 25;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const publicJwkSchema = z.object({ kty: z.literal('RSA'), alg: z.literal('RS256'), use: z.literal('sig'), kid: z.string().min(1), n: base64url, e: base64url });
const privateJwkSchema = publicJwkSchema.extend({ d: base64url, p: base64url, q: base64url, dp: base64url, dq: base64url, qi: base64url });
const jwksSchema = z.object({ keys: z.tuple([publicJwkSchema]) });

export function localIssuer(tenantId: string): string {
  return `https://login.local.invalid/${tenantId}/v2.0`;
}

/** A relative folder is taken from the app root, so the app and the token CLI agree whatever their cwd. */
export function resolveKeysDir(dir: string): string {
  return path.isAbsolute(dir) ? dir : path.resolve(appRoot(), dir);
}

/** The local key pair in `dir`, generated on first use. */
export async function ensureLocalKeys(dir: string): Promise<LocalKeys> {
  const anyFileExists = (await Promise.all([privateKeyFile, publicKeysFile].map((file) => exists(path.join(dir, file))))).includes(true);
  if (!anyFileExists) {
    const created = await createKeys(dir);
    if (created) return created;
  }
  return readKeysOnceWritten(dir);
}

export async function mintLocalToken(options: LocalTokenOptions): Promise<string> {
  const { privateJwk } = await ensureLocalKeys(options.keysDir);
  const now = Math.floor(Date.now() / 1000);
  const objectId = options.objectId ?? randomUUID();
  return new SignJWT({
    tid: options.tenantId,
    oid: objectId,
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.globalAdmin ? { wids: [globalAdministratorRoleId] } : {}),
    ver: '2.0',
  })
    .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid, typ: 'JWT' })
    .setAudience(options.audience)
    .setIssuer(localIssuer(options.tenantId))
    .setSubject(objectId)
    .setIssuedAt(now)
    .setNotBefore(options.notBefore ? Math.floor(options.notBefore.getTime() / 1000) : now)
    .setExpirationTime(now + (options.expiresInSeconds ?? defaultLifetimeSeconds))
    .sign(await importJWK(privateJwk, 'RS256'));
}

async function createKeys(dir: string): Promise<LocalKeys | undefined> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keys = await generateKeys();
  // Exclusive create: when the app and the token CLI start at once, one writes, the other reads its files.
  if (!(await writeNewFile(path.join(dir, privateKeyFile), keys.privateJwk, 0o600))) return undefined;
  if (!(await writeNewFile(path.join(dir, publicKeysFile), keys.jwks, 0o644))) return undefined;
  return keys;
}

async function generateKeys(): Promise<LocalKeys> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const privateJwk = privateJwkSchema.parse({ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' });
  // Parsing with the public schema strips the private members.
  return { privateJwk, jwks: { keys: [publicJwkSchema.parse(privateJwk)] } };
}

async function writeNewFile(file: string, content: unknown, mode: number): Promise<boolean> {
  try {
    await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx', mode });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function readKeysOnceWritten(dir: string): Promise<LocalKeys> {
  for (let attempt = 1; ; attempt++) {
    const result = await readKeys(dir);
    if ('keys' in result) return result.keys;
    if (attempt === readAttempts) throw new Error(`The local keys in ${dir} are unusable: ${result.problem}. Delete the folder to generate new ones.`);
    await sleep(readRetryMs);
  }
}

async function readKeys(dir: string): Promise<{ keys: LocalKeys } | { problem: string }> {
  const privateJwk = await readJsonFile(dir, privateKeyFile, privateJwkSchema);
  if ('problem' in privateJwk) return privateJwk;
  const jwks = await readJsonFile(dir, publicKeysFile, jwksSchema);
  if ('problem' in jwks) return jwks;
  const [publicJwk] = jwks.value.keys;
  if (publicJwk.kid !== privateJwk.value.kid || publicJwk.n !== privateJwk.value.n || publicJwk.e !== privateJwk.value.e) {
    return { problem: `${publicKeysFile} does not hold the public key of ${privateKeyFile}` };
  }
  return { keys: { privateJwk: privateJwk.value, jwks: jwks.value } };
}

async function readJsonFile<T>(dir: string, name: string, schema: z.ZodType<T>): Promise<{ value: T } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(path.join(dir, name), 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { problem: `${name} is missing` };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text around the error, which is key material.
    return { problem: `${name} is not JSON` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  return { problem: `${name} is not an RS256 key: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ')}` };
}

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

// Not `instanceof Error`: Node's errors come from another realm under jest.
const errorCode = (error: unknown): unknown => (typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined);
