import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../local/azurite';
import { containerExportFiles, folderExportFiles, openLocalFile } from '../../shared/insights/export-files';
import { openFileSource } from '../../shared/insights/file-source';
import { SourceError, type PersonQuerySource, type RawRecord } from '../../shared/insights/source';
import { recordsOf } from '../support/pages';
import { readSampleRows, sampleAvailable, sampleCsvPath } from '../support/sample-data';

// Files live under a folder per tenant (export-files.ts); these tests read one tenant's.
const tenant = '5b0c1d2e-3f40-4a51-8b62-7c8d9e0f1a2b';
let root: string;
let folder: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'file-source-'));
  folder = path.join(root, tenant);
  await mkdir(folder);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const fromFolder = (name: string) => (signal?: AbortSignal) => folderExportFiles(root).open(tenant, name, signal);
const fromContainer = (container: ContainerClient, name: string) => (signal?: AbortSignal) => containerExportFiles(container).open(tenant, name, signal);

async function readPages(source: PersonQuerySource, signal?: AbortSignal): Promise<RawRecord[][]> {
  const pages: RawRecord[][] = [];
  for await (const page of source.pages(signal)) pages.push(recordsOf(page));
  return pages;
}

async function failure(run: () => unknown): Promise<SourceError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected a SourceError');
}

const displayNameCsv =
  '\ufeff"","PersonId","MetricDate","After-hours collaboration hours","Meeting hours with manager 1:1","Organization"\r\n' +
  '"1","p-1",2024-01-07,3.5,0.5,"Sales, EMEA"\r\n' +
  '"2","p-2",2024-01-07,0,,"R&D ""Core"" team"\r\n' +
  '"3","p-3",2024-01-07,007,1,"Line one\nline two"\r\n';

function numberedCsv(rows: number): string {
  const lines = ['PersonId,MetricDate,Collaboration hours'];
  for (let i = 1; i <= rows; i++) lines.push(`p-${i},2024-01-07,${i}`);
  return `${lines.join('\n')}\n`;
}

describe('CSV exports in a local folder', () => {
  it('keeps display-name headers and quoted commas, quotes and newlines, strips the BOM, and leaves values as strings', async () => {
    await writeFile(path.join(folder, 'display.csv'), displayNameCsv);
    const [page, ...rest] = await readPages(openFileSource({ name: 'display.csv', open: fromFolder('display.csv') }));
    expect(rest).toHaveLength(0);
    expect(page).toEqual([
      { '': '1', PersonId: 'p-1', MetricDate: '2024-01-07', 'After-hours collaboration hours': '3.5', 'Meeting hours with manager 1:1': '0.5', Organization: 'Sales, EMEA' },
      { '': '2', PersonId: 'p-2', MetricDate: '2024-01-07', 'After-hours collaboration hours': '0', 'Meeting hours with manager 1:1': '', Organization: 'R&D "Core" team' },
      { '': '3', PersonId: 'p-3', MetricDate: '2024-01-07', 'After-hours collaboration hours': '007', 'Meeting hours with manager 1:1': '1', Organization: 'Line one\nline two' },
    ]);
  });

  it('hands out chunkRows records at a time', async () => {
    await writeFile(path.join(folder, 'twelve.csv'), numberedCsv(12));
    const pages = await readPages(openFileSource({ name: 'twelve.csv', open: fromFolder('twelve.csv'), chunkRows: 5 }));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat().map((r) => r.PersonId)).toEqual(Array.from({ length: 12 }, (_, i) => `p-${i + 1}`));
  });

  it('yields nothing for a header-only export', async () => {
    await writeFile(path.join(folder, 'header-only.csv'), 'PersonId,MetricDate\n');
    expect(await readPages(openFileSource({ name: 'header-only.csv', open: fromFolder('header-only.csv') }))).toEqual([]);
  });

  it('refuses a malformed CSV without quoting its values', async () => {
    await writeFile(path.join(folder, 'ragged.csv'), 'PersonId,MetricDate\np-1,2024-01-07\nsecret-person-value\n');
    const error = await failure(() => readPages(openFileSource({ name: 'ragged.csv', open: fromFolder('ragged.csv') })));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/ragged\.csv is not a valid CSV .*line 3/);
    expect(error.message).not.toContain('secret-person-value');
  });

  (sampleAvailable ? it : it.skip)('reads the Viva Insights sample export as csv-parse reads it whole', async () => {
    const source = openFileSource({ name: path.basename(sampleCsvPath), open: () => openLocalFile(sampleCsvPath), chunkRows: 400 });
    const pages = await readPages(source);
    expect(pages.map((p) => p.length)).toEqual([400, 400, 200]);
    expect(pages.flat()).toEqual(readSampleRows());
  });
});

