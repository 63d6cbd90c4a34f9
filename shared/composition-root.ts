import type { TableServiceClient } from '@azure/data-tables';
import { app } from '@azure/functions';
import { parseSettings, type Settings } from './config/settings';
import type { HealthDependencies } from './health/health';
import { tableServiceClient } from './storage/storage-account';
import { appVersion } from './version';

// Built once per process: settings parsed, clients created. Functions receive what they need from
// here and never read process.env or construct SDK clients themselves.

export interface Services extends HealthDependencies {
  settings: Settings;
  tables: TableServiceClient;
}

const probeTimeoutMs = 3000;
let services: Services | undefined;

export function getServices(): Services {
  if (services) return services;
  const settings = parseSettings(process.env);
  const tables = tableServiceClient(settings.AzureWebJobsStorage);
  // The probe must fail fast: no SDK retries, a short deadline.
  const probeClient = tableServiceClient(settings.AzureWebJobsStorage, { retryOptions: { maxRetries: 0 } });
  services = {
    settings,
    tables,
    version: appVersion(),
    async probeTableStorage() {
      await probeClient.listTables({ abortSignal: AbortSignal.timeout(probeTimeoutMs) }).byPage({ maxPageSize: 1 }).next();
    },
  };
  return services;
}

// Parse settings when the app starts, so a bad setting stops start-up instead of failing a request.
app.hook.appStart(() => {
  getServices();
});
