import { mintLocalToken } from '../shared/auth/local-keys';
import { metricCatalog } from '../shared/domain/metrics';
import { addDays, sundayOnOrBefore } from '../shared/domain/weeks';
import { startChild, type Child, type ChildOptions } from './children';

// The app as the benchmark runs it: Functions host processes in roles (the pull alone, the HTTP API
// alone, and work hosts for every other queue), and the calls an administrator and the Glint platform
// make through the API.

export const audience = 'api://insights-to-glint-bench';
const queueFunctions = ['insightsPull', 'insightsBucket', 'insightsReprocess', 'reportRefresh'] as const;

export const thisSunday = sundayOnOrBefore(new Date().toISOString().slice(0, 10));
/** Two weeks back: the cycle has ended, so enabling its program imports it at once. */
export const lastDataSunday = addDays(thisSunday, -14);

export function hostSettings(connectionString: string, keysDir: string): Record<string, string> {
  return {
    AzureWebJobsStorage: connectionString,
    AUTH_MODE: 'local',
    AUTH_AUDIENCE: audience,
    AUTH_LOCAL_KEYS_DIR: keysDir,
    IMPORT_SCHEDULE: '0 0 6 * * 0',
    // The simulator accepts the local key pair's tokens of the pulling tenant.
    INSIGHTS_AUTH: 'local',
    FUNCTIONS_WORKER_RUNTIME: 'node',
  };
}

export const disabled = (...names: string[]) => Object.fromEntries(names.map((n) => [`AzureWebJobs.${n}.Disabled`, 'true']));

/**
 * What a host process runs. As Functions scales each function out on its own instances, each role is
 * its own process, so its CPU time is that stage's: `pull` only the pull; `api` only HTTP; `work`
 * every other queue function (bucket, reprocess, report refresh), as many as asked.
 */
export type HostRole = 'pull' | 'api' | 'work';

const roleSettings: Record<HostRole, Record<string, string>> = {
  pull: disabled('weeklyImport', ...queueFunctions.filter((f) => f !== 'insightsPull')),
  api: disabled('weeklyImport', ...queueFunctions),
  work: disabled('weeklyImport', 'insightsPull'),
};

export function startHost(role: HostRole, settings: Record<string, string>, extra: Record<string, string> = {}, options: ChildOptions = {}): Promise<Child> {
  return startChild('host', { ...settings, ...roleSettings[role], ...extra }, options);
}

export interface Api {
  call(method: string, route: string, token: string, body?: unknown, rawBody?: { text: string; contentType: string }): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function api(url: string): Api {
  return {
    async call(method, route, token, body, rawBody) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (rawBody) headers['content-type'] = rawBody.contentType;
      const response = await fetch(`${url}${route}`, { method, headers, body: rawBody ? rawBody.text : body !== undefined ? JSON.stringify(body) : undefined });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
}

export interface Tokens {
  admin: string;
  global: string;
  app: string;
}

export async function tokensFor(keysDir: string, tenantId: string): Promise<Tokens> {
  const mint = (o: { roles?: string[]; globalAdmin?: boolean }) => mintLocalToken({ keysDir, audience, tenantId, expiresInSeconds: 6 * 3600, ...o });
  return { admin: await mint({ roles: ['Glint.Admin'] }), global: await mint({ globalAdmin: true }), app: await mint({ roles: ['Glint.Platform'] }) };
}

export type SourceBody = { type: 'odata'; url: string } | { type: 'file'; name: string };

/** Consent, a role, the given metrics (default all) as attributes, the source, program p1 with cycle c1. */
export async function configureTenant(app: Api, t: Tokens, source: SourceBody, metricIds: readonly string[] = metricCatalog.map((m) => m.id)): Promise<void> {
  const all = { reportFilters: true, reportSections: true, commentFilters: true };
  const { agreementVersion } = await app.call('GET', '/api/consent', t.global);
  await app.call('PUT', '/api/consent', t.global, { accept: true, agreementVersion });
  await app.call('PUT', '/api/roles/hr', t.app, { name: 'HR', permissions: all });
  for (const metricId of metricIds) await app.call('POST', '/api/attributes', t.admin, { metricId, roles: [{ roleId: 'hr', ...all }] });
  await app.call('PUT', '/api/insights-source', t.admin, source);
  await app.call('PUT', '/api/programs/p1', t.app, { name: 'P1', cycles: [{ cycleId: 'c1', name: 'C1', startDate: addDays(lastDataSunday, 1), endDate: addDays(lastDataSunday, 7) }] });
}

export interface RunView {
  runId: string;
  status: string;
  matchedEmployees: number;
  matchedByAlternateId: number | null;
  error: string | null;
  progress: { chunksDone: number; chunksTotal: number | null; employees: number };
  dataQuality?: { holidayWeeks: unknown[]; personWeeksExcluded: number; nonKnowledgeWorkers: number };
}

/** Polls the run until it is finished; `observe` sees every state polled. */
export async function waitForRun(app: Api, token: string, runId: string, timeoutMs = 6 * 3600_000, observe?: (run: RunView) => void): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await app.call('GET', `/api/imports/${runId}`, token)) as RunView;
    observe?.(run);
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run.progress)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
