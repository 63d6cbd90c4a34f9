import { app } from '@azure/functions';
import { ResponseStore } from './survey/response-store';
import type { SurveyDeps } from './survey/ingest';
import { ReportCommentStore } from './reports/comment-store';
import type { ReportDeps } from './reports/refresh';
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
import type { BlobServiceClient } from '@azure/storage-blob';
import { ValuesStore } from './storage/values-store';
import { storageClients } from './storage/storage-account';
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
  const storage = storageClients(settings);
  // The probe must fail fast: no SDK retries, a short deadline.
  const probeClient = storage.tableService({ retryOptions: { maxRetries: 0 } });
  services = {
    settings,
    version: appVersion(),
    tokenVerifier: createTokenVerifier({
      mode: settings.AUTH_MODE,
      audience: settings.AUTH_AUDIENCE,
      jwksUri: settings.AUTH_JWKS_URI,
      localKeysDir: resolveKeysDir(settings.AUTH_LOCAL_KEYS_DIR),
    }),
    store: new TenantStore(storage.table(configTable)),
    values: new ValuesStore(storage.table(valuesTable)),
    responses: new ResponseStore(storage.table(responsesTable)),
    reportComments: new ReportCommentStore(storage.table(reportCommentsTable)),
    openSource: (tenantId, source) => openSource(settings, storage.blobService, tenantId, source),
    queues: new WorkQueues(storage.queueService),
    now: () => new Date(),
    async probeTableStorage() {
      await probeClient.listTables({ abortSignal: AbortSignal.timeout(probeTimeoutMs) }).byPage({ maxPageSize: 1 }).next();
    },
  };
  return services;
}

function openSource(settings: Settings, blobService: BlobServiceClient, tenantId: string, source: StoredSource): PersonQuerySource {
  if (source.type === 'file') {
    return settings.INSIGHTS_FILE_ROOT
      ? openFileSource({ name: source.name, folder: settings.INSIGHTS_FILE_ROOT })
      : openFileSource({ name: source.name, container: blobService.getContainerClient(settings.INSIGHTS_FILE_CONTAINER) });
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