describe('JSON exports', () => {
  const records = [
    { PersonId: 'p-1', MetricDate: '2024-01-07', 'Collaboration hours': 12.5, IsActive: true, Organization: null },
    { PersonId: 'p-2', MetricDate: '2024-01-07', 'Collaboration hours': 3, IsActive: false, Organization: 'Sales' },
    { PersonId: 'p-3', MetricDate: '2024-01-14', 'Collaboration hours': 0, IsActive: true, Organization: 'R&D' },
  ];

  it('reads a top-level array of records, keeping JSON types', async () => {
    await writeFile(path.join(folder, 'array.json'), JSON.stringify(records, null, 2));
    const pages = await readPages(openFileSource({ name: 'array.json', open: fromFolder('array.json'), chunkRows: 2 }));
    expect(pages).toEqual([records.slice(0, 2), records.slice(2)]);
  });

  it('reads an OData page, ignoring its annotations and any other "value" deeper down', async () => {
    const page = {
      '@odata.context': 'https://example.invalid/$metadata#Persons',
      meta: { value: [{ not: 'a record' }] },
      value: records,
      '@odata.nextLink': 'https://example.invalid/Persons?$skiptoken=3',
    };
    await writeFile(path.join(folder, 'odata-page.JSON'), JSON.stringify(page));
    expect((await readPages(openFileSource({ name: 'odata-page.JSON', open: fromFolder('odata-page.JSON') }))).flat()).toEqual(records);
  });

  it.each([
    ['an object without a value array', { items: records }, /expected a JSON array of records or an object with a "value" array/],
    ['a value that is not an array', { value: 'nope' }, /expected a JSON array of records/],
    ['an array element that is not a record', [records[0], [1, 2]], /record 1 is not an object whose values are strings/],
    ['a record with a nested object', [{ PersonId: 'p', nested: { a: 1 } }], /record 0 is not an object/],
  ])('refuses %s', async (_, content, message) => {
    await writeFile(path.join(folder, 'wrong-shape.json'), JSON.stringify(content));
    const error = await failure(() => readPages(openFileSource({ name: 'wrong-shape.json', open: fromFolder('wrong-shape.json') })));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(message);
  });

  it('refuses a file that is not JSON', async () => {
    await writeFile(path.join(folder, 'broken.json'), '[{"PersonId": "p-1"}, {"PersonId": ');
    const error = await failure(() => readPages(openFileSource({ name: 'broken.json', open: fromFolder('broken.json') })));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/broken\.json is not a valid JSON person-query export/);
  });
});

