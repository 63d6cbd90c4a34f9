import { app } from '@azure/functions';
import { ResponseStore } from './survey/response-store';
import type { SurveyDeps } from './survey/ingest';
import { ReportCommentStore } from './reports/comment-store';
import type { ReportDeps } from './reports/refresh';
import { QueueServiceClient } from '@azure/storage-queue';
import type { StoredSource } from './admin/schemas';
import { resolveKeysDir } from './auth/local-keys';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier';
import { parseSettings, type Settings } from './config/settings';
import { metricCatalog, validateCatalog } from './domain/metrics';
import type { HealthDependencies } from './health/health';
import { createODataSource } from './insights/odata-source';
import { insightsTokenProvider } from './insights/insights-credential';
import { openFileSource } from './insights/file-source';
import type { PersonQuerySource } from './insights/source';
import type { PipelineDeps } from './pipeline/deps';
import { WorkQueues } from './pipeline/work-queue';
import { BlobServiceClient } from '@azure/storage-blob';
import { ValuesStore } from './storage/values-store';
import { expandConnectionString, tableClient, tableServiceClient } from './storage/storage-account';
import { TenantStore } from './storage/tenant-store';
import { appVersion } from './version';

// Built once per process: settings parsed, catalog checked, clients created. Functions receive what
// they need from here and never read process.env or construct SDK clients themselves.

export interface Services extends HealthDependencies, PipelineDeps, SurveyDeps, ReportDeps {
  settings: Settings;
  tokenVerifier: TokenVerifier;
}

const probeTimeoutMs = 3000;
const configTable = 'config';
const valuesTable = 'insightsvalues';
const responsesTable = 'surveyresponses';
const reportCommentsTable = 'reportcomments';
let services: Services | undefined;

export function getServices(): Services {
  if (services) return services;
  const settings = parseSettings(process.env);
  validateCatalog(metricCatalog);
  const connection = expandConnectionString(settings.AzureWebJobsStorage);
  // The probe must fail fast: no SDK retries, a short deadline.
  const probeClient = tableServiceClient(connection, { retryOptions: { maxRetries: 0 } });
  services = {
    settings,
    version: appVersion(),
    tokenVerifier: createTokenVerifier({
      mode: settings.AUTH_MODE,
      audience: settings.AUTH_AUDIENCE,
      jwksUri: settings.AUTH_JWKS_URI,
      localKeysDir: resolveKeysDir(settings.AUTH_LOCAL_KEYS_DIR),
    }),
    store: new TenantStore(tableClient(connection, configTable)),
    values: new ValuesStore(tableClient(connection, valuesTable)),
    responses: new ResponseStore(tableClient(connection, responsesTable)),
    reportComments: new ReportCommentStore(tableClient(connection, reportCommentsTable)),
    openSource: (tenantId, source) => openSource(settings, connection, tenantId, source),
    queues: new WorkQueues(QueueServiceClient.fromConnectionString(connection)),
    now: () => new Date(),
    async probeTableStorage() {
      await probeClient.listTables({ abortSignal: AbortSignal.timeout(probeTimeoutMs) }).byPage({ maxPageSize: 1 }).next();
    },
  };
  return services;
}

function openSource(settings: Settings, connection: string, tenantId: string, source: StoredSource): PersonQuerySource {
  if (source.type === 'file') {
    return settings.INSIGHTS_FILE_ROOT
      ? openFileSource({ name: source.name, folder: settings.INSIGHTS_FILE_ROOT })
      : openFileSource({ name: source.name, container: BlobServiceClient.fromConnectionString(connection).getContainerClient(settings.INSIGHTS_FILE_CONTAINER) });
  }
  return createODataSource({
    url: source.url,
    getToken: insightsTokenProvider({
      kind: settings.INSIGHTS_AUTH,
      tenantId,
      clientId: settings.INSIGHTS_CLIENT_ID,
      clientSecret: settings.INSIGHTS_CLIENT_SECRET,
      staticToken: settings.INSIGHTS_STATIC_TOKEN,
    }),
  });
}

// Parse settings when the app starts, so a bad setting stops start-up instead of failing a request.
app.hook.appStart(() => {
  getServices();
});
