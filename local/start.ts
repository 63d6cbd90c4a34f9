import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from './azurite';
import { LocalFunctionsHost } from './host/functions-host';
import { consoleLogger } from './host/logger';
import { startInsightsSimulator, type InsightsSimulator } from './insights-simulator';
import { syntheticRecords, writeSyntheticCsv } from './synthetic-person-query';
import { sundayOnOrBefore, addDays } from '../shared/domain/weeks';
import { resolveKeysDir } from '../shared/auth/local-keys';

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
  const host = await LocalFunctionsHost.start({ appDir, port, logger: consoleLogger(logLevel) });

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
  if (process.env.AUTH_MODE === 'local') {
    console.log(`\nLocal tokens (AUTH_MODE=local): npm run --silent token -- --tenant ${demoTenant} --roles Glint.Admin --global-admin`);
  }
  if (simulator) {
    console.log(`\nViva Insights simulator (an OData person query of 500 generated people for every tenant): ${simulator.origin}`);
    console.log(`  use it: PUT /api/insights-source {"type":"odata","url":"${simulator.feedUrl(demoTenant)}"} (your tenant id in the path)`);
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

// Two years of weeks, so any cycle the 24-month backfill picks has data.
const sampleExportShape = () => ({ people: 500, weeks: 104, lastSunday: addDays(sundayOnOrBefore(new Date().toISOString().slice(0, 10)), -7) });

/** The tenant of the README's walkthrough. */
const demoTenant = '7d3e1a52-0f6b-4c1e-9a38-2b5c6d7e8f90';
const sampleExportFile = path.join(appDir, '.local', 'sample-export.csv');

/**
 * Writes a generated person-query export to upload, and puts a copy among the walkthrough tenant's
 * files (INSIGHTS_FILE_ROOT/<tenant>/), so the file source works at once for that tenant.
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
  const demoCopy = path.join(folder, demoTenant, 'sample-export.csv');
  if (existsSync(demoCopy)) return;
  mkdirSync(path.dirname(demoCopy), { recursive: true });
  copyFileSync(sampleExportFile, demoCopy);
}

main().catch((error: Error) => {
  console.error(`Start-up failed: ${error.message}`);
  process.exit(1);
});
