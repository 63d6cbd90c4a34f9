import type { TableClient, TransactionAction } from '@azure/data-tables';

// What every Table Storage adapter needs: the table created on first use, and writes submitted as
// entity group transactions (one partition, at most 100 actions each) with bounded concurrency.

export const maxBatch = 100;

/** Creates the table once per client, on first use; a failed attempt is tried again by the next caller. */
export function tableCreator(table: TableClient): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= table.createTable().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}

/** Submits the actions grouped by partition, in transactions of at most 100, `concurrency` at a time. */
export async function submitByPartition(table: TableClient, actions: readonly TransactionAction[], concurrency: number): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const action of actions) {
    const partitionKey = action[1].partitionKey;
    const group = byPartition.get(partitionKey) ?? [];
    group.push(action);
    byPartition.set(partitionKey, group);
  }
  const batches = [...byPartition.values()].flatMap((group) => chunk(group, maxBatch));
  await runLimited(batches, concurrency, (batch) => table.submitTransaction(batch));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure rejects (after the rest settle). */
export async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  // The first worker's failure, as it was thrown.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failure !== undefined) throw failure;
}
