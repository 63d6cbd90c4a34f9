import * as z from 'zod/mini';

// The portal's runtime configuration, served as /config.json next to the app (not compiled in): the
// same build runs locally (the local host writes it) and in Azure (azd's deploy hook writes it from the
// deployment's outputs).

const localAuth = z.object({
  mode: z.literal('local'),
  tokenUrl: z.string(),
  defaultTenantId: z.string(),
  personas: z.array(z.object({ id: z.string(), label: z.string() })),
});

const msalAuth = z.object({
  mode: z.literal('msal'),
  /** The API's app registration (its Application (client) ID), which the portal signs in with. */
  clientId: z.string(),
  authority: z.string(),
  /** e.g. api://<client id>/.default */
  scopes: z.array(z.string()),
});

export const portalConfig = z.object({
  /** Where the API is: '' for the same origin (locally), the Function app's URL in Azure. */
  apiBaseUrl: z.string(),
  auth: z.discriminatedUnion('mode', [localAuth, msalAuth]),
});

export type PortalConfig = z.infer<typeof portalConfig>;
export type LocalAuthConfig = z.infer<typeof localAuth>;
export type MsalAuthConfig = z.infer<typeof msalAuth>;

export async function loadConfig(): Promise<PortalConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const parsed = portalConfig.safeParse(await response.json());
  if (!parsed.success) throw new Error(`/config.json is not a portal configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}
