import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CsvFormatError, CsvReader, type CsvPage } from '../../shared/insights/csv-reader';
import type { RawRecord } from '../../shared/insights/source';
import { recordsOf } from '../support/pages';

// The reader against csv-parse with the options the import used before it ({ bom, columns,
// skip_empty_lines }): on any text, both give the same records or both refuse it with the same code.

type Outcome = { records: RawRecord[] } | { refused: string };

function csvParse(bytes: Buffer): Outcome {
  try {
    return { records: parse<RawRecord>(bytes, { bom: true, columns: true, skip_empty_lines: true }) };
  } catch (error) {
    return { refused: (error as { code: string }).code };
  }
}

/** The reader fed `bytes` cut at `cuts` (byte offsets, so also inside UTF-8 characters). */
function readInChunks(bytes: Buffer, cuts: readonly number[], rowsPerPage: number): { pages: CsvPage[]; outcome: Outcome } {
  const reader = new CsvReader(rowsPerPage);
  const pages: CsvPage[] = [];
  try {
    let from = 0;
    for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
      pages.push(...reader.push(bytes.subarray(from, cut)));
      from = cut;
    }
    pages.push(...reader.push(bytes.subarray(from)));
    pages.push(...reader.end());
    return { pages, outcome: { records: pages.flatMap(recordsOf) } };
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    return { pages, outcome: { refused: error.code } };
  }
}

const read = (text: string, rowsPerPage = 1000) => readInChunks(Buffer.from(text), [], rowsPerPage).outcome;

const fieldText = fc.string({ unit: fc.constantFrom('a', 'B', ' ', ',', '"', '\n', '\r', '1', '.', 'é', '😀'), maxLength: 6 });
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

/** A well-formed CSV: fields quoted when they must be (and sometimes when not), empty lines here and there. */
const wellFormed = fc
  .record({
    width: fc.integer({ min: 1, max: 5 }),
    bom: fc.boolean(),
    eol: lineEnd,
    finalEol: fc.boolean(),
  })
  .chain(({ width, bom, eol, finalEol }) =>
    fc.record({
      lines: fc.array(
        fc.oneof(
          { weight: 9, arbitrary: fc.array(fc.tuple(fieldText, fc.boolean()), { minLength: width, maxLength: width }) },
          { weight: 1, arbitrary: fc.constant(null) }, // an empty line
        ),
        { minLength: 1, maxLength: 8 },
      ),
    }).map(({ lines }) => {
      const encode = ([text, quoted]: [string, boolean]) => (quoted || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
      const body = lines.map((fields) => (fields === null ? '' : fields.map(encode).join(','))).join(eol);
      return `${bom ? '\ufeff' : ''}${body}${finalEol ? eol : ''}`;
    }),
  );

/** Any text of the characters that matter to CSV: mostly malformed. */
const anyText = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '\ufeff'), maxLength: 40 });

const cutsOf = (text: string) => fc.array(fc.integer({ min: 0, max: Buffer.byteLength(text) }), { maxLength: 6 });

describe('CsvReader', () => {
  it('reads every well-formed CSV as csv-parse does, however the bytes arrive and the pages are cut', () => {
    fc.assert(
      fc.property(
        wellFormed.chain((text) => fc.tuple(fc.constant(text), cutsOf(text), fc.integer({ min: 1, max: 4 }))),
        ([text, cuts, rowsPerPage]) => {
          const bytes = Buffer.from(text);
          const { pages, outcome } = readInChunks(bytes, cuts, rowsPerPage);
          expect(outcome).toEqual(csvParse(bytes));
          // Pages are full but the last, which is not empty.
          pages.forEach((page, i) => expect(page.length === rowsPerPage || (i === pages.length - 1 && page.length > 0)).toBe(true));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses what csv-parse refuses, with its code, and reads the rest as it does', () => {
    fc.assert(
      fc.property(
        anyText.chain((text) => fc.tuple(fc.constant(text), cutsOf(text), fc.integer({ min: 1, max: 3 }))),
        ([text, cuts, rowsPerPage]) => {
          const bytes = Buffer.from(text);
          expect(readInChunks(bytes, cuts, rowsPerPage).outcome).toEqual(csvParse(bytes));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['a ragged record', 'a,b\n1,2\nragged\n', 'CSV_RECORD_INCONSISTENT_COLUMNS', 3],
    ['a quote inside an unquoted field', 'a,b\n1,2\n3,x"y\n', 'INVALID_OPENING_QUOTE', 3],
    ['text after a closing quote', 'a,b\n"1\n2"x,3\n', 'CSV_INVALID_CLOSING_QUOTE', 3],
    ['a quote never closed (the line it opened on)', 'a,b\n1,2\n\n3,"4\n5,6\n', 'CSV_QUOTE_NOT_CLOSED', 4],
    ['a lone \\n in a \\r\\n file (data, so the record runs on)', 'a,b\r\n1,2\n3,4\r\n', 'CSV_RECORD_INCONSISTENT_COLUMNS', 2],
  ])('refuses %s, naming the line', (_, text, code, line) => {
    const reader = new CsvReader(10);
    let error: unknown;
    try {
      reader.push(Buffer.from(text));
      reader.end();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({ code, line, message: `${code} near line ${line}` });
  });

  it('refuses a UTF-16 file instead of reading it as garbage', () => {
    expect(() => new CsvReader(10).push(Buffer.from('\ufeffa,b\n1,2\n', 'utf16le'))).toThrow(expect.objectContaining({ code: 'UTF16_NOT_SUPPORTED' }));
  });

  it('keeps pages valid after later ones are read: each has its own bytes', () => {
    const reader = new CsvReader(2);
    const pages = [...reader.push(Buffer.from('k,v\n"a""1",x\nb,y\n')), ...reader.push(Buffer.from('"c""3",z\nd,w\n')), ...reader.end()];
    expect(pages.map(recordsOf)).toEqual([
      [
        { k: 'a"1', v: 'x' },
        { k: 'b', v: 'y' },
      ],
      [
        { k: 'c"3', v: 'z' },
        { k: 'd', v: 'w' },
      ],
    ]);
  });

  it('reads pages larger than their first guess, field for field', () => {
    const text = `k,v\n${Array.from({ length: 300 }, (_, i) => `k${i},"v""${i}"`).join('\n')}\n`;
    const { pages, outcome } = readInChunks(Buffer.from(text), [1000, 5000], 200);
    expect(pages.map((page) => page.length)).toEqual([200, 100]);
    expect(outcome).toEqual(csvParse(Buffer.from(text)));
  });

  it('reads a header wider than its first guess', () => {
    const headers = Array.from({ length: 200 }, (_, i) => `c${i}`);
    const [page] = new CsvReader(1).push(Buffer.from(`${headers.join(',')}\n${headers.map((_, i) => i).join(',')}\n`));
    expect(page!.headers).toEqual(headers);
    expect(page!.text(0, 199)).toBe('199');
  });

  it('hands out nothing for an empty file or a header alone', () => {
    expect(read('')).toEqual({ records: [] });
    expect(read('\ufeff')).toEqual({ records: [] });
    expect(read('a,b\n\n')).toEqual({ records: [] });
  });
});
