import { createHash } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { submitByPartition, tableCreator } from './table-support';
import { shardCount, shardOf } from './values-store';

// Survey responses: one entity per respondent of a cycle, holding their score (and comment) for each
// item as properties, spread over 16 shards like the imported values, so a report job reads them
// through many partitions at once; a cycle of 100,000 respondents is 100,000 entities, not one per
// answer.
//
// Re-posting an (employeeKey, itemId) merges into the same entity and replaces that item's score and
// comment (an answer without a comment clears the old one), so a replayed request or a retried batch
// ends in the same data.
//
// Property names must be identifiers, and item ids may hold "." "~" "-": an item's properties are
// named by a hash of its id (96 bits; collisions among a cycle's ≤ 100 items are out of reach).
// Table Storage allows 252 properties, so a respondent can hold answers to 125 distinct item ids.

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

export interface Respondent {
  employeeKey: string;
  answers: { itemId: string; score: number; comment?: string | undefined }[];
}

const itemProperty = (itemId: string) => createHash('sha256').update(itemId).digest('hex').slice(0, 24);
const scoreOf = (itemId: string) => `s_${itemProperty(itemId)}`;
const commentOf = (itemId: string) => `c_${itemProperty(itemId)}`;

const partitionOf = (scope: CycleScope, shard: number) => `${scope.tenantId}|${scope.programId}|${scope.cycleId}|${shard.toString(16).padStart(2, '0')}`;
const rowKeyOf = (employeeKey: string) => encodeURIComponent(employeeKey);

const score = z.number().int();
const comment = z.string();

export class ResponseStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  async upsert(scope: CycleScope, responses: readonly StoredResponse[], concurrency = 8): Promise<void> {
    await this.#ensureTable();
    // One merge per respondent; the last answer for an item in one request wins, as over two requests.
    const byRespondent = new Map<string, Record<string, unknown>>();
    for (const r of responses) {
      let entity = byRespondent.get(r.employeeKey);
      if (!entity) {
        entity = { partitionKey: partitionOf(scope, shardOf(r.employeeKey)), rowKey: rowKeyOf(r.employeeKey), employeeKey: r.employeeKey };
        byRespondent.set(r.employeeKey, entity);
      }
      entity[scoreOf(r.itemId)] = r.score;
      entity[commentOf(r.itemId)] = r.comment ?? '';
    }
    const actions = [...byRespondent.values()].map((entity): TransactionAction => ['upsert', entity as { partitionKey: string; rowKey: string }, 'Merge']);
    await submitByPartition(this.#table, actions, concurrency);
  }

  /** The respondents of one shard, with their answers to the given items (answers to other items are left out). */
  async *scanShard(scope: CycleScope, shard: number, itemIds: readonly string[]): AsyncIterable<Respondent> {
    await this.#ensureTable();
    const properties = itemIds.map((itemId) => ({ itemId, score: scoreOf(itemId), comment: commentOf(itemId) }));
    const select = ['employeeKey', ...properties.flatMap((p) => [p.score, p.comment])];
    for await (const entity of this.#table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionOf(scope, shard)}`, select } })) {
      const answers: Respondent['answers'] = [];
      for (const p of properties) {
        if (entity[p.score] === undefined || entity[p.score] === null) continue;
        const text = comment.optional().nullable().parse(entity[p.comment]);
        answers.push(text ? { itemId: p.itemId, score: score.parse(entity[p.score]), comment: text } : { itemId: p.itemId, score: score.parse(entity[p.score]) });
      }
      if (answers.length > 0) yield { employeeKey: z.string().parse(entity.employeeKey), answers };
    }
  }

  /** Every respondent of a cycle, shard by shard. */
  async *scan(scope: CycleScope, itemIds: readonly string[]): AsyncIterable<Respondent> {
    for (let shard = 0; shard < shardCount; shard++) yield* this.scanShard(scope, shard, itemIds);
  }
}
