import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from './azurite';
import { LocalFunctionsHost } from './host/functions-host';
import { consoleLogger } from './host/logger';
import { startInsightsSimulator, type InsightsSimulator } from './insights-simulator';
import { syntheticRecords, writeSyntheticCsv } from './synthetic-person-query';
import { httpPlatformCall, localTenantId, sampleExportShape, seedDemoTenant } from './demo-tenant';
import { localPortal } from './portal-server';
import { mintLocalToken, resolveKeysDir } from '../shared/auth/local-keys';

// `npm start`: Azurite (unless AzureWebJobsStorage names other storage) and the local Functions host
// serving the compiled app, like `func start`. Settings come from local.settings.json (created from
// the sample on first run); environment variables win over it.

const appDir = path.resolve(__dirname, '..', '..');

function readLocalSettings(): Record<string, string> {
  const file = path.join(appDir, 'local.settings.json');
  if (!existsSync(file)) {
    copyFileSync(path.join(appDir, 'local.settings.sample.json'), file);
    console.log('Created local.settings.json from local.settings.sample.json');
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.Values ?? {}).map(([k, v]) => [k, String(v)]));
}

async function main(): Promise<void> {
  for (const [name, value] of Object.entries(readLocalSettings())) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
  const port = Number(process.env.PORT ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);

  let azurite: RunningAzurite | undefined;
  const storage = process.env.AzureWebJobsStorage ?? '';
  if (storage === '' || storage === 'UseDevelopmentStorage=true') {
    azurite = await startAzurite({ location: path.join(appDir, '.azurite'), blobPort: 10000, queuePort: 10001, tablePort: 10002 });
    process.env.AzureWebJobsStorage = azurite.connectionString;
    console.log(`Azurite listening on 127.0.0.1:10000-10002 (data in .azurite/)`);
  }

  await ensureSampleExport();
  const simulator = await startSimulator();

  const logLevel = process.env.LOCAL_HOST_LOG_LEVEL === 'debug' ? 'debug' : 'information';
  const localAuth = process.env.AUTH_MODE === 'local';
  const keysDir = resolveKeysDir(process.env.AUTH_LOCAL_KEYS_DIR ?? '.local/keys');
  const audience = process.env.AUTH_AUDIENCE ?? '';
  // The portal and its local sign-in need local tokens; with Entra ID tokens open the deployed portal.
  const outsideRoutes = localAuth ? localPortal({ distDir: path.join(appDir, 'portal', 'dist'), keysDir, audience, defaultTenantId: localTenantId }) : undefined;
  const host = await LocalFunctionsHost.start({ appDir, port, logger: consoleLogger(logLevel), ...(outsideRoutes ? { outsideRoutes } : {}) });
  if (localAuth) {
    const token = await mintLocalToken({ keysDir, audience, tenantId: localTenantId, objectId: 'glint-platform@local', roles: ['Glint.Platform'] });
    await seedDemoTenant(httpPlatformCall(host.url, token));
  }

  console.log('\nFunctions:');
  for (const fn of host.functions) {
    if (fn.triggerType === 'httpTrigger') {
      const methods = Array.isArray(fn.trigger.methods) ? (fn.trigger.methods as string[]).join(',') : 'ANY';
      const route = typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
      console.log(`  ${fn.name}: [${methods}] ${host.url}/${host.routePrefix ? `${host.routePrefix}/` : ''}${route}`);
    } else {
      const next = fn.triggerType === 'timerTrigger' ? ` (next ${host.nextOccurrence(fn.name)?.toISOString() ?? 'never'})` : '';
      console.log(`  ${fn.name}: ${fn.triggerType}${next}`);
    }
  }
  if (localAuth) {
    console.log(`\nPortal: ${host.url}/ (sign in as a local persona of tenant ${localTenantId}: Glint's roles, program, items and responses are seeded)`);
    console.log(`\nLocal tokens (AUTH_MODE=local): npm run --silent token -- --tenant ${localTenantId} --roles Glint.Admin --global-admin`);
  }
  if (simulator) {
    console.log(`\nViva Insights simulator (an OData person query of 500 generated people for every tenant): ${simulator.origin}`);
    console.log(`  use it: PUT /api/insights-source {"type":"odata","url":"${simulator.feedUrl(localTenantId)}"} (your tenant id in the path)`);
    console.log(`  or upload ${path.relative(appDir, sampleExportFile)} (PUT /api/insights-files/sample-export.csv) and use {"type":"file","name":"sample-export.csv"}`);
  }
  console.log(`\nFunctions host listening on ${host.url}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping`);
    void (async () => {
      await host.stop();
      await simulator?.stop();
      await azurite?.stop();
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * With INSIGHTS_AUTH=local (the local default) the app's OData source can be pointed at a local
 * Viva Insights simulator; it serves the same generated people as the sample export, to every tenant
 * at its own path, and accepts the app's local tokens of that tenant only.
 */
async function startSimulator(): Promise<InsightsSimulator | undefined> {
  if (process.env.INSIGHTS_AUTH !== 'local' || process.env.INSIGHTS_SIMULATOR_PORT === 'off') return undefined;
  const port = Number(process.env.INSIGHTS_SIMULATOR_PORT ?? 7072);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`INSIGHTS_SIMULATOR_PORT must be a port number or "off", got "${process.env.INSIGHTS_SIMULATOR_PORT}"`);
  return startInsightsSimulator({
    records: () => syntheticRecords(sampleExportShape()),
    pageSize: 1_000,
    port,
    keysDir: resolveKeysDir(process.env.AUTH_LOCAL_KEYS_DIR ?? '.local/keys'),
  });
}

const sampleExportFile = path.join(appDir, '.local', 'sample-export.csv');

/**
 * Writes a generated person-query export to upload, and puts a copy among the local tenant's files
 * (INSIGHTS_FILE_ROOT/<tenant>/), so the file source works at once for that tenant.
 */
async function ensureSampleExport(): Promise<void> {
  if (!existsSync(sampleExportFile)) {
    mkdirSync(path.dirname(sampleExportFile), { recursive: true });
    const shape = sampleExportShape();
    const rows = await writeSyntheticCsv(sampleExportFile, shape);
    console.log(`Wrote a generated person-query export (${rows} rows, weeks up to ${shape.lastSunday}) to ${path.relative(appDir, sampleExportFile)}`);
  }
  const root = process.env.INSIGHTS_FILE_ROOT;
  if (!root) return;
  const folder = path.resolve(appDir, root);
  process.env.INSIGHTS_FILE_ROOT = folder;
  const tenantCopy = path.join(folder, localTenantId, 'sample-export.csv');
  if (existsSync(tenantCopy)) return;
  mkdirSync(path.dirname(tenantCopy), { recursive: true });
  copyFileSync(sampleExportFile, tenantCopy);
}

main().catch((error: Error) => {
  console.error(`Start-up failed: ${error.message}`);
  process.exit(1);
});
