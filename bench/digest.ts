import { createHash } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { tenantRanges, tenantRows } from '../shared/storage/tenant-rows';
import { TenantStore } from '../shared/storage/tenant-store';

// What an import and a report computation stored, in a form that compares equal exactly when two
// runs stored the same values: the tenant, the run id, the comments' generation id and storage's own
// properties (ETag, timestamp) are taken out, keys are sorted. The benchmark compares digests of it
// across host counts; the multi-host test compares the values themselves.

const table = (connectionString: string, name: string) => TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });

/** JSON with object keys sorted, so two equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export const digestOf = (values: readonly unknown[]) => createHash('sha256').update(values.map(canonicalJson).join('\n')).digest('hex');

/** Every stored value entity of a tenant, sorted, without the storage's own properties. */
export async function storedEntities(connectionString: string, tenantId: string): Promise<Record<string, unknown>[]> {
  const entities: Record<string, unknown>[] = [];
  const filter = odata`PartitionKey ge ${tenantId + '|'} and PartitionKey lt ${tenantId + '}'}`;
  try {
    for await (const e of table(connectionString, 'insightsvalues').listEntities({ queryOptions: { filter } })) {
      const { etag: _etag, timestamp: _timestamp, ...rest } = e as Record<string, unknown>;
      entities.push(rest);
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error; // no table yet: nothing stored
  }
  return entities.sort(byKey((e) => `${String(e.partitionKey)}/${String(e.rowKey)}`));
}

/**
 * The stored values of a tenant with the tenant and run taken out of the partition key (the shard
 * stays), so two imports of the same data compare equal exactly when they stored the same.
 */
export async function storedValues(connectionString: string, tenantId: string): Promise<Record<string, unknown>[]> {
  return (await storedEntities(connectionString, tenantId)).map(({ partitionKey, ...rest }) => {
    const [, programId, cycleId, , shard] = String(partitionKey).split('|');
    return { partition: `${programId}|${cycleId}|${shard}`, ...rest };
  });
}

const commentPage = z.object({ partitionKey: z.string(), rowKey: z.string(), json: z.string() });

/**
 * A cycle's decided reports: every attribute's stored report and the comment pages of the generation
 * the report state points at (partition taken down to metric and group).
 */
export async function storedReports(connectionString: string, tenantId: string, programId: string, cycleId: string): Promise<unknown[]> {
  const store = new TenantStore(table(connectionString, 'config'));
  const state = await store.get(tenantId, tenantRows.reportState(programId, cycleId));
  if (!state) return [];
  const reports = await store.list(tenantId, tenantRanges.attributeReports(programId, cycleId));
  const pages: { group: string; page: string; json: string }[] = [];
  const generation = state.value.commentsGeneration;
  if (generation !== null) {
    const prefix = `${tenantId}|${programId}|${cycleId}|${generation}|`;
    const filter = odata`PartitionKey gt ${prefix} and PartitionKey lt ${prefix + '~'}`;
    for await (const entity of table(connectionString, 'reportcomments').listEntities({ queryOptions: { filter } })) {
      const page = commentPage.parse(entity);
      pages.push({ group: page.partitionKey.slice(prefix.length), page: page.rowKey, json: page.json });
    }
  }
  return [
    { unavailable: state.value.unavailable, itemIds: state.value.itemIds, settings: state.value.settings },
    ...reports.map((r) => r.value),
    ...pages.sort(byKey((p) => `${p.group}/${p.page}`)),
  ];
}
