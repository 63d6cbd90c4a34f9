import { app } from '@azure/functions';
import { ResponseStore } from './storage/response-store';
import type { SurveyDeps } from './survey/ingest';
import { ReportCommentStore } from './reports/comment-store';
import { ReportHistoryStore } from './reports/history-store';
import type { ReportDeps } from './reports/refresh';
import { type StoredSource } from './storage/tenant-rows';
import { resolveKeysDir } from './auth/local-keys';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier';
import { parseSettings, type Settings } from './config/settings';
import { metricCatalog, validateCatalog } from './domain/metrics';
import type { HealthDependencies } from './health/health';
import { createODataSource } from './insights/odata-source';
import { insightsTokenProvider, type InsightsAuth } from './insights/insights-credential';
import { containerExportFiles, folderExportFiles, type ExportFileStore } from './insights/export-files';
import { feedUrlProblems, type FeedUrlPolicy } from './insights/feed-url';
import { openFileSource } from './insights/file-source';
import { SourceError, type PersonQuerySource } from './insights/source';
import type { InsightsFilesDeps } from './admin/insights-files';
import { type SourceDeps } from './admin/tenant-settings';
import type { ConsentDeps } from './admin/consent';
import type { PipelineDeps } from './pipeline/deps';
import type { SweepLimits } from './pipeline/stranded';
import { WorkQueues } from './work/queues';
import { ValuesStore } from './storage/values-store';
import { PagedStore } from './storage/paged-store';
import { storageClients } from './storage/storage-account';
import { TenantStore } from './storage/tenant-store';
import { appVersion } from './version';

// Built once per process: settings parsed, catalog checked, clients created. Functions receive what
// they need from here and never read process.env or construct SDK clients themselves.

export interface Services extends HealthDependencies, PipelineDeps, SurveyDeps, ReportDeps, InsightsFilesDeps, SourceDeps, ConsentDeps {
  settings: Settings;
  sweepLimits: SweepLimits;
  tokenVerifier: TokenVerifier;
}

const probeTimeoutMs = 3000;
const configTable = 'config';
const valuesTable = 'insightsvalues';
const responsesTable = 'surveyresponses';
const reportCommentsTable = 'reportcomments';
const reportHistoryTable = 'reporthistory';
const rosterTable = 'glintroster';
const personsTable = 'insightspersons';
let services: Services | undefined;

export function getServices(): Services {
  if (services) return services;
  const settings = parseSettings(process.env);
  validateCatalog(metricCatalog);
  const storage = storageClients(settings);
  // The probe must fail fast: no SDK retries, a short deadline.
  const probeClient = storage.tableService({ retryOptions: { maxRetries: 0 } });
  const files = settings.INSIGHTS_FILE_ROOT
    ? folderExportFiles(settings.INSIGHTS_FILE_ROOT)
    : containerExportFiles(storage.blobService.getContainerClient(settings.INSIGHTS_FILE_CONTAINER));
  const feedUrlPolicy: FeedUrlPolicy = { hosts: settings.INSIGHTS_HOSTS, allowLoopbackHttp: settings.INSIGHTS_AUTH === 'local' };
  const insightsAuth: InsightsAuth = {
    kind: settings.INSIGHTS_AUTH,
    clientId: settings.INSIGHTS_CLIENT_ID,
    clientSecret: settings.INSIGHTS_CLIENT_SECRET,
    certificatePath: settings.INSIGHTS_CLIENT_CERTIFICATE_PATH,
    identityClientId: settings.INSIGHTS_IDENTITY_CLIENT_ID,
    allowedTenants: settings.AUTH_ALLOWED_TENANTS,
    localKeysDir: resolveKeysDir(settings.AUTH_LOCAL_KEYS_DIR),
  };
  services = {
    settings,
    version: appVersion(),
    tokenVerifier: createTokenVerifier({
      mode: settings.AUTH_MODE,
      audience: settings.AUTH_AUDIENCE,
      jwksUri: settings.AUTH_JWKS_URI,
      localKeysDir: resolveKeysDir(settings.AUTH_LOCAL_KEYS_DIR),
      allowedTenants: settings.AUTH_ALLOWED_TENANTS,
    }),
    store: new TenantStore(storage.table(configTable)),
    values: new ValuesStore(storage.table(valuesTable)),
    responses: new ResponseStore(storage.table(responsesTable)),
    reportComments: new ReportCommentStore(storage.table(reportCommentsTable)),
    reportHistory: new ReportHistoryStore(storage.table(reportHistoryTable)),
    rosterPages: new PagedStore(storage.table(rosterTable)),
    persons: new PagedStore(storage.table(personsTable)),
    files,
    feedUrlPolicy,
    insightsAppClientId: ['federated', 'client-secret', 'client-certificate'].includes(settings.INSIGHTS_AUTH) ? settings.INSIGHTS_CLIENT_ID : undefined,
    pullLimits: { maxRows: settings.INSIGHTS_MAX_ROWS, maxSeconds: settings.INSIGHTS_MAX_PULL_SECONDS },
    sweepLimits: { resendAfterSeconds: settings.RUN_RESEND_AFTER_SECONDS, staleAfterSeconds: settings.RUN_STALE_AFTER_SECONDS },
    openSource: (tenantId, source) => openSource(settings, { files, feedUrlPolicy, insightsAuth }, tenantId, source),
    queues: new WorkQueues(storage.queueService),
    now: () => new Date(),
    async probeTableStorage() {
      await probeClient.listTables({ abortSignal: AbortSignal.timeout(probeTimeoutMs) }).byPage({ maxPageSize: 1 }).next();
    },
  };
  return services;
}

function openSource(
  settings: Settings,
  { files, feedUrlPolicy, insightsAuth }: { files: ExportFileStore; feedUrlPolicy: FeedUrlPolicy; insightsAuth: InsightsAuth },
  tenantId: string,
  source: StoredSource,
): PersonQuerySource {
  if (source.type === 'file') return openFileSource({ name: source.name, open: (signal) => files.open(tenantId, source.name, signal) });
  // Checked again at each pull: a URL stored before a rule or the allowed hosts changed gets no token.
  const problems = feedUrlProblems(source.url, tenantId, feedUrlPolicy);
  if (problems.length > 0) throw new SourceError(`the Insights source's feed URL is no longer accepted: it ${problems.join('; ')} (PUT /api/insights-source)`, false);
  return createODataSource({
    url: source.url,
    getToken: insightsTokenProvider(insightsAuth, tenantId),
    maxPages: settings.INSIGHTS_MAX_PAGES,
    maxPageBytes: settings.INSIGHTS_MAX_PAGE_BYTES,
  });
}

// Parse settings when the app starts, so a bad setting stops start-up instead of failing a request.
app.hook.appStart(() => {
  getServices();
});
