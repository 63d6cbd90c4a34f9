import { storedEntities as storedEntitiesOf, storedValues as storedValuesOf } from '../../bench/digest';
import { addDays, sundayOnOrBefore } from '../../shared/domain/weeks';
import type { RawRecord } from '../../shared/insights/source';
import { startInsightsSimulator, type InsightsSimulator, type InsightsSimulatorOptions } from '../../local/insights-simulator';
import { glintAdmin, globalAdmin, newTenant, platform, type AppStack } from './app-stack';

// A tenant set up through the API the way an administrator would, ready to import: consent, a role,
// two attributes (meetingHours, emailHours with default ranges), a source, program p1 with cycle c1
// whose window covers the generated weeks, and confidentiality settings.

export const thisSunday = sundayOnOrBefore(new Date().toISOString().slice(0, 10));
/** The last week of generated data: two weeks back, so cycle c1 has ended and is backfilled at once. */
export const lastDataSunday = addDays(thisSunday, -14);
const all = { reportFilters: true, reportSections: true, commentFilters: true };

/** People × the 12 weeks ending `lastSunday`: meeting hours = person index mod 20, email hours 2.5. */
export function* personQueryRecords(people: number, lastSunday = lastDataSunday): Generator<RawRecord> {
  for (let p = 0; p < people; p++) {
    for (let w = 0; w < 12; w++) {
      yield { PersonId: `person${p}@contoso.com`, MetricDate: addDays(lastSunday, -7 * w), 'Meeting hours': p % 20, 'Email hours': 2.5, IsActive: true };
    }
  }
}

export function personQueryCsv(people: number, lastSunday = lastDataSunday): string {
  const lines = ['PersonId,MetricDate,Meeting hours,Email hours,IsActive'];
  for (const r of personQueryRecords(people, lastSunday)) lines.push(`${r.PersonId},${r.MetricDate},${r['Meeting hours']},${r['Email hours']},TRUE`);
  return `${lines.join('\n')}\n`;
}

/** A source; a file source's `content`, when given, is uploaded through the API first. */
export type SourceBody = { type: 'file'; name: string; content?: string } | { type: 'odata'; url: string };

/** The source of a tenant: given as is, or made from the tenant's id (a feed URL carries it). */
export type SourceFor = SourceBody | ((tenantId: string) => SourceBody);

/**
 * Runs `use` against a Viva Insights simulator of `people` generated people (personQueryRecords) that
 * accepts the stack's tokens, and stops it afterwards.
 */
export async function withSimulator<T>(
  stack: AppStack,
  options: Partial<InsightsSimulatorOptions> & { people: number },
  use: (simulator: InsightsSimulator) => Promise<T>,
): Promise<T> {
  const { people, ...rest } = options;
  const simulator = await startInsightsSimulator({ records: () => personQueryRecords(people), keysDir: stack.keysDir, ...rest });
  try {
    return await use(simulator);
  } finally {
    await simulator.stop();
  }
}

/** Tenant's own query on a simulator. */
export const simulatorFeed = (simulator: { feedUrl(tenantId: string): string }) => (tenantId: string): SourceBody => ({ type: 'odata', url: simulator.feedUrl(tenantId) });

export interface PipelineTenant {
  tenantId: string;
  admin: string;
  global: string;
  app: string;
  call(method: string, route: string, token: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  distribution(metricId: string, options?: { max?: string; programId?: string; cycleId?: string }): Promise<(number | null)[]>;
  run(runId: string): Promise<{ status: string; error: string | null; matchedEmployees: number; progress: { chunksDone: number; chunksTotal: number | null } }>;
  /** Uploads (or replaces) one of the tenant's export files, as its Glint Administrator would. */
  upload(name: string, content: string): Promise<void>;
  deleteFile(name: string): Promise<void>;
}

export async function setUpTenant(stack: AppStack, source: SourceFor): Promise<PipelineTenant> {
  const tenantId = newTenant();
  const [admin, global, app] = await Promise.all([glintAdmin(stack, tenantId), globalAdmin(stack, tenantId), platform(stack, tenantId)]);
  const call = async (method: string, route: string, token: string, body?: unknown) => {
    const response = await stack.call(method, route, { token, body });
    if (response.status >= 500) {
      const logged = stack.logs.filter((l) => l.level === 'error').map((l) => l.message);
      throw new Error(`${method} ${route}: ${response.status}; logged: ${logged.join('\n')}`);
    }
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const { agreementVersion } = await call('GET', '/api/consent', global);
  await call('PUT', '/api/consent', global, { accept: true, agreementVersion });
  await call('PUT', '/api/roles/hr', app, { name: 'HR', permissions: all });
  await call('POST', '/api/attributes', admin, { metricId: 'meetingHours', roles: [{ roleId: 'hr', ...all }] });
  await call('POST', '/api/attributes', admin, { metricId: 'emailHours', roles: [{ roleId: 'hr', ...all }] });
  const upload = async (name: string, content: string) => {
    const response = await stack.call('PUT', `/api/insights-files/${encodeURIComponent(name)}`, { token: admin, rawBody: content, headers: { 'content-type': 'text/csv' } });
    if (response.status !== 200 && response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const body = typeof source === 'function' ? source(tenantId) : source;
  if (body.type === 'file' && body.content !== undefined) {
    const { content, ...fileSource } = body;
    await upload(fileSource.name, content);
    await call('PUT', '/api/insights-source', admin, fileSource);
  } else {
    await call('PUT', '/api/insights-source', admin, body);
  }
  await call('PUT', '/api/programs/p1', app, { name: 'P1', cycles: [{ cycleId: 'c1', name: 'C1', startDate: addDays(lastDataSunday, 1), endDate: addDays(lastDataSunday, 7) }] });
  await call('PUT', '/api/settings/confidentiality', admin, { minResponses: 3, suppression: 1, minCommentResponses: 3, insightsMinGroupSize: 5 });
  return {
    tenantId,
    admin,
    global,
    app,
    call,
    async distribution(metricId, { max, programId = 'p1', cycleId = 'c1' } = {}) {
      const body = await call('GET', `/api/attributes/${metricId}/distribution?programId=${programId}&cycleId=${cycleId}${max ? `&max=${max}` : ''}`, admin);
      return body.buckets.map((b: { employees: number | null }) => b.employees);
    },
    run: (runId) => call('GET', `/api/imports/${runId}`, admin),
    upload,
    async deleteFile(name) {
      await call('DELETE', `/api/insights-files/${encodeURIComponent(name)}`, admin);
    },
  };
}

/** Every stored value entity of a tenant, sorted, without the storage's own properties. */
export const storedEntities = (stack: AppStack, tenantId: string) => storedEntitiesOf(stack.azurite.connectionString, tenantId);

/**
 * The stored values of a tenant with the tenant and run taken out of the partition key (the shard
 * stays), so two tenants' imports of the same data compare equal exactly when they stored the same.
 */
export const storedValues = (stack: AppStack, tenantId: string) => storedValuesOf(stack.azurite.connectionString, tenantId);
