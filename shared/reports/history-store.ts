import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { runLimited, tableCreator } from '../storage/table-support';

// What each computation of a cycle's reports showed (its publication history), so the next one can be
// decided against all of them (confidentiality.ts, `decideCycle`). A version names the cycle's
// respondents by employee key, each one's group per attribute, who answered which item, and which
// groups showed which item's score and comments. It is per-person data derived from Insights, so it is
// deleted with the data it came from (`forget`).
//
// One partition per cycle. Large parts (the people, a column of groups, the answers) are stored once
// by content hash as deflated blobs cut into entities of `chunkBytes` (a binary property holds 64 KiB):
// ten range changes of one attribute add ten columns, not ten copies of the cycle.

export interface HistoryScope {
  tenantId: string;
  programId: string;
  cycleId: string;
}

export interface HistoryVersion {
  metricIds: string[];
  itemIds: string[];
  /** The version's respondents by employee key. */
  people: string[];
  /** Per metric, each person's group (0-4). */
  columns: Uint8Array[];
  /** `answered[p * itemIds.length + i]`: 1 when person p had answered item i. */
  answered: Uint8Array;
  /** `itemShown[m][g][i]` and `commentShown[m][g][i]` as decided. */
  itemShown: boolean[][][];
  commentShown: boolean[][][];
}

const chunkBytes = 60 * 1024;
const groupsPerBreakdown = 5;

const storedVersion = z.object({
  metricIds: z.array(z.string()),
  itemIds: z.array(z.string()),
  people: z.string(),
  columns: z.array(z.string()),
  answered: z.string(),
  /** Flags per metric, group and item, in that order, as "0" and "1". */
  itemShown: z.string(),
  commentShown: z.string(),
});
type StoredVersion = z.infer<typeof storedVersion>;

const partitionOf = (scope: HistoryScope) => `${scope.tenantId}|${scope.programId}|${scope.cycleId}`;
const versionKey = (generation: string) => `v:${generation}`;
const blobPrefix = (hash: string) => `b:${hash}:`;
const chunkKey = (hash: string, chunk: number) => `${blobPrefix(hash)}${String(chunk).padStart(5, '0')}`;

const flags = (shown: boolean[][][]) => shown.map((groups) => groups.map((items) => items.map((s) => (s ? '1' : '0')).join('')).join('')).join('');
function unflag(text: string, metrics: number, items: number): boolean[][][] {
  if (text.length !== metrics * groupsPerBreakdown * items) throw new Error('a stored history version is damaged: its flags do not match its metrics and items');
  return Array.from({ length: metrics }, (_, m) => Array.from({ length: groupsPerBreakdown }, (_, g) => Array.from({ length: items }, (_, i) => text[(m * groupsPerBreakdown + g) * items + i] === '1')));
}

export class ReportHistoryStore {
  readonly #table: TableClient;
  readonly #ensureTable: () => Promise<void>;

  constructor(table: TableClient) {
    this.#table = table;
    this.#ensureTable = tableCreator(table);
  }