describe('refusals', () => {
  it('names a missing file, and a file of another tenant as missing alike', async () => {
    const error = await failure(() => readPages(openFileSource({ name: 'absent.csv', open: fromFolder('absent.csv') })));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('absent.csv');
    await writeFile(path.join(folder, 'mine.csv'), numberedCsv(1));
    const other = '6c1d2e3f-4051-4b62-8c73-8d9e0f1a2b3c';
    const theirs = await failure(() => readPages(openFileSource({ name: 'mine.csv', open: () => folderExportFiles(root).open(other, 'mine.csv') })));
    expect(theirs.message).toBe(error.message.replaceAll('absent.csv', 'mine.csv'));
  });

  it.each(['export.xlsx', 'export', 'export.csv.gz'])('refuses the extension of %s', async (name) => {
    const error = await failure(() => openFileSource({ name, open: fromFolder(name) }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/only \.csv and \.json/);
  });

  it.each(['../export.csv', 'sub/export.csv', 'sub\\export.csv', '..csv', 'export\n.csv', 'export\u0000.csv', ''])('refuses the name %j', async (name) => {
    const error = await failure(() => openFileSource({ name, open: fromFolder(name) }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/not a plain file name/);
  });
});

describe('streaming', () => {
  it('stops reading at an abort', async () => {
    await writeFile(path.join(folder, 'abortable.csv'), numberedCsv(30));
    const controller = new AbortController();
    const pages: RawRecord[][] = [];
    await expect(
      (async () => {
        for await (const page of openFileSource({ name: 'abortable.csv', open: fromFolder('abortable.csv'), chunkRows: 10 }).pages(controller.signal)) {
          pages.push(recordsOf(page));
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(pages).toHaveLength(1);
  });

  it('reads a 200,000-row export as it goes: the file tail is read only after the first chunk was handed out', async () => {
    const file = path.join(folder, 'large.csv');
    const rows = 200_000;
    const out = createWriteStream(file);
    out.write('PersonId,MetricDate,Collaboration hours,Note\n');
    for (let i = 1; i <= rows; i++) {
      if (!out.write(`person-${i},2024-01-07,${(i % 40) + 0.25},${i === rows ? 'written-first' : 'filler-text'}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    const { size } = await stat(file);

    const pageSizes: number[] = [];
    let last: RawRecord | undefined;
    for await (const page of openFileSource({ name: 'large.csv', open: fromFolder('large.csv'), chunkRows: 5000 }).pages()) {
      if (pageSizes.length === 0) {
        // Rewrite the last row in place. A source that had read the whole file up front would
        // still hand out the old text; a streaming one reaches the tail later and sees the new.
        const handle = await open(file, 'r+');
        await handle.write('written-later', size - 'written-first\n'.length);
        await handle.close();
      }
      pageSizes.push(page.length);
      last = recordsOf(page).at(-1);
    }

    expect(pageSizes).toHaveLength(40);
    expect(pageSizes.every((n) => n === 5000)).toBe(true);
    expect(last).toEqual({ PersonId: `person-${rows}`, MetricDate: '2024-01-07', 'Collaboration hours': '0.25', Note: 'written-later' });
  });
});

describe('exports in a blob container (Azurite)', () => {
  let azurite: RunningAzurite;
  let container: ContainerClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('insights-import');
    await container.create();
  });

  afterAll(async () => {
    await azurite.stop();
  });

  it('reads a CSV blob in chunks', async () => {
    await container.getBlockBlobClient(`${tenant}/display.csv`).upload(displayNameCsv, Buffer.byteLength(displayNameCsv));
    const pages = await readPages(openFileSource({ name: 'display.csv', open: fromContainer(container, 'display.csv'), chunkRows: 2 }));
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages[1]?.[0]).toMatchObject({ PersonId: 'p-3', Organization: 'Line one\nline two' });
  });

  it('reads a JSON blob holding an OData page', async () => {
    const body = JSON.stringify({ value: [{ PersonId: 'p-1', 'Collaboration hours': 2 }] });
    await container.getBlockBlobClient(`${tenant}/page.json`).upload(body, Buffer.byteLength(body));
    expect(await readPages(openFileSource({ name: 'page.json', open: fromContainer(container, 'page.json') }))).toEqual([[{ PersonId: 'p-1', 'Collaboration hours': 2 }]]);
  });

  it('names a missing blob, and a missing container', async () => {
    const missingBlob = await failure(() => readPages(openFileSource({ name: 'absent.csv', open: fromContainer(container, 'absent.csv') })));
    expect(missingBlob).toMatchObject({ retryable: false, message: expect.stringContaining('absent.csv') });
    const otherContainer = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('no-such-container');
    const missingContainer = await failure(() => readPages(openFileSource({ name: 'display.csv', open: fromContainer(otherContainer, 'display.csv') })));
    expect(missingContainer).toMatchObject({ retryable: false, message: expect.stringContaining('display.csv') });
  });
});
