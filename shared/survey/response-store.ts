import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { submitByPartition, tableCreator } from '../storage/table-support';
import { shardCount, shardOf } from '../storage/values-store';

// Survey responses: one entity per (employee, item) of a cycle, spread over the same 16 shards as the
// imported values. Re-posting an (employeeKey, itemId) upserts the same entity, so a replayed request
// or a retried batch ends in the same data.

export interface CycleScope {
  tenantId: string;
  programId: string;
  cycleId: string;
}

export interface StoredResponse {
  employeeKey: string;
  itemId: string;
  score: number;
  comment?: string | undefined;
}

const entitySchema = z.object({ employeeKey: z.string(), itemId: z.string(), score: z.number().int(), comment: z.string().optional() });

const partitionOf = (scope: CycleScope, shard: number) => `${scope.tenantId}|${scope.programId}|${scope.cycleId}|${shard.toString(16).padStart(2, '0')}`;
const rowKeyOf = (employeeKey: string, itemId: string) => `${encodeURIComponent(employeeKey)}|${encodeURIComponent(itemId)}`;

export class ResponseStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  async upsert(scope: CycleScope, responses: readonly StoredResponse[], concurrency = 8): Promise<void> {
    await this.#ensureTable();
    // The last answer for a key in one request wins, as it would over two requests.
    const latest = new Map<string, StoredResponse>();
    for (const r of responses) latest.set(rowKeyOf(r.employeeKey, r.itemId), r);
    const actions = [...latest].map(([rowKey, r]): TransactionAction => {
      const entity = { partitionKey: partitionOf(scope, shardOf(r.employeeKey)), rowKey, employeeKey: r.employeeKey, itemId: r.itemId, score: r.score };
      return ['upsert', r.comment !== undefined ? { ...entity, comment: r.comment } : entity, 'Replace'];
    });
    await submitByPartition(this.#table, actions, concurrency);
  }

  /** Every response of a cycle, shard by shard. */
  async *scan(scope: CycleScope): AsyncIterable<StoredResponse> {
    await this.#ensureTable();
    for (let shard = 0; shard < shardCount; shard++) {
      const filter = odata`PartitionKey eq ${partitionOf(scope, shard)}`;
      for await (const entity of this.#table.listEntities({ queryOptions: { filter } })) yield entitySchema.parse(entity);
    }
  }
}
