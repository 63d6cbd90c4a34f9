import path from 'node:path';
import { addAbortSignal, pipeline, Readable, Transform } from 'node:stream';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { CsvFormatError, CsvReader, type CsvPage } from './csv-reader';
import { ExportFileNotFound, isPlainFileName } from './export-files';
import { isRawRecord, isTextRows, messageOf, rawRecordDescription, SourceError, type PersonQueryPage, type PersonQuerySource, type RawRecord } from './source';

// A person-query export of the tenant's own files (export-files.ts), streamed and handed out
// chunkRows records at a time: exports run to millions of rows.

export interface FileSourceOptions {
  /** A plain file name (no folders); its extension says the format. */
  name: string;
  /** The file's bytes, from the start (export-files.ts opens a tenant's file). */
  open: (signal?: AbortSignal) => Promise<Readable>;
  chunkRows?: number;
}

type Format = 'csv' | 'json';

const defaultChunkRows = 5000;
// File errors that the same pull retried later would hit again.
const permanentFileErrors = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM']);

export function openFileSource(options: FileSourceOptions): PersonQuerySource {
  const { name, open, chunkRows = defaultChunkRows } = options;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new SourceError(`chunkRows must be a positive integer, not ${chunkRows}`, false);
  checkPlainName(name);
  const format = formatOf(name);
  return {
    pages: (signal) => readChunks({ name, format, chunkRows, open, signal }),
  };
}

/**
 * The column names of an export from its first bytes (`complete`: they are the whole file), read by
 * the same readers as an import, so an upload is judged as its import will be.
 */
export async function exportHeaders(name: string, head: Buffer, complete: boolean): Promise<string[]> {
  const format = formatOf(name);
  const pages = readChunks({ name, format, chunkRows: 1, open: async () => Readable.from(complete ? [head] : [head, Buffer.from(format === 'csv' ? '\n' : '')]) });
  try {
    for await (const page of pages) return isTextRows(page) ? [...page.headers] : Object.keys(page[0] ?? {});
  } catch (error) {
    // A JSON head cut mid-record fails only after its first record was handed out; anything else is the file's fault.
    if (!complete && format === 'json') throw new SourceError(`${name}: its first record could not be read within the first ${head.length} bytes`, false, { cause: error });
    throw error;
  }
  throw new SourceError(`${name} holds no person-query rows`, false);
}

// The name comes from a tenant's configuration; the API already refuses paths, this is defence in depth.
function checkPlainName(name: string): void {
  if (!isPlainFileName(name)) {
    throw new SourceError(`"${printable(name)}" is not a plain file name (no folders, "..", leading dot or control characters)`, false);
  }
}

function formatOf(name: string): Format {
  const extension = path.extname(name).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  throw new SourceError(`${name}: only .csv and .json person-query exports can be read`, false);
}

interface ReadRequest {
  name: string;
  format: Format;
  chunkRows: number;
  open: (signal?: AbortSignal) => Promise<Readable>;
  signal?: AbortSignal;
}

function readChunks(request: ReadRequest): AsyncGenerator<PersonQueryPage> {
  return request.format === 'csv' ? readCsvPages(request) : readJsonChunks(request);
}

async function* readCsvPages({ name, chunkRows, open, signal }: ReadRequest): AsyncGenerator<CsvPage> {
  try {
    signal?.throwIfAborted();
    const input = await open(signal);
    if (signal) addAbortSignal(signal, input);
    const reader = new CsvReader(chunkRows);
    // Leaving the loop early (a failure, an abort, a consumer that stops) destroys the input, so
    // the file or the download is always released.
    for await (const bytes of input as AsyncIterable<Buffer>) {
      for (const page of reader.push(bytes)) {
        // One read can complete several pages: an abort must not wait for the next read to be seen.
        signal?.throwIfAborted();
        yield page;
      }
    }
    yield* reader.end();
  } catch (error) {
    if (error instanceof CsvFormatError) throw new SourceError(`${name} is not a valid CSV person-query export (${error.message})`, false, { cause: error });
    throw asSourceError(error, name);
  }
}

async function* readJsonChunks({ name, chunkRows, open, signal }: ReadRequest): AsyncGenerator<RawRecord[]> {
  let chunk: RawRecord[] = [];
  // The first error tells where a failure started: pipeline then destroys the other stages with it.
  let invalidContent: Error | undefined;
  let failed = false;
  try {
    signal?.throwIfAborted();
    const input = await open(signal);
    const stages = jsonStages(name);
    input.once('error', () => (failed = true));
    for (const stage of stages) {
      stage.once('error', (error: Error) => {
        if (!failed && !isAbort(error) && !(error instanceof SourceError)) invalidContent = error;
        failed = true;
      });
    }
    // pipeline destroys every stage when one fails or the consumer stops early, so the file or the
    // download is always released; errors surface through the last stage, which is what is iterated.
    const records = pipeline([input, ...stages], () => undefined) as unknown as Readable;
    if (signal) addAbortSignal(signal, records);
    for await (const record of records as AsyncIterable<RawRecord>) {
      chunk.push(record);
      if (chunk.length === chunkRows) {
        yield chunk;
        chunk = [];
      }
    }
  } catch (error) {
    throw invalidContent !== undefined && error === invalidContent
      ? new SourceError(`${name} is not a valid JSON person-query export (${invalidContent.message})`, false, { cause: invalidContent })
      : asSourceError(error, name);
  }
  if (chunk.length > 0) yield chunk;
}

// Either a top-level array of records or an OData page ({"value": [...]}), streamed element by element.
function jsonStages(name: string): Transform[] {
  let found = false;
  const recordsArray = pick({
    filter: (stack, token) => {
      const isRecordsArray = token.name === 'startArray' && (stack.length === 0 || (stack.length === 1 && stack[0] === 'value'));
      if (isRecordsArray) found = true;
      return isRecordsArray;
    },
    once: true,
  });
  const toRecords = streamArray();
  const unwrap = new Transform({
    objectMode: true,
    transform(item: { key: number; value: unknown }, _encoding, done) {
      if (!isRawRecord(item.value)) return done(new SourceError(`${name}: record ${item.key} is not ${rawRecordDescription}`, false));
      done(null, item.value);
    },
    flush(done) {
      done(found ? null : new SourceError(`${name}: expected a JSON array of records or an object with a "value" array`, false));
    },
  });
  return [jsonParser(), recordsArray, toRecords, unwrap];
}

function asSourceError(error: unknown, name: string): unknown {
  if (error instanceof SourceError || isAbort(error)) return error;
  const { code } = (error ?? {}) as { code?: unknown };
  if (error instanceof ExportFileNotFound) return new SourceError(error.message, false, { cause: error });
  if (typeof code === 'string' && permanentFileErrors.has(code)) return new SourceError(`${name} cannot be read (${code})`, false, { cause: error });
  return new SourceError(`${name} could not be read: ${messageOf(error)}`, true, { cause: error });
}

// By name, not instanceof: stream errors come from Node's own realm, which differs from the caller's under jest or vm.
function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  return text.replace(/[\u0000-\u001f\u007f]/g, '?');
}
