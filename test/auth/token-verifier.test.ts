import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { ensureLocalKeys, mintLocalToken } from '../../shared/auth/local-keys';
import { globalAdministratorRoleId } from '../../shared/auth/principal';
import { AuthenticationError, createTokenVerifier, entraIssuer, localIssuer, type TokenVerifier } from '../../shared/auth/token-verifier';
import { temporaryKeysDir } from './keys-dir';

const audience = 'api://insights-to-glint-test';
const tenantId = randomUUID();
const keys = temporaryKeysDir();
const unusedJwksUri = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

let localVerifier: TokenVerifier;
let localKey: KeyLike;
let localKid: string;

beforeAll(async () => {
  const { privateJwk } = await ensureLocalKeys(keys.dir);
  localKey = (await importJWK(privateJwk, 'RS256')) as KeyLike;
  localKid = privateJwk.kid ?? '';
  localVerifier = createTokenVerifier({ mode: 'local', audience, jwksUri: unusedJwksUri, localKeysDir: keys.dir });
});

afterAll(() => keys.remove());

const now = () => Math.floor(Date.now() / 1000);

function claimsFor(tid: string, issuer: (tid: string) => string = localIssuer): JWTPayload {
  return { aud: audience, iss: issuer(tid), tid, oid: randomUUID(), iat: now(), nbf: now(), exp: now() + 600 };
}

function sign(claims: JWTPayload, key: KeyLike | Uint8Array = localKey, header: { alg: string; kid?: string } = { alg: 'RS256', kid: localKid }) {
  return new SignJWT(claims).setProtectedHeader({ ...header, typ: 'JWT' }).sign(key);
}

const base64urlJson = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejection(verifier: TokenVerifier, authorizationHeader: string | null | undefined): Promise<unknown> {
  return verifier.verify(authorizationHeader).then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function expectRejected(verifier: TokenVerifier, authorizationHeader: string | null | undefined, reason: string) {
  const error = await rejection(verifier, authorizationHeader);
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as Error).message).toBe(reason);
}

describe('local mode', () => {
  test('a valid token gives the principal of its claims', async () => {
    const objectId = randomUUID();
    const token = await mintLocalToken({
      keysDir: keys.dir,
      audience,
      tenantId: tenantId.toUpperCase(),
      objectId,
      roles: ['Glint.Admin', 'Glint.Platform', 'viewer-role'],
      globalAdmin: true,
    });
    await expect(localVerifier.verify(`Bearer ${token}`)).resolves.toEqual({
      tenantId,
      objectId,
      roles: ['Glint.Admin', 'Glint.Platform', 'viewer-role'],
      isGlobalAdmin: true,
      isGlintAdmin: true,
      isPlatform: true,
    });
  });

  test('a token without roles or wids gives a principal without privileges', async () => {
    const token = await mintLocalToken({ keysDir: keys.dir, audience, tenantId });
    const principal = await localVerifier.verify(`bearer ${token}`);
    expect(principal).toMatchObject({ tenantId, roles: [], isGlobalAdmin: false, isGlintAdmin: false, isPlatform: false });
  });

  test('wids without the Global Administrator role id do not make a Global Administrator', async () => {
    const principal = await localVerifier.verify(`Bearer ${await sign({ ...claimsFor(tenantId), wids: [randomUUID()] })}`);
    expect(principal.isGlobalAdmin).toBe(false);
    const admin = await localVerifier.verify(`Bearer ${await sign({ ...claimsFor(tenantId), wids: [globalAdministratorRoleId] })}`);
    expect(admin.isGlobalAdmin).toBe(true);
  });

  test.each([
    ['no header', undefined, 'missing bearer token'],
    ['a null header', null, 'missing bearer token'],
    ['an empty header', '', 'missing bearer token'],
    ['the scheme alone', 'Bearer', 'missing bearer token'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'authorization scheme is not Bearer'],
    ['two credentials', 'Bearer a.b.c d.e.f', 'malformed bearer token'],
    ['a garbage token', 'Bearer not-a-jwt', 'malformed token'],
    ['three garbage parts', 'Bearer not.a.jwt', 'malformed token'],
  ])('%s is refused', async (_, header, reason) => {
    await expectRejected(localVerifier, header, reason);
  });

  test('a token expired 61 s ago is refused, one expired 30 s ago passes (60 s clock skew)', async () => {
    await expectRejected(localVerifier, `Bearer ${await mintLocalToken({ keysDir: keys.dir, audience, tenantId, expiresInSeconds: -61 })}`, 'token expired');
    await expect(localVerifier.verify(`Bearer ${await mintLocalToken({ keysDir: keys.dir, audience, tenantId, expiresInSeconds: -30 })}`)).resolves.toMatchObject({ tenantId });
  });

  test('a token valid only in 120 s is refused, one valid in 30 s passes', async () => {
    const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);
    await expectRejected(localVerifier, `Bearer ${await mintLocalToken({ keysDir: keys.dir, audience, tenantId, notBefore: inSeconds(120) })}`, 'token not yet valid');
    await expect(localVerifier.verify(`Bearer ${await mintLocalToken({ keysDir: keys.dir, audience, tenantId, notBefore: inSeconds(30) })}`)).resolves.toMatchObject({ tenantId });
  });

  test('a token for another audience is refused', async () => {
    await expectRejected(localVerifier, `Bearer ${await mintLocalToken({ keysDir: keys.dir, audience: 'api://someone-else', tenantId })}`, 'wrong audience');
  });

  test("a token whose issuer is another tenant's is refused", async () => {
    await expectRejected(localVerifier, `Bearer ${await sign({ ...claimsFor(tenantId), iss: localIssuer(randomUUID()) })}`, 'wrong issuer');
  });

  test('a token with the Entra ID issuer is refused in local mode', async () => {
    await expectRejected(localVerifier, `Bearer ${await sign(claimsFor(tenantId, entraIssuer))}`, 'wrong issuer');
  });

  test('a token signed by another key with the same kid is refused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await expectRejected(localVerifier, `Bearer ${await sign(claimsFor(tenantId), privateKey)}`, 'invalid signature');
  });

  test('an unsigned token (alg none) is refused', async () => {
    const unsigned = `${base64urlJson({ alg: 'none', typ: 'JWT' })}.${base64urlJson(claimsFor(tenantId))}.`;
    await expectRejected(localVerifier, `Bearer ${unsigned}`, 'signing algorithm not allowed');
  });

  test('a token signed with HS256 and the public key as the secret is refused', async () => {
    const { jwks } = await ensureLocalKeys(keys.dir);
    const [publicJwk] = jwks.keys;
    if (publicJwk === undefined) throw new Error('the local key set is empty');
    const publicPem = await exportSPKI((await importJWK(publicJwk, 'RS256')) as KeyLike);
    for (const secret of [publicPem, JSON.stringify(publicJwk)]) {
      const token = await sign(claimsFor(tenantId), new TextEncoder().encode(secret), { alg: 'HS256', kid: localKid });
      await expectRejected(localVerifier, `Bearer ${token}`, 'signing algorithm not allowed');
    }
  });

  test('a token without tid or exp is refused', async () => {
    const { tid: _tid, ...withoutTid } = claimsFor(tenantId);
    await expectRejected(localVerifier, `Bearer ${await sign(withoutTid)}`, 'missing tid claim');
    const { exp: _exp, ...withoutExp } = claimsFor(tenantId);
    await expectRejected(localVerifier, `Bearer ${await sign(withoutExp)}`, 'missing exp claim');
  });

  test('a token whose tid is not a GUID is refused', async () => {
    await expectRejected(localVerifier, `Bearer ${await sign(claimsFor('contoso.onmicrosoft.com'))}`, 'tid is not a tenant id');
    await expectRejected(localVerifier, `Bearer ${await sign({ ...claimsFor(tenantId), tid: 42 })}`, 'tid is not a tenant id');
  });

  test('reasons never quote the token', async () => {
    const token = await mintLocalToken({ keysDir: keys.dir, audience: 'api://someone-else', tenantId });
    const error = await rejection(localVerifier, `Bearer ${token}`);
    for (const part of token.split('.')) expect((error as Error).message).not.toContain(part);
  });
});

