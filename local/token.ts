import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { appRoot } from '../shared/app-root';
import { mintLocalToken, resolveKeysDir } from '../shared/auth/local-keys';
import { isTenantId } from '../shared/auth/token-verifier';

// Mints a token for AUTH_MODE=local: `npm run --silent token -- --tenant <guid>`. Only the token goes
// to stdout, so that `TOKEN=$(npm run --silent token -- ...)` works.

const usage = 'usage: npm run --silent token -- --tenant <tenant-guid> [--oid <id>] [--roles A,B] [--global-admin] [--expires-in <seconds>]';

const localSettingsSchema = z.object({ Values: z.record(z.string(), z.unknown()).default({}) });

function commandLine(argv: string[]) {
  const args = [...argv];
  // parseArgs refuses `--expires-in -120` as ambiguous; expired tokens for tests need a negative value.
  const expiresAt = args.indexOf('--expires-in');
  if (expiresAt >= 0 && /^-\d+$/.test(args[expiresAt + 1] ?? '')) args.splice(expiresAt, 2, `--expires-in=${args[expiresAt + 1]}`);
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      tenant: { type: 'string' },
      oid: { type: 'string' },
      roles: { type: 'string' },
      'global-admin': { type: 'boolean' },
      'expires-in': { type: 'string' },
    },
  });
  const expiresIn = values['expires-in'];
  if (!isTenantId(values.tenant) || values.oid === '' || (expiresIn !== undefined && !/^-?\d+$/.test(expiresIn))) return undefined;
  return {
    tenantId: values.tenant,
    objectId: values.oid,
    roles: values.roles?.split(',').map((role) => role.trim()).filter((role) => role !== ''),
    globalAdmin: values['global-admin'] ?? false,
    expiresInSeconds: expiresIn === undefined ? undefined : Number(expiresIn),
  };
}

function usableCommandLine(argv: string[]): ReturnType<typeof commandLine> {
  try {
    return commandLine(argv);
  } catch {
    // parseArgs throws on an unknown option or a missing value: bad usage like any other.
    return undefined;
  }
}

/** As the app reads it: the environment first, then local.settings.json, then the sample. */
function localSetting(name: string): string | undefined {
  const fromEnvironment = process.env[name]?.trim();
  if (fromEnvironment) return fromEnvironment;
  for (const file of ['local.settings.json', 'local.settings.sample.json']) {
    const settingsFile = path.join(appRoot(), file);
    if (!existsSync(settingsFile)) continue;
    const value = settingValues(settingsFile)[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

function settingValues(settingsFile: string): Record<string, unknown> {
  const text = readFileSync(settingsFile, 'utf8');
  const parsed = localSettingsSchema.safeParse(safeJsonParse(text));
  // Not the parser's message: it quotes the file, and local settings can hold storage keys.
  if (!parsed.success) throw new Error(`${path.basename(settingsFile)} is not a local settings file ({ "Values": { ... } })`);
  return parsed.data.Values;
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const options = usableCommandLine(process.argv.slice(2));
  if (!options) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const audience = localSetting('AUTH_AUDIENCE');
  if (!audience) throw new Error('AUTH_AUDIENCE is not set in the environment, local.settings.json or local.settings.sample.json');
  const keysDir = resolveKeysDir(localSetting('AUTH_LOCAL_KEYS_DIR') ?? '.local/keys');
  process.stdout.write(`${await mintLocalToken({ ...options, audience, keysDir })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
