import { odata, RestError, TableTransaction, type TableClient, type TableEntity } from '@azure/data-tables';
import { z } from 'zod';
import { maxBatch, tableCreator } from './table-support';
import type { RowRange, RowRef } from './tenant-rows';

// A tenant's configuration, audit log and run records live in one partition of one table (partition
// key = the verified tenant id), so a change, its audit entry and the work it records commit in one
// entity group transaction: together or not at all. Each row holds one JSON document, parsed with
// zod on every read. Which rows there are, their keys and their schemas: tenant-rows.ts.

export interface Stored<T> {
  rowKey: string;
  value: T;
  etag: string;
}

export type Write =
  | { op: 'create'; rowKey: string; value: unknown }
  | { op: 'replace'; rowKey: string; value: unknown; etag: string }
  | { op: 'upsert'; rowKey: string; value: unknown }
  // Batch deletes cannot carry an ETag (the SDK sends If-Match: *); the other writes of the same
  // transaction carry the concurrency check.
  | { op: 'delete'; rowKey: string };

/** Someone else changed the partition between our read and our write (412), or created the same row (409). */
export class ConcurrencyError extends Error {}

interface Row {
  partitionKey: string;
  rowKey: string;
  json: string;
}

// Table Storage caps a string property at 64 KiB (32 Ki UTF-16 code units).
const maxJsonChars = 32 * 1024;

export class TenantStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  async get<T>(tenantId: string, { key: rowKey, schema }: RowRef<T>): Promise<Stored<T> | undefined> {
    // A key Table Storage forbids (an id from a URL holding "/", say) names no row: nothing to read.
    if (illegalKeyCharacters.test(rowKey)) return undefined;
    await this.#ensureTable();
    try {
      const entity = await this.#table.getEntity<Row>(tenantId, rowKey);
      return { rowKey, value: parseRow(entity, schema), etag: entity.etag };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Rows whose key starts with `prefix`, in key order, optionally after a key and up to a limit. */
  async list<T>(tenantId: string, { prefix, schema }: RowRange<T>, options: { after?: string; limit?: number } = {}): Promise<Stored<T>[]> {
    await this.#ensureTable();
    const end = prefixEnd(prefix);
    const filter = options.after?.startsWith(prefix)
      ? odata`PartitionKey eq ${tenantId} and RowKey gt ${options.after} and RowKey lt ${end}`
      : odata`PartitionKey eq ${tenantId} and RowKey ge ${prefix} and RowKey lt ${end}`;
    const result: Stored<T>[] = [];
    const pages = this.#table.listEntities<Row>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(options.limit ?? 1000, 1000) });
    for await (const page of pages) {
      for (const entity of page) {
        result.push({ rowKey: entity.rowKey, value: parseRow(entity, schema), etag: entity.etag });
        if (options.limit !== undefined && result.length >= options.limit) return result;
      }
    }
    return result;
  }

  /** Applies every write in one entity group transaction; resolves with the new ETags the service reported, by row key. */
  async commit(tenantId: string, writes: readonly Write[]): Promise<Map<string, string>> {
    if (writes.length === 0) return new Map();
    if (writes.length > maxBatch) throw new Error(`A transaction holds at most ${maxBatch} writes, got ${writes.length}`);
    await this.#ensureTable();
    const tx = new TableTransaction();
    for (const write of writes) {
      // Callers encode user ids; an illegal key here is a bug, and Table Storage would only say "InvalidInput".
      if (illegalKeyCharacters.test(write.rowKey)) throw new Error(`Row key ${JSON.stringify(write.rowKey)} contains a character Table Storage forbids`);
      if (write.op === 'delete') {
        tx.deleteEntity(tenantId, write.rowKey);
        continue;
      }
      const entity: TableEntity<Row> = { partitionKey: tenantId, rowKey: write.rowKey, json: serialize(write.rowKey, write.value) };
      if (write.op === 'create') tx.createEntity(entity);
      else if (write.op === 'replace') tx.updateEntity(entity, 'Replace', { etag: write.etag });
      else tx.upsertEntity(entity, 'Replace');
    }
    try {
      const response = await this.#table.submitTransaction(tx.actions);
      return new Map(response.subResponses.flatMap((r) => (r.rowKey && r.etag ? [[r.rowKey, r.etag] as const] : [])));
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 412 || status === 409 || status === 404) throw new ConcurrencyError(`transaction rejected (${status})`);
      throw error;
    }
  }

  /** The row's current ETag, or undefined when it does not exist. */
  async etagOf(tenantId: string, { key }: RowRef<unknown>): Promise<string | undefined> {
    return (await this.get(tenantId, { key, schema: z.unknown() }))?.etag;
  }

  /** The tenants that have a row with this key (a scan across partitions: for the weekly schedule only). */
  async tenantsWith({ key: rowKey }: RowRef<unknown>): Promise<string[]> {
    await this.#ensureTable();
    const tenants: string[] = [];
    for await (const entity of this.#table.listEntities<Row>({ queryOptions: { filter: odata`RowKey eq ${rowKey}`, select: ['PartitionKey'] } })) {
      tenants.push(entity.partitionKey);
    }
    return tenants;
  }
}

// '/', '\\', '#', '?' and control characters are not allowed in PartitionKey or RowKey.
// eslint-disable-next-line no-control-regex
const illegalKeyCharacters = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

function parseRow<T>(entity: { rowKey?: string; json?: unknown }, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(String(entity.json));
  } catch {
    throw new Error(`Stored row ${entity.rowKey} is not JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`Stored row ${entity.rowKey} does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A row that Table Storage could not hold (a property is at most 64 KiB): the change is too large. */
export class RowTooLargeError extends Error {
  constructor(readonly rowKey: string, readonly chars: number) {
    super(`is too large to store: ${chars} characters where at most ${maxJsonChars} fit`);
    this.name = 'RowTooLargeError';
  }
}

function serialize(rowKey: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json.length > maxJsonChars) throw new RowTooLargeError(rowKey, json.length);
  return json;
}

/** The smallest string greater than every string starting with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
