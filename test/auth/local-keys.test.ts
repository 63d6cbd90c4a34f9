import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { appRoot } from '../../shared/app-root';
import { ensureLocalKeys, localIssuer, mintLocalToken, resolveKeysDir } from '../../shared/auth/local-keys';
import { appVersion } from '../../shared/version';
import { temporaryKeysDir } from './keys-dir';

const audience = 'api://insights-to-glint-test';
const tenantId = '5b0e4f3c-8a43-4c51-9a1e-2f7d3f1f6a10';
const folders: { remove(): void }[] = [];

function newKeysDir(): string {
  const folder = temporaryKeysDir();
  folders.push(folder);
  return folder.dir;
}

afterAll(() => folders.forEach((folder) => folder.remove()));

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('ensureLocalKeys', () => {
  test('generates a key pair on first use and reuses it afterwards', async () => {
    const dir = newKeysDir();
    const first = await ensureLocalKeys(dir);
    const second = await ensureLocalKeys(dir);
    expect(first.privateJwk.kid).toEqual(expect.any(String));
    expect(second).toEqual(first);
    expect(readJson(path.join(dir, 'private.jwk.json'))).toEqual(first.privateJwk);
    expect(readJson(path.join(dir, 'jwks.json'))).toEqual(first.jwks);
    expect(first.jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: first.privateJwk.kid })]);
  });

  test('only the owner may read the private key, and the public key set holds no private member', async () => {
    const dir = newKeysDir();
    await ensureLocalKeys(dir);
    expect(fs.statSync(path.join(dir, 'private.jwk.json')).mode & 0o777).toBe(0o600);
    const [publicJwk] = (readJson(path.join(dir, 'jwks.json')) as { keys: Record<string, unknown>[] }).keys;
    expect(Object.keys(publicJwk ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  test('concurrent first uses agree on one key pair', async () => {
    const dir = newKeysDir();
    const results = await Promise.all([ensureLocalKeys(dir), ensureLocalKeys(dir), ensureLocalKeys(dir)]);
    const written = readJson(path.join(dir, 'private.jwk.json'));
    for (const keys of results) expect(keys.privateJwk).toEqual(written);
  });

  test('corrupt key files stop with a clear message that quotes no key material', async () => {
    const dir = newKeysDir();
    const { privateJwk } = await ensureLocalKeys(dir);
    const secret = String(privateJwk.d);
    fs.writeFileSync(path.join(dir, 'private.jwk.json'), `{"kty":"RSA","d":"${secret}`);
    const error = await ensureLocalKeys(dir).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/unusable: private\.jwk\.json is not JSON\. Delete the folder/);
    expect(error?.message).not.toContain(secret.slice(0, 16));
  });

  test('a public key set that does not match the private key is refused', async () => {
    const dir = newKeysDir();
    await ensureLocalKeys(dir);
    const { jwks: otherJwks } = await ensureLocalKeys(newKeysDir());
    fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify(otherJwks));
    await expect(ensureLocalKeys(dir)).rejects.toThrow('jwks.json does not hold the public key of private.jwk.json');
  });
});

describe('mintLocalToken', () => {
  test('mints an Entra-shaped v2 token with the local issuer', async () => {
    const dir = newKeysDir();
    const { privateJwk } = await ensureLocalKeys(dir);
    const token = await mintLocalToken({ keysDir: dir, audience, tenantId, objectId: 'caller-oid' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: privateJwk.kid, typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      aud: audience,
      iss: localIssuer(tenantId),
      tid: tenantId,
      oid: 'caller-oid',
      sub: 'caller-oid',
      ver: '2.0',
      iat: expect.any(Number),
      nbf: claims.iat,
      exp: (claims.iat ?? 0) + 3600,
    });
  });

  test('adds roles and the Global Administrator wid only when asked', async () => {
    const dir = newKeysDir();
    const claims = decodeJwt(await mintLocalToken({ keysDir: dir, audience, tenantId, roles: ['Glint.Admin'], globalAdmin: true }));
    expect(claims.roles).toEqual(['Glint.Admin']);
    expect(claims.wids).toEqual(['62e90394-69f5-4237-9190-012177145e10']);
    expect(claims.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.sub).toBe(claims.oid);
  });

  test('accepts a negative lifetime and a future not-before', async () => {
    const dir = newKeysDir();
    const notBefore = new Date(Date.now() + 120_000);
    const claims = decodeJwt(await mintLocalToken({ keysDir: dir, audience, tenantId, expiresInSeconds: -120, notBefore }));
    expect(claims.exp).toBe((claims.iat ?? 0) - 120);
    expect(claims.nbf).toBe(Math.floor(notBefore.getTime() / 1000));
  });
});

describe('resolveKeysDir', () => {
  test('keeps an absolute folder and resolves a relative one against the app root', () => {
    expect(appRoot()).toBe(path.resolve(__dirname, '..', '..'));
    expect(resolveKeysDir('/var/keys')).toBe('/var/keys');
    expect(resolveKeysDir('.local/keys')).toBe(path.join(appRoot(), '.local', 'keys'));
  });

  test("the app version still comes from the app root's package.json", () => {
    expect(appVersion()).toBe((readJson(path.join(appRoot(), 'package.json')) as { version: string }).version);
  });
});
