import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { chunk, maxBatch, runLimited, submitByPartition, tableCreator } from '../storage/table-support';
import type { GroupComment } from './cycle-report';

// The comments each report group may show, written by the report job under a generation id: a new
// computation writes beside the one reports read, the cycle's report state switches to it in one
// transaction, and older generations are deleted after. Comments are packed into pages of up to
// `pageChars` characters, one entity per page, so a group's comments are read a page per request.

export interface CommentScope {
  tenantId: string;
  programId: string;
  cycleId: string;
}

// A string property holds 32 Ki UTF-16 code units; JSON escaping can lengthen text, so leave room.
const pageChars = 24 * 1024;
const pageSchema = z.array(z.tuple([z.string(), z.string()]));

const cyclePrefix = (scope: CommentScope) => `${scope.tenantId}|${scope.programId}|${scope.cycleId}|`;
const partitionOf = (scope: CommentScope, generation: string, metricId: string, group: string) => `${cyclePrefix(scope)}${generation}|${metricId}|${group}`;
const rowKeyOf = (page: number) => String(page).padStart(6, '0');

/** Splits comments into pages by size; a single comment is at most 10,000 characters, well under a page. */
export function commentPages(comments: readonly GroupComment[]): GroupComment[][] {
  const pages: GroupComment[][] = [];
  let page: GroupComment[] = [];
  let size = 0;
  for (const comment of comments) {
    const cost = JSON.stringify([comment.itemId, comment.text]).length + 1;
    if (page.length > 0 && size + cost > pageChars) {
      pages.push(page);
      page = [];
      size = 0;
    }
    page.push(comment);
    size += cost;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

export class ReportCommentStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  /** Writes a group's pages of one generation; returns how many pages. */
  async write(scope: CommentScope, generation: string, metricId: string, group: string, comments: readonly GroupComment[]): Promise<number> {
    const pages = commentPages(comments);
    if (pages.length === 0) return 0;
    await this.#ensureTable();
    const partitionKey = partitionOf(scope, generation, metricId, group);
    const actions = pages.map((page, i): TransactionAction => ['upsert', { partitionKey, rowKey: rowKeyOf(i), json: JSON.stringify(page.map((c) => [c.itemId, c.text])) }, 'Replace']);
    await submitByPartition(this.#table, actions, 4);
    return pages.length;
  }

  async page(scope: CommentScope, generation: string, metricId: string, group: string, page: number): Promise<GroupComment[]> {
    await this.#ensureTable();
    try {
      const entity = await this.#table.getEntity<{ json: string }>(partitionOf(scope, generation, metricId, group), rowKeyOf(page));
      return pageSchema.parse(JSON.parse(entity.json)).map(([itemId, text]) => ({ itemId, text }));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return [];
      throw error;
    }
  }

  /** Deletes every generation of a cycle's comments that sorts before `current` (generation ids sort by the request they cover). */
  async deleteOlderGenerations(scope: CommentScope, current: string): Promise<void> {
    await this.#ensureTable();
    const prefix = cyclePrefix(scope);
    const filter = odata`PartitionKey gt ${prefix} and PartitionKey lt ${`${prefix}${current}`}`;
    const stale = new Map<string, TransactionAction[]>();
    for await (const entity of this.#table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
      const partitionKey = entity.partitionKey as string;
      const list = stale.get(partitionKey) ?? [];
      list.push(['delete', { partitionKey, rowKey: entity.rowKey as string }]);
      stale.set(partitionKey, list);
    }
    await runLimited([...stale.values()].flatMap((actions) => chunk(actions, maxBatch)), 4, (batch) => this.#table.submitTransaction(batch));
  }
}
