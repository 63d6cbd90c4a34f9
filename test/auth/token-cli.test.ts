import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { appRoot } from '../../shared/app-root';
import { AuthenticationError, createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';
import { temporaryKeysDir } from './keys-dir';

// The compiled CLI, as `npm run token` runs it: `npm test` (or `npm run build`) compiles it first.
const cli = path.join(appRoot(), 'dist', 'local', 'token.js');
const audience = 'api://insights-to-glint-cli-test';
const tenantId = '0f4c2d1e-3b5a-4c6d-8e7f-9a0b1c2d3e4f';
const jwtLine = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;
const folders: { remove(): void }[] = [];

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], keysDir: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: appRoot(),
      env: { ...process.env, AUTH_AUDIENCE: audience, AUTH_LOCAL_KEYS_DIR: keysDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function newKeysDir(): string {
  const folder = temporaryKeysDir();
  folders.push(folder);
  return folder.dir;
}

let keysDir: string;
let verifier: TokenVerifier;

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  keysDir = newKeysDir();
  verifier = createTokenVerifier({ mode: 'local', audience, jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys', localKeysDir: keysDir });
});

afterAll(() => folders.forEach((folder) => folder.remove()));

async function mint(args: string[]): Promise<string> {
  const result = await runCli(args, keysDir);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(jwtLine);
  return result.stdout.trim();
}

test('prints one token line that the local verifier accepts', async () => {
  const token = await mint(['--tenant', tenantId, '--oid', 'caller-oid']);
  await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
    tenantId,
    objectId: 'caller-oid',
    roles: [],
    isGlobalAdmin: false,
    isGlintAdmin: false,
    isPlatform: false,
  });
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
  const claims = decodeJwt(token);
  expect(claims).toMatchObject({ aud: audience, tid: tenantId, sub: 'caller-oid', ver: '2.0' });
  expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  expect(claims).not.toHaveProperty('roles');
  expect(claims).not.toHaveProperty('wids');
});

test('--global-admin adds the Global Administrator wid', async () => {
  const token = await mint(['--tenant', tenantId, '--global-admin']);
  expect(decodeJwt(token).wids).toEqual(['62e90394-69f5-4237-9190-012177145e10']);
  await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ isGlobalAdmin: true });
});

test('--roles sets the roles claim', async () => {
  const token = await mint(['--tenant', tenantId, '--roles', 'Glint.Admin,viewer-role']);
  expect(decodeJwt(token).roles).toEqual(['Glint.Admin', 'viewer-role']);
  await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ roles: ['Glint.Admin', 'viewer-role'], isGlintAdmin: true });
});

test('--expires-in -120 gives a token the verifier refuses as expired', async () => {
  for (const args of [['--expires-in', '-120'], ['--expires-in=-120']]) {
    const token = await mint(['--tenant', tenantId, ...args]);
    const error = await verifier.verify(`Bearer ${token}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe('token expired');
  }
});

test.each([
  ['no --tenant', ['--global-admin']],
  ['a tenant that is not a GUID', ['--tenant', 'contoso']],
  ['an unknown option', ['--tenant', tenantId, '--admin']],
  ['a lifetime that is not a number', ['--tenant', tenantId, '--expires-in', 'soon']],
  ['a positional argument', ['--tenant', tenantId, 'extra']],
])('%s exits 2 with a one-line usage on stderr and nothing on stdout', async (_, args) => {
  const result = await runCli(args, keysDir);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^usage: npm run --silent token -- --tenant <tenant-guid>[^\n]*\n$/);
});

test('two CLIs started at once on an empty key folder sign with the same key', async () => {
  const dir = newKeysDir();
  const results = await Promise.all([runCli(['--tenant', tenantId], dir), runCli(['--tenant', tenantId], dir)]);
  const sameFolderVerifier = createTokenVerifier({ mode: 'local', audience, jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys', localKeysDir: dir });
  for (const result of results) {
    expect(result).toMatchObject({ code: 0, stderr: '' });
    await expect(sameFolderVerifier.verify(`Bearer ${result.stdout.trim()}`)).resolves.toMatchObject({ tenantId });
  }
});
