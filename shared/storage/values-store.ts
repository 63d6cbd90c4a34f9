import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { chunk, maxBatch, runLimited, submitByPartition, tableCreator } from './table-support';

// The imported values: one entity per (tenant, program, cycle, import run, employee) holding, per
// attribute metric, the window's sum (nano-units), its number of weeks, and the bucket. The import
// run is part of the partition key, so a new run writes beside the data reports read and replaces it
// in one step when it succeeds (the cycle's current run changes); the superseded run is deleted after.
// Each run's employees are spread over `shardCount` partitions by a hash of the employee key, so one
// large cycle is written and read through many partitions at once (Table Storage serves about 2,000
// entities per second per partition).

export const shardCount = 16;

export interface MetricValue {
  sumNano: number;
  weeks: number;
  bucket: 1 | 2 | 3 | 4;
}

export interface EmployeeValues {
  employeeKey: string;
  metrics: Record<string, MetricValue>;
}

export interface RunScope {
  tenantId: string;
  programId: string;
  cycleId: string;
  runId: string;
}

/** FNV-1a: cheap, stable across processes and versions (unlike anything seeded). */
export function shardOf(employeeKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < employeeKey.length; i++) {
    hash ^= employeeKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
}

export function partitionKey(scope: RunScope, shard: number): string {
  return `${scope.tenantId}|${scope.programId}|${scope.cycleId}|${scope.runId}|${shard.toString(16).padStart(2, '0')}`;
}

export function runPartitions(scope: RunScope): string[] {
  return Array.from({ length: shardCount }, (_, shard) => partitionKey(scope, shard));
}

// Keys may not hold / \ # ? or control characters; employee keys (emails, object ids) are encoded.
export const rowKeyOf = (employeeKey: string) => encodeURIComponent(employeeKey);

const metricValue = z.object({ sumNano: z.number(), weeks: z.number().int().min(1), bucket: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) });

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** The entity of one employee of a run, exactly as the import writes it. */
export function toEntity(scope: RunScope, employee: EmployeeValues): Entity {
  const entity: Entity = { partitionKey: partitionKey(scope, shardOf(employee.employeeKey)), rowKey: rowKeyOf(employee.employeeKey), employeeKey: employee.employeeKey };
  for (const [metricId, value] of Object.entries(employee.metrics)) {
    entity[`s_${metricId}`] = value.sumNano;
    entity[`w_${metricId}`] = value.weeks;
    entity[`b_${metricId}`] = value.bucket;
  }
  return entity;
}

function fromEntity(entity: Record<string, unknown>, metricIds: readonly string[]): EmployeeValues {
  const metrics: Record<string, MetricValue> = {};
  for (const metricId of metricIds) {
    // Azure Table Storage answers a selected property an entity lacks with null.
    if (entity[`w_${metricId}`] == null) continue;
    metrics[metricId] = metricValue.parse({ sumNano: entity[`s_${metricId}`], weeks: entity[`w_${metricId}`], bucket: entity[`b_${metricId}`] });
  }
  return { employeeKey: z.string().parse(entity.employeeKey), metrics };
}

export class ValuesStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  /** Writes (replacing) the employees' entities of a run: batches of up to 100 per partition, partitions in parallel. */
  async write(scope: RunScope, employees: readonly EmployeeValues[], concurrency = 8): Promise<void> {
    await this.#ensureTable();
    const actions = employees.map((employee): TransactionAction => ['upsert', toEntity(scope, employee), 'Replace']);
    await submitByPartition(this.#table, actions, concurrency);
  }

  /** The employees of one shard of a run, with the given metrics. */
  async *scanShard(scope: RunScope, shard: number, metricIds: readonly string[]): AsyncIterable<EmployeeValues> {
    await this.#ensureTable();
    const select = ['employeeKey', ...metricIds.flatMap((m) => [`s_${m}`, `w_${m}`, `b_${m}`])];
    for await (const entity of this.#table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey(scope, shard)}`, select } })) {
      yield fromEntity(entity, metricIds);
    }
  }

  /** Every employee of a run, with the given metrics, shard by shard. */
  async *scan(scope: RunScope, metricIds: readonly string[]): AsyncIterable<EmployeeValues> {
    for (let shard = 0; shard < shardCount; shard++) yield* this.scanShard(scope, shard, metricIds);
  }

  /**
   * Changes entities that exist, never creating one: a deletion that got there first stays a deletion.
   * A transaction fails whole on one missing entity, so then the actions go one by one, skipping those.
   */
  async #changeExisting(actions: TransactionAction[], concurrency: number): Promise<void> {
    await this.#ensureTable();
    try {
      await submitByPartition(this.#table, actions, concurrency);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      await runLimited(actions, concurrency, async (action) => {
        await this.#table.submitTransaction([action]).catch((e: { statusCode?: number }) => {
          if (e.statusCode !== 404) throw e;
        });
      });
    }
  }

  /** Replaces the entities of employees of a run that still exist (never recreating a deleted one). */
  async replaceExisting(scope: RunScope, employees: readonly EmployeeValues[], concurrency = 8): Promise<void> {
    await this.#changeExisting(employees.map((employee): TransactionAction => ['update', toEntity(scope, employee), 'Replace']), concurrency);
  }

  /** Sets new buckets (merging, other properties untouched). */
  async setBuckets(scope: RunScope, metricId: string, buckets: readonly { employeeKey: string; bucket: 1 | 2 | 3 | 4 }[], concurrency = 8): Promise<void> {
    const actions = buckets.map(
      ({ employeeKey, bucket }): TransactionAction => [
        'update',
        { partitionKey: partitionKey(scope, shardOf(employeeKey)), rowKey: rowKeyOf(employeeKey), [`b_${metricId}`]: bucket },
        'Merge',
      ],
    );
    await this.#changeExisting(actions, concurrency);
  }

  /** Removes a metric's values from every employee of a run. */
  async removeMetric(scope: RunScope, metricId: string, allMetricIds: readonly string[], concurrency = 8): Promise<void> {
    const remaining = allMetricIds.filter((m) => m !== metricId);
    const actions: TransactionAction[] = [];
    for await (const employee of this.scan(scope, [metricId, ...remaining])) {
      if (!employee.metrics[metricId]) continue;
      const { [metricId]: _removed, ...metrics } = employee.metrics;
      actions.push(['update', toEntity(scope, { employeeKey: employee.employeeKey, metrics }), 'Replace']);
    }
    await this.#changeExisting(actions, concurrency);
  }

  /** Deletes the entities of some employees of a run (those that exist). */
  async deleteEmployees(scope: RunScope, employeeKeys: readonly string[], concurrency = 8): Promise<void> {
    await this.#changeExisting(
      employeeKeys.map((employeeKey): TransactionAction => ['delete', { partitionKey: partitionKey(scope, shardOf(employeeKey)), rowKey: rowKeyOf(employeeKey) }]),
      concurrency,
    );
  }

  /** Deletes every entity of a run. */
  async deleteRun(scope: RunScope, concurrency = 8): Promise<number> {
    await this.#ensureTable();
    let deleted = 0;
    await runLimited(runPartitions(scope), concurrency, async (pk) => {
      const keys: TransactionAction[] = [];
      for await (const entity of this.#table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey'] } })) {
        keys.push(['delete', { partitionKey: pk, rowKey: entity.rowKey as string }]);
      }
      for (const batch of chunk(keys, maxBatch)) await this.#table.submitTransaction(batch);
      deleted += keys.length;
    });
    return deleted;
  }
}
