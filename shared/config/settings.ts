import { z } from 'zod';

// Every app setting the service reads, in one schema, parsed once at start-up. A missing or
// malformed setting stops the app with a message that names it; nothing reads process.env elsewhere.

// Storage is reached one of the two ways the Functions host reaches `AzureWebJobsStorage`: a connection
// string, or (in Azure, without account keys) the identity-based `AzureWebJobsStorage__*` settings.
const storageServiceUri = z
  .url({ error: 'must be a URL' })
  .refine((v) => v.startsWith('https://'), { message: 'must be an https URL (Entra ID tokens are only sent over TLS)' })
  .optional();

const positiveInteger = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive');

const commaList = (item: z.ZodString) =>
  z
    .string()
    .transform((v) => v.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== ''))
    .pipe(z.array(item).min(1, 'must name at least one'));
const hostList = commaList(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be host names, comma-separated'));
const tenantList = commaList(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be tenant ids (GUIDs), comma-separated'));

/**
 * `federated` (production): a multi-tenant app registration whose credential is a federated identity
 * credential trusting the app's managed identity, so each organization's token is issued in its own
 * tenant and no secret exists. `client-secret` / `client-certificate`: the same app registration with a
 * secret or certificate. `managed-identity`: the app's identity itself, which lives in one tenant, so
 * only for a deployment restricted to that tenant. `local`: tokens of the local key pair, for the
 * Viva Insights simulator.
 */
export const insightsAuthKinds = ['federated', 'client-secret', 'client-certificate', 'managed-identity', 'local'] as const;
export type InsightsAuthKind = (typeof insightsAuthKinds)[number];

/**
 * Variables that App Service, Functions Consumption and Flex Consumption set on their instances. Any
 * one of them means the app runs in Azure, where nothing local may be switched on. Read from the
 * environment, not parsed as settings: nobody sets them but the platform. (Linux Consumption's
 * CONTAINER_NAME is left out: container sandboxes elsewhere, CI machines among them, set it too.)
 */
export const azureMarkers = [
  'WEBSITE_INSTANCE_ID',
  'WEBSITE_SITE_NAME',
  'WEBSITE_HOSTNAME',
  'WEBSITE_OWNER_NAME',
  'WEBSITE_RESOURCE_GROUP',
  'WEBSITE_SKU',
  'IDENTITY_ENDPOINT',
  'MSI_ENDPOINT',
] as const;

const settingsSchema = z.object({
  AzureWebJobsStorage: z
    .string()
    .trim()
    .refine((v) => v === 'UseDevelopmentStorage=true' || /(^|;)\s*(AccountName|TableEndpoint)=/i.test(v), {
      message: 'is not a storage connection string (expected AccountName=... or TableEndpoint=..., or UseDevelopmentStorage=true)',
    })
    .optional(),
  AzureWebJobsStorage__accountName: z
    .string()
    .trim()
    .regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name (3 to 24 lower-case letters and digits)')
    .optional(),
  AzureWebJobsStorage__tableServiceUri: storageServiceUri,
  AzureWebJobsStorage__queueServiceUri: storageServiceUri,
  AzureWebJobsStorage__blobServiceUri: storageServiceUri,
  AzureWebJobsStorage__credential: z.literal('managedidentity', { error: 'must be "managedidentity" (or unset)' }).optional(),
  // The client id of the user-assigned managed identity that holds the storage data roles.
  AzureWebJobsStorage__clientId: z.string().trim().min(1).optional(),
  AUTH_MODE: z.enum(['entra', 'local'], { error: 'must be "entra" or "local"' }).default('entra'),
  AUTH_AUDIENCE: z.string({ error: 'is required: the API\'s application ID URI or client id (the tokens\' aud)' }).trim().min(1),
  AUTH_JWKS_URI: z.url({ error: 'must be a URL' }).default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  AUTH_LOCAL_KEYS_DIR: z.string().trim().min(1).default('.local/keys'),
  // Where export files of the file source are kept, under a folder per tenant: a local folder, else a blob container of the app's storage.
  INSIGHTS_FILE_ROOT: z.string().trim().min(1).optional(),
  INSIGHTS_FILE_CONTAINER: z.string().trim().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a blob container name').default('insights-import'),
  // The Functions host's own request limit is 100 MB unless HTTP streaming is on.
  INSIGHTS_FILE_MAX_BYTES: positiveInteger.default(100 * 1024 * 1024),
  // How the app gets each organization's token for its Viva Insights OData feed (see insights-credential.ts).
  INSIGHTS_AUTH: z
    .enum(insightsAuthKinds, { error: `must be one of ${insightsAuthKinds.join(', ')}` })
    .default('federated'),
  INSIGHTS_CLIENT_ID: z.string().trim().min(1).optional(),
  INSIGHTS_CLIENT_SECRET: z.string().min(1).optional(),
  INSIGHTS_CLIENT_CERTIFICATE_PATH: z.string().trim().min(1).optional(),
  // The user-assigned managed identity whose token is the federated credential's assertion.
  INSIGHTS_IDENTITY_CLIENT_ID: z.string().trim().min(1).optional(),
  // The Viva Insights hosts a feed URL may name; an operator may add one, a tenant never can.
  INSIGHTS_HOSTS: hostList.default(['workplaceanalytics.office.com', 'workplaceanalytics-eu.office.com']),
  // What one pull may cost at most, so that a feed without end cannot hold an instance other tenants share.
  INSIGHTS_MAX_PAGES: positiveInteger.default(5_000),
  INSIGHTS_MAX_PAGE_BYTES: positiveInteger.default(128 * 1024 * 1024),
  INSIGHTS_MAX_ROWS: positiveInteger.default(30_000_000),
  INSIGHTS_MAX_PULL_SECONDS: positiveInteger.default(3_600),
  // The sweeper of stranded runs (shared/pipeline/stranded.ts): after how long it acts.
  RUN_RESEND_AFTER_SECONDS: positiveInteger.default(3_600),
  RUN_STALE_AFTER_SECONDS: positiveInteger.default(4 * 3_600),
  // The tenants whose tokens the API accepts; unset: every tenant.
  AUTH_ALLOWED_TENANTS: tenantList.optional(),
  IMPORT_SCHEDULE: z
    .string({ error: 'is required: the weekly import timer\'s NCRONTAB, e.g. "0 0 6 * * 0"' })
    .trim()
    // Required, not defaulted: the timer trigger reads it as %IMPORT_SCHEDULE% before any app code runs.
    .refine((v) => v.split(/\s+/).length === 6, { message: 'must be a 6-field NCRONTAB expression (seconds first), e.g. "0 0 6 * * 0"' }),
});

const identityStorageSettings = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__tableServiceUri',
  'AzureWebJobsStorage__queueServiceUri',
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
] as const;
const serviceUriSettings = ['AzureWebJobsStorage__tableServiceUri', 'AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__blobServiceUri'] as const;

// Exactly one way to storage, and for the identity-based way an endpoint for each service.
function checkStorage(s: Settings, ctx: z.RefinementCtx): void {
  const identitySet = identityStorageSettings.filter((name) => s[name] !== undefined);
  if (s.AzureWebJobsStorage && identitySet.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['AzureWebJobsStorage'],
      message: `is set together with ${identitySet.join(', ')}: reach storage one way, a connection string or the identity-based settings`,
    });
  } else if (!s.AzureWebJobsStorage && !s.AzureWebJobsStorage__accountName) {
    const missingUris = serviceUriSettings.filter((name) => s[name] === undefined);
    if (missingUris.length === serviceUriSettings.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['AzureWebJobsStorage'],
        message:
          'is required: a storage connection string (UseDevelopmentStorage=true for Azurite), or identity-based ' +
          'AzureWebJobsStorage__accountName (or __tableServiceUri, __queueServiceUri and __blobServiceUri) instead',
      });
    } else {
      for (const name of missingUris) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when AzureWebJobsStorage__accountName is not set' });
      }
    }
  }
  if (s.AzureWebJobsStorage__clientId && s.AzureWebJobsStorage__credential !== 'managedidentity') {
    // The Functions host honours the client id only with this credential; the app must not pick another identity.
    ctx.addIssue({ code: 'custom', path: ['AzureWebJobsStorage__credential'], message: 'must be "managedidentity" when AzureWebJobsStorage__clientId is set' });
  }
}