describe('entra mode', () => {
  let server: http.Server;
  let entraVerifier: TokenVerifier;
  let entraKey: KeyLike;
  const entraKid = 'entra-test-key';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    entraKey = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: entraKid, use: 'sig' }] });
    server = http.createServer((request, response) => {
      if (request.url === '/discovery/v2.0/keys') response.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
      else response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    entraVerifier = createTokenVerifier({ mode: 'entra', audience, jwksUri: `http://127.0.0.1:${port}/discovery/v2.0/keys`, localKeysDir: keys.dir });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const signEntra = (claims: JWTPayload) => sign(claims, entraKey, { alg: 'RS256', kid: entraKid });

  test("a token from the tenant's Entra ID issuer passes", async () => {
    const objectId = randomUUID();
    const token = await signEntra({ ...claimsFor(tenantId, entraIssuer), oid: objectId, roles: ['Glint.Platform'] });
    await expect(entraVerifier.verify(`Bearer ${token}`)).resolves.toEqual({
      tenantId,
      objectId,
      roles: ['Glint.Platform'],
      isGlobalAdmin: false,
      isGlintAdmin: false,
      isPlatform: true,
    });
  });

  test("a token with the local issuer or another tenant's issuer is refused", async () => {
    await expectRejected(entraVerifier, `Bearer ${await signEntra(claimsFor(tenantId))}`, 'wrong issuer');
    await expectRejected(entraVerifier, `Bearer ${await signEntra({ ...claimsFor(tenantId, entraIssuer), iss: entraIssuer(randomUUID()) })}`, 'wrong issuer');
  });

  test('a locally minted token is refused', async () => {
    await expectRejected(entraVerifier, `Bearer ${await mintLocalToken({ keysDir: keys.dir, audience, tenantId })}`, 'unknown signing key');
  });

  test('an unusable JWKS endpoint is a server error, not a refused token', async () => {
    const { port } = server.address() as AddressInfo;
    const verifier = createTokenVerifier({ mode: 'entra', audience, jwksUri: `http://127.0.0.1:${port}/broken`, localKeysDir: keys.dir });
    const error = await rejection(verifier, `Bearer ${await signEntra(claimsFor(tenantId, entraIssuer))}`);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AuthenticationError);
  });
});
