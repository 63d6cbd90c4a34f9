import { TableClient } from '@azure/data-tables';
import { PagedStore } from '../../shared/storage/paged-store';
import { deletePersonIndex, readPersonIndex, writePersonIndex } from '../../shared/storage/person-index';
import { startAzurite, type RunningAzurite } from '../support/local-stack';

// The run's Insights persons round-trip through Azurite as the pull writes them (a few pages per
// request, one request at a time) and as a rematch reads them: every key, in each list, and nothing
// when the seal is missing.

let azurite: RunningAzurite;
let persons: PagedStore;
let table: TableClient;

beforeAll(async () => {
  azurite = await startAzurite();
  table = TableClient.fromConnectionString(azurite.connectionString, 'personindex', { allowInsecureConnection: true });
  persons = new PagedStore(table);
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
});

const scope = (runId: string) => ({ tenantId: 'tenant-a', programId: 'p1', cycleId: 'c1', runId });
// 30,000 keys of 24 characters fill about 28 pages of 30,000 characters: three requests.
const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}@contoso.com`);

it('reads back every key of each list, written over several requests', async () => {
  const measured = keys('person', 30_000);
  const excluded = keys('parttime', 40);
  const withoutWindow = keys('absent', 1_500);
  await writePersonIndex(persons, scope('run-1'), { measured, excluded, withoutWindow });

  const read = await readPersonIndex(persons, scope('run-1'));
  expect(read).not.toBeNull();
  expect([...read!.measured].sort()).toEqual(measured);
  expect([...read!.excluded].sort()).toEqual(excluded);
  expect([...read!.withoutWindow].sort()).toEqual(withoutWindow);
  const pages = [];
  for await (const row of table.listEntities({ queryOptions: { filter: `PartitionKey eq 'tenant-a|p1|c1|run-1'` } })) pages.push(row.rowKey);
  expect(pages.filter((key) => key!.startsWith('m-')).length).toBeGreaterThan(20);
}, 60_000);

it('counts a list without its seal (a pull that stopped halfway) as absent, and deletes it whole', async () => {
  await writePersonIndex(persons, scope('run-2'), { measured: keys('person', 12_000), excluded: [], withoutWindow: [] });
  await table.deleteEntity('tenant-a|p1|c1|run-2', 'seal');
  expect(await readPersonIndex(persons, scope('run-2'))).toBeNull();

  await writePersonIndex(persons, scope('run-3'), { measured: keys('person', 100), excluded: [], withoutWindow: keys('absent', 3) });
  await deletePersonIndex(persons, scope('run-3'));
  expect(await readPersonIndex(persons, scope('run-3'))).toBeNull();
  expect(await readPersonIndex(persons, scope('run-1'))).not.toBeNull();
}, 60_000);

it('reads an index sealed before the data-quality rules existed as one without excluded persons', async () => {
  await writePersonIndex(persons, scope('run-4'), { measured: keys('person', 50), excluded: [], withoutWindow: keys('absent', 2) });
  // The seal as the pull wrote it before issue 17: two lists.
  await table.upsertEntity({ partitionKey: 'tenant-a|p1|c1|run-4', rowKey: 'seal', json: JSON.stringify({ measured: 50, withoutWindow: 2, measuredPages: 1, withoutWindowPages: 1 }) }, 'Replace');
  const read = await readPersonIndex(persons, scope('run-4'));
  expect(read && { measured: read.measured.size, excluded: read.excluded.size, withoutWindow: read.withoutWindow.size }).toEqual({ measured: 50, excluded: 0, withoutWindow: 2 });
}, 60_000);