function checkInsightsAuth(s: Settings, ctx: z.RefinementCtx): void {
  const need = (name: keyof Settings, why: string) => {
    if (s[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required when INSIGHTS_AUTH is "${s.INSIGHTS_AUTH}" (${why})` });
  };
  switch (s.INSIGHTS_AUTH) {
    case 'federated':
      need('INSIGHTS_CLIENT_ID', 'the multi-tenant app registration that holds the Viva Insights Analyst permission');
      need('INSIGHTS_IDENTITY_CLIENT_ID', 'the managed identity its federated credential trusts');
      break;
    case 'client-secret':
      need('INSIGHTS_CLIENT_ID', 'the app registration');
      need('INSIGHTS_CLIENT_SECRET', 'its secret');
      break;
    case 'client-certificate':
      need('INSIGHTS_CLIENT_ID', 'the app registration');
      need('INSIGHTS_CLIENT_CERTIFICATE_PATH', 'its certificate, PEM with the private key');
      break;
    case 'managed-identity':
      // The identity lives in the operator's tenant: reading any other organization's feed with it
      // would read it as the operator, so the deployment must serve that one tenant only.
      if (s.AUTH_ALLOWED_TENANTS?.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['AUTH_ALLOWED_TENANTS'],
          message: 'must name exactly one tenant when INSIGHTS_AUTH is "managed-identity" (a single identity serves a deployment restricted to its own tenant; use "federated" for many organizations)',
        });
      }
      break;
    case 'local':
      break;
  }
}

/** The local stand-ins (local tokens, the simulator's tokens) must never be accepted in Azure. */
function checkNotInAzure(s: Settings, env: Record<string, string>, ctx: z.RefinementCtx): void {
  const markers = azureMarkers.filter((name) => env[name] !== undefined);
  if (markers.length === 0) return;
  const where = `which is refused when running in Azure (${markers.join(', ')} ${markers.length === 1 ? 'is' : 'are'} set)`;
  if (s.AUTH_MODE === 'local') ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: `is "local", ${where}` });
  if (s.INSIGHTS_AUTH === 'local') ctx.addIssue({ code: 'custom', path: ['INSIGHTS_AUTH'], message: `is "local" (for the Viva Insights simulator), ${where}` });
}

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  readonly settings: string[];
  constructor(problems: { setting: string; message: string }[]) {
    super(`Invalid app settings: ${problems.map((p) => `${p.setting} ${p.message}`).join('; ')}`);
    this.name = 'SettingsError';
    this.settings = problems.map((p) => p.setting);
  }
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
  // Empty strings count as unset, as a blank line in local.settings.json or the portal means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const result = settingsSchema
    .superRefine((s, ctx) => {
      checkStorage(s, ctx);
      checkInsightsAuth(s, ctx);
      checkNotInAzure(s, present, ctx);
    })
    .safeParse(present);
  if (!result.success) {
    throw new SettingsError(result.error.issues.map((issue) => ({ setting: String(issue.path[0] ?? '(settings)'), message: issue.message })));
  }
  return result.data;
}

/** The names of every setting the app reads, for docs and contract tests. */
export const settingNames = Object.keys(settingsSchema.shape);
