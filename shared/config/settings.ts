import { z } from 'zod';

// Every app setting the service reads, in one schema, parsed once at start-up. A missing or
// malformed setting stops the app with a message that names it; nothing reads process.env elsewhere.

// Storage is reached one of the two ways the Functions host reaches `AzureWebJobsStorage`: a connection
// string, or (in Azure, without account keys) the identity-based `AzureWebJobsStorage__*` settings.
const storageServiceUri = z
  .url({ error: 'must be a URL' })
  .refine((v) => v.startsWith('https://'), { message: 'must be an https URL (Entra ID tokens are only sent over TLS)' })
  .optional();

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
  // Set by App Service / Functions on every Azure instance; local tokens must never be accepted there.
  WEBSITE_INSTANCE_ID: z.string().optional(),
  // Where export files of the file source are read: a local folder, else a blob container of the app's storage.
  INSIGHTS_FILE_ROOT: z.string().trim().min(1).optional(),
  INSIGHTS_FILE_CONTAINER: z.string().trim().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a blob container name').default('insights-import'),
  // How the app gets tokens for the Viva Insights OData feed of a tenant.
  INSIGHTS_AUTH: z.enum(['managed-identity', 'client-secret', 'workload-identity', 'static'], { error: 'must be managed-identity, client-secret, workload-identity or static' }).default('managed-identity'),
  INSIGHTS_CLIENT_ID: z.string().trim().min(1).optional(),
  INSIGHTS_CLIENT_SECRET: z.string().min(1).optional(),
  INSIGHTS_STATIC_TOKEN: z.string().min(1).optional(),
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

const checkedSettingsSchema = settingsSchema.superRefine((s, ctx) => {
  checkStorage(s, ctx);
  if (s.AUTH_MODE === 'local' && s.WEBSITE_INSTANCE_ID) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'is "local", which is refused when running in Azure (WEBSITE_INSTANCE_ID is set)' });
  }
  if (s.INSIGHTS_AUTH === 'static' && s.WEBSITE_INSTANCE_ID) {
    ctx.addIssue({ code: 'custom', path: ['INSIGHTS_AUTH'], message: 'is "static" (for the local simulator), which is refused when running in Azure' });
  }
  if (s.INSIGHTS_AUTH === 'static' && !s.INSIGHTS_STATIC_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['INSIGHTS_STATIC_TOKEN'], message: 'is required when INSIGHTS_AUTH is "static"' });
  }
  if (s.INSIGHTS_AUTH === 'client-secret' && (!s.INSIGHTS_CLIENT_ID || !s.INSIGHTS_CLIENT_SECRET)) {
    ctx.addIssue({ code: 'custom', path: [s.INSIGHTS_CLIENT_ID ? 'INSIGHTS_CLIENT_SECRET' : 'INSIGHTS_CLIENT_ID'], message: 'is required when INSIGHTS_AUTH is "client-secret"' });
  }
});

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
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = checkedSettingsSchema.safeParse(present);
  if (!result.success) {
    throw new SettingsError(result.error.issues.map((issue) => ({ setting: String(issue.path[0] ?? '(settings)'), message: issue.message })));
  }
  return result.data;
}

/** The names of every setting the app reads, for docs and contract tests. */
export const settingNames = Object.keys(settingsSchema.shape);