  /** Every version of the cycle, oldest first. */
  async load(scope: HistoryScope): Promise<HistoryVersion[]> {
    await this.#ensureTable();
    const stored = await this.#versions(scope);
    const blobs = new Map<string, Uint8Array>();
    const hashes = [...new Set(stored.flatMap(({ value }) => [value.people, value.answered, ...value.columns]))];
    await runLimited(hashes, 4, async (hash) => blobs.set(hash, await this.#readBlob(scope, hash)));
    return stored.map(({ value }) => {
      const blob = (hash: string) => blobs.get(hash)!;
      const people = new TextDecoder().decode(blob(value.people));
      return {
        metricIds: value.metricIds,
        itemIds: value.itemIds,
        people: people === '' ? [] : people.split('\n'),
        columns: value.columns.map(blob),
        answered: blob(value.answered),
        itemShown: unflag(value.itemShown, value.metricIds.length, value.itemIds.length),
        commentShown: unflag(value.commentShown, value.metricIds.length, value.itemIds.length),
      };
    });
  }

  /** Adds a version under `generation` (which sorts by the request it covers); its blobs go first, so a version never names a missing one. */
  async append(scope: HistoryScope, generation: string, version: HistoryVersion): Promise<void> {
    await this.#ensureTable();
    const people = await this.#writeBlob(scope, new TextEncoder().encode(version.people.join('\n')));
    const columns: string[] = [];
    for (const column of version.columns) columns.push(await this.#writeBlob(scope, column));
    const answered = await this.#writeBlob(scope, version.answered);
    const value: StoredVersion = { metricIds: version.metricIds, itemIds: version.itemIds, people, columns, answered, itemShown: flags(version.itemShown), commentShown: flags(version.commentShown) };
    await this.#table.upsertEntity({ partitionKey: partitionOf(scope), rowKey: versionKey(generation), json: JSON.stringify(value) }, 'Replace');
  }

  /**
   * Deletes what the history holds of these metrics (every version keeps the rest), or all of it.
   * Returns whether anything of them was there.
   */
  async forget(scope: HistoryScope, metricIds?: readonly string[]): Promise<boolean> {
    await this.#ensureTable();
    const stored = await this.#versions(scope);
    const partitionKey = partitionOf(scope);
    if (metricIds === undefined) {
      const rows: string[] = [];
      for await (const entity of this.#table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey'] } })) rows.push(entity.rowKey as string);
      // Versions first: a blob is never missing under a version still listed.
      const [versions, blobs] = [rows.filter((r) => r.startsWith('v:')), rows.filter((r) => !r.startsWith('v:'))];
      await runLimited(versions, 8, (rowKey) => this.#table.deleteEntity(partitionKey, rowKey));
      await runLimited(blobs, 8, (rowKey) => this.#table.deleteEntity(partitionKey, rowKey));
      return versions.length > 0;
    }
    const gone = new Set(metricIds);
    let found = false;
    for (const { rowKey, value } of stored) {
      if (!value.metricIds.some((id) => gone.has(id))) continue;
      found = true;
      const keep = value.metricIds.map((id, m) => (gone.has(id) ? -1 : m)).filter((m) => m >= 0);
      const items = value.itemIds.length;
      const per = groupsPerBreakdown * items;
      const pick = (text: string) => keep.map((m) => text.slice(m * per, (m + 1) * per)).join('');
      const next: StoredVersion = { ...value, metricIds: keep.map((m) => value.metricIds[m]!), columns: keep.map((m) => value.columns[m]!), itemShown: pick(value.itemShown), commentShown: pick(value.commentShown) };
      await this.#table.upsertEntity({ partitionKey, rowKey, json: JSON.stringify(next) }, 'Replace');
    }
    if (found) await this.#deleteUnreferenced(scope);
    return found;
  }

  async #versions(scope: HistoryScope): Promise<{ rowKey: string; value: StoredVersion }[]> {
    const partitionKey = partitionOf(scope);
    const versions: { rowKey: string; value: StoredVersion }[] = [];
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${'v:'} and RowKey lt ${'v;'}`;
    for await (const entity of this.#table.listEntities<{ json: string }>({ queryOptions: { filter } })) {
      versions.push({ rowKey: entity.rowKey!, value: storedVersion.parse(JSON.parse(entity.json)) });
    }
    return versions.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
  }

  async #deleteUnreferenced(scope: HistoryScope): Promise<void> {
    const referenced = new Set((await this.#versions(scope)).flatMap(({ value }) => [value.people, value.answered, ...value.columns]));
    const partitionKey = partitionOf(scope);
    const stale: string[] = [];
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${'b:'} and RowKey lt ${'b;'}`;
    for await (const entity of this.#table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      const rowKey = entity.rowKey as string;
      if (!referenced.has(rowKey.split(':')[1]!)) stale.push(rowKey);
    }
    await runLimited(stale, 8, (rowKey) => this.#table.deleteEntity(partitionKey, rowKey));
  }

  async #writeBlob(scope: HistoryScope, bytes: Uint8Array): Promise<string> {
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 40);
    const partitionKey = partitionOf(scope);
    // The last chunk goes last: a blob whose last chunk is there is whole (an earlier version wrote it).
    const packed = deflateRawSync(bytes);
    const chunks = Math.max(1, Math.ceil(packed.length / chunkBytes));
    try {
      await this.#table.getEntity(partitionKey, chunkKey(hash, chunks - 1), { queryOptions: { select: ['RowKey'] } });
      return hash;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    const entity = (c: number) => ({ partitionKey, rowKey: chunkKey(hash, c), chunks, data: new Uint8Array(packed.subarray(c * chunkBytes, (c + 1) * chunkBytes)) });
    await runLimited([...Array(chunks - 1).keys()], 4, (c) => this.#table.upsertEntity(entity(c), 'Replace'));
    await this.#table.upsertEntity(entity(chunks - 1), 'Replace');
    return hash;
  }

  async #readBlob(scope: HistoryScope, hash: string): Promise<Uint8Array> {
    const partitionKey = partitionOf(scope);
    const parts: Uint8Array[] = [];
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${blobPrefix(hash)} and RowKey lt ${`b:${hash};`}`;
    for await (const entity of this.#table.listEntities<{ data: Uint8Array }>({ queryOptions: { filter } })) parts.push(entity.data);
    return new Uint8Array(inflateRawSync(Buffer.concat(parts)));
  }
}
