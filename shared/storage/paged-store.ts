import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { chunk, maxBatch, runLimited, tableCreator } from './table-support';

// Long lists (a Glint roster of 300,000 employees, the persons of an import run) kept as pages: JSON
// arrays packed up to `maxPageChars`, one entity per page, in one partition per list. Writing 300,000
// employees is about a thousand entities instead of 300,000, and reading them back is a few hundred
// milliseconds. Table Storage limits, checked here since Azurite does not enforce them: a string
// property holds 32 Ki UTF-16 code units (64 KiB), an entity 1 MiB, a transaction 100 entities and
// 4 MiB; so one property per page and at most `pagesPerBatch` pages per transaction.

const maxPageChars = 30_000;
const pagesPerBatch = 40;

const pageRowKey = (list: string, index: number) => `${list}-${String(index).padStart(7, '0')}`;

/** Packs items into pages of JSON arrays, each at most `maxPageChars` long. */
export class PagePacker {
  readonly pages: string[] = [];
  #items: string[] = [];
  #chars = 2;

  add(item: unknown): void {
    const json = JSON.stringify(item);
    if (json.length + 2 > maxPageChars) throw new RangeError(`an item of ${json.length} characters does not fit a page`);
    if (this.#items.length > 0 && this.#chars + json.length + 1 > maxPageChars) this.#close();
    this.#items.push(json);
    this.#chars += json.length + 1;
  }

  /** The pages packed so far, taking them out (the last, unfinished one too when `all`). */
  take(all = false): string[] {
    if (all && this.#items.length > 0) this.#close();
    return this.pages.splice(0);
  }

  #close(): void {
    this.pages.push(`[${this.#items.join(',')}]`);
    this.#items = [];
    this.#chars = 2;
  }
}

export class PagedStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  /** Writes (replacing) pages `first`, `first + 1`, … of a list. */
  async writePages(partitionKey: string, list: string, first: number, pages: readonly string[], concurrency = 4): Promise<void> {
    if (pages.length === 0) return;
    await this.#ensureTable();
    const actions = pages.map((json, i): TransactionAction => ['upsert', { partitionKey, rowKey: pageRowKey(list, first + i), json }, 'Replace']);
    const batches: TransactionAction[][] = [];
    for (let i = 0; i < actions.length; i += pagesPerBatch) batches.push(actions.slice(i, i + pagesPerBatch));
    await runLimited(batches, concurrency, (batch) => this.#table.submitTransaction(batch));
  }

  /** Writes one small JSON row beside the pages (a seal saying the list is complete, say). */
  async writeRow(partitionKey: string, rowKey: string, value: unknown): Promise<void> {
    await this.#ensureTable();
    await this.#table.upsertEntity({ partitionKey, rowKey, json: JSON.stringify(value) }, 'Replace');
  }

  /** Every row of a partition, by row key: the pages of each list in order, and any other rows. */
  async readPartition(partitionKey: string): Promise<Map<string, unknown>> {
    await this.#ensureTable();
    const rows = new Map<string, unknown>();
    for await (const entity of this.#table.listEntities<{ json: string }>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey', 'json'] } })) {
      rows.set(entity.rowKey!, JSON.parse(entity.json));
    }
    return rows;
  }

  /** The items of one list, read from rows returned by readPartition, with how many pages held them. */
  static itemsOf(rows: ReadonlyMap<string, unknown>, list: string): { items: unknown[]; pages: number } {
    const items: unknown[] = [];
    let pages = 0;
    for (; rows.has(pageRowKey(list, pages)); pages++) {
      const page = rows.get(pageRowKey(list, pages));
      if (!Array.isArray(page)) throw new Error(`page ${pages} of list ${list} is not an array`);
      for (const item of page) items.push(item);
    }
    return { items, pages };
  }

  /** Deletes every row of a partition. */
  deletePartition(partitionKey: string): Promise<void> {
    return this.#delete(odata`PartitionKey eq ${partitionKey}`);
  }

  /** Deletes every row of the partitions whose keys sort strictly between `after` and `before`. */
  deletePartitionsBetween(after: string, before: string): Promise<void> {
    return this.#delete(odata`PartitionKey gt ${after} and PartitionKey lt ${before}`);
  }

  async #delete(filter: string): Promise<void> {
    await this.#ensureTable();
    const byPartition = new Map<string, TransactionAction[]>();
    for await (const entity of this.#table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
      const partitionKey = entity.partitionKey as string;
      const list = byPartition.get(partitionKey) ?? [];
      list.push(['delete', { partitionKey, rowKey: entity.rowKey as string }]);
      byPartition.set(partitionKey, list);
    }
    await runLimited([...byPartition.values()].flatMap((actions) => chunk(actions, maxBatch)), 4, (batch) => this.#table.submitTransaction(batch));
  }
}
