import type { TextRows } from './text-rows';

// A CSV export read into pages of text rows: byte ranges, no object or string per row or field.
// Hand-written because the libraries cost more than the import itself: csv-parse took 5.1 s to read
// a 1.2-million-row export (109 MB) and papaparse 1.2 s, against 0.45 s for this reader; uDSV was
// as fast but joins a ragged row with the next and keeps text after a closing quote, where an
// export must be refused (README "Dependencies, and why").
//
// It reads what csv-parse reads with { bom: true, columns: true, skip_empty_lines: true }, the options
// the import used before, and refuses what csv-parse refuses, with csv-parse's error codes
// (test/insights/csv-reader.test.ts checks both on random input): comma-separated fields; double
// quotes around a field that holds commas, quotes or line breaks, a quote inside written twice;
// records ended by the line break the first line ends with (\r\n, \n or \r), other line breaks being
// data; a UTF-8 BOM skipped; empty lines skipped; the first record names the columns, and every other
// record has as many fields. Unlike csv-parse, it refuses a UTF-16 file rather than decode it:
// Insights exports are UTF-8.

const comma = 0x2c;
const quote = 0x22;
const lf = 0x0a;
const cr = 0x0d;

/** A CSV file that is not one; code and line locate the fault without quoting the file (personal data). */
export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';

  constructor(
    readonly code: string,
    readonly line: number,
  ) {
    super(`${code} near line ${line}`);
  }
}

/** A page owns its bytes: a consumer may keep pages while later ones are read. */
export class CsvPage implements TextRows {
  constructor(
    readonly headers: readonly string[],
    readonly length: number,
    readonly bytes: Buffer,
    readonly bounds: Int32Array,
  ) {}

  text(row: number, column: number): string {
    const at = 2 * (row * this.headers.length + column);
    return this.bytes.toString('utf8', this.bounds[at], this.bounds[at + 1]);
  }
}

enum RecordDelimiter {
  Unknown,
  Lf,
  CrLf,
  Cr,
}

/** scanRecord's outcomes other than a field count. */
const needMoreBytes = -1;
const emptyLine = -2;
const noMoreRecords = -3;

// Bytes are appended to one buffer, which pages are views of; when it is full, a new one takes the
// unfinished page and room for more. Reads are 64-256 KB and pages a few hundred KB, so each byte is
// copied about twice. Buffers are zero-filled (a memset per megabyte, nothing measurable): memory
// from allocUnsafe may hold another tenant's export, and a scanning bug must not be able to see it.
const minBufferBytes = 1 << 20;
// Insights queries have at most a few hundred columns: a first line of more fields is not a header
// (a binary file, say), and refusing it keeps such a file from being scanned as one huge record.
const maxHeaderFields = 1 << 16;
/** Page bounds grow with the rows read, from room for this many, so memory follows the data. */
const firstPageRows = 64;

export class CsvReader {
  private buffer = Buffer.alloc(0);
  private filled = 0;
  /** Where the unfinished page starts; bounds are relative to it. */
  private pageStart = 0;
  /** Where the next record starts. */
  private recordStart = 0;
  private bomChecked = false;
  private delimiter = RecordDelimiter.Unknown;
  private headers: string[] | null = null;
  private pageBounds = new Int32Array(0);
  private pageRows = 0;
  /** The line the next record starts on. */
  private line = 1;
  // What scanRecord found, besides the count it returns.
  private recordEnd = 0;
  private recordLines = 0;
  /** Where in bounds the fields with doubled quotes are, escapedFieldCount of them. */
  private readonly escapedFields: number[] = [];
  private escapedFieldCount = 0;

  constructor(private readonly rowsPerPage: number) {
    if (!Number.isInteger(rowsPerPage) || rowsPerPage < 1) throw new RangeError(`rowsPerPage must be a positive integer, not ${rowsPerPage}`);
  }

  /** The next bytes of the file; returns the pages they complete. */
  push(chunk: Uint8Array): CsvPage[] {
    this.append(chunk);
    return this.scan(false);
  }

  /** The end of the file; returns the last, partial page if any. */
  end(): CsvPage[] {
    return this.scan(true);
  }

  private append(chunk: Uint8Array): void {
    if (this.filled + chunk.length > this.buffer.length) {
      const kept = this.filled - this.pageStart;
      const next = Buffer.alloc(Math.max(minBufferBytes, 2 * (kept + chunk.length)));
      this.buffer.copy(next, 0, this.pageStart, this.filled);
      this.recordStart -= this.pageStart;
      this.filled = kept;
      this.pageStart = 0;
      this.buffer = next;
    }
    this.buffer.set(chunk, this.filled);
    this.filled += chunk.length;
  }

  private scan(atEnd: boolean): CsvPage[] {
    const pages: CsvPage[] = [];
    if (!this.bomChecked) {
      if (this.filled - this.recordStart < 3 && !atEnd) return pages;
      this.skipBom();
    }
    while (this.headers === null) {
      if (!this.readHeader(atEnd)) return pages;
    }
    const width = this.headers.length;
    for (;;) {
      if (this.pageBounds.length < 2 * width * (this.pageRows + 1)) this.growPageBounds();
      const fields = this.scanRecord(this.pageBounds, this.pageRows * width * 2, width, atEnd);
      if (fields === needMoreBytes || fields === noMoreRecords) break;
      if (fields !== emptyLine) {
        if (fields !== width) throw new CsvFormatError('CSV_RECORD_INCONSISTENT_COLUMNS', this.line + this.recordLines);
        this.unescape(this.pageBounds);
        this.pageRows++;
      }
      this.line += this.recordLines + 1;
      this.recordStart = this.recordEnd;
      if (this.pageRows === this.rowsPerPage) pages.push(this.takePage());
    }
    if (atEnd && this.pageRows > 0) pages.push(this.takePage());
    return pages;
  }

  private skipBom(): void {
    const b = this.buffer;
    const at = this.recordStart;
    if (this.filled - at >= 2 && ((b[at] === 0xff && b[at + 1] === 0xfe) || (b[at] === 0xfe && b[at + 1] === 0xff))) {
      throw new CsvFormatError('UTF16_NOT_SUPPORTED', 1);
    }
    if (this.filled - at >= 3 && b[at] === 0xef && b[at + 1] === 0xbb && b[at + 2] === 0xbf) this.recordStart += 3;
    this.pageStart = this.recordStart;
    this.bomChecked = true;
  }

  /** Reads the first record into headers; false when it is not all there yet (or the file has none). */
  private readHeader(atEnd: boolean): boolean {
    let bounds = new Int32Array(2 * 64);
    let fields = this.scanRecord(bounds, 0, 64, atEnd);
    if (fields > 64) {
      if (fields > maxHeaderFields) throw new CsvFormatError('CSV_TOO_MANY_COLUMNS', this.line);
      bounds = new Int32Array(2 * fields);
      fields = this.scanRecord(bounds, 0, fields, atEnd);
    }
    if (fields === needMoreBytes || fields === noMoreRecords) return false;
    this.line += this.recordLines + 1;
    if (fields === emptyLine) {
      this.recordStart = this.pageStart = this.recordEnd;
      return true;
    }
    this.unescape(bounds);
    const headers: string[] = [];
    for (let field = 0; field < fields; field++) {
      headers.push(this.buffer.toString('utf8', this.pageStart + bounds[2 * field]!, this.pageStart + bounds[2 * field + 1]!));
    }
    this.headers = headers;
    this.recordStart = this.pageStart = this.recordEnd;
    this.pageBounds = new Int32Array(2 * headers.length * Math.min(firstPageRows, this.rowsPerPage));
    return true;
  }

  private growPageBounds(): void {
    const grown = new Int32Array(Math.min(2 * this.pageBounds.length, 2 * this.headers!.length * this.rowsPerPage));
    grown.set(this.pageBounds);
    this.pageBounds = grown;
  }

  private takePage(): CsvPage {
    const used = 2 * this.pageRows * this.headers!.length;
    const bounds = used === this.pageBounds.length ? this.pageBounds : this.pageBounds.slice(0, used);
    const page = new CsvPage(this.headers!, this.pageRows, this.buffer.subarray(this.pageStart, this.recordStart), bounds);
    this.pageStart = this.recordStart;
    this.pageRows = 0;
    // The next page is likely as large as this one.
    this.pageBounds = new Int32Array(this.pageBounds.length);
    return page;
  }

  /**
   * Scans the record at recordStart, writing the bounds of its first `capacity` fields (relative to
   * pageStart) from bounds[at]. Returns its field count, which may exceed capacity, or emptyLine,
   * needMoreBytes (the record runs past the bytes so far), or noMoreRecords (at the end). Sets
   * recordEnd (past its delimiter), recordLines (line breaks inside quotes) and escapedFields.
   * Writes nothing to the buffer: a record cut off is scanned again once more bytes arrive.
   */
  private scanRecord(bounds: Int32Array, at: number, capacity: number, atEnd: boolean): number {
    const b = this.buffer;
    const filled = this.filled;
    const base = this.pageStart;
    let pos = this.recordStart;
    let fieldStart = pos;
    let fields = 0;
    let lines = 0;
    this.escapedFieldCount = 0;
    for (;;) {
      // The bytes that end or quote a field are all at most a comma: one comparison skips the rest.
      while (pos < filled && b[pos]! > comma) pos++;
      if (pos >= filled) {
        if (!atEnd) return needMoreBytes;
        if (fields === 0 && pos === fieldStart) return noMoreRecords;
        if (fields < capacity) {
          bounds[at + 2 * fields] = fieldStart - base;
          bounds[at + 2 * fields + 1] = pos - base;
        }
        this.recordEnd = pos;
        this.recordLines = lines;
        return fields + 1;
      }
      const byte = b[pos]!;
      if (byte === comma) {
        if (fields < capacity) {
          bounds[at + 2 * fields] = fieldStart - base;
          bounds[at + 2 * fields + 1] = pos - base;
        }
        fields++;
        fieldStart = ++pos;
      } else if (byte === quote) {
        if (pos !== fieldStart) throw new CsvFormatError('INVALID_OPENING_QUOTE', this.line + lines);
        const openedOn = this.line + lines;
        // The closing quote is a quote not followed by another: two are one quote of the text.
        let close = pos + 1;
        let escaped = false;
        for (;;) {
          while (close < filled && b[close] !== quote) {
            if (b[close] === (this.delimiter === RecordDelimiter.Cr ? cr : lf)) lines++;
            close++;
          }
          if (close >= filled) {
            if (!atEnd) return needMoreBytes;
            throw new CsvFormatError('CSV_QUOTE_NOT_CLOSED', openedOn);
          }
          if (close + 1 >= filled && !atEnd) return needMoreBytes;
          // Past `filled` the buffer holds leftovers of earlier reads: a quote at the end closes.
          if (close + 1 >= filled || b[close + 1] !== quote) break;
          escaped = true;
          close += 2;
        }
        if (fields < capacity) {
          bounds[at + 2 * fields] = pos + 1 - base;
          bounds[at + 2 * fields + 1] = close - base;
          if (escaped) this.escapedFields[this.escapedFieldCount++] = at + 2 * fields;
        }
        fields++;
        pos = close + 1;
        if (pos >= filled) {
          this.recordEnd = pos;
          this.recordLines = lines;
          return fields;
        }
        if (b[pos] === comma) {
          fieldStart = ++pos;
          continue;
        }
        const delimiter = this.delimiterAt(pos, atEnd);
        if (delimiter === needMoreBytes) return needMoreBytes;
        if (delimiter === 0) throw new CsvFormatError('CSV_INVALID_CLOSING_QUOTE', this.line + lines);
        this.recordEnd = pos + delimiter;
        this.recordLines = lines;
        return fields;
      } else if (byte === lf || byte === cr) {
        const delimiter = this.delimiterAt(pos, atEnd);
        if (delimiter === needMoreBytes) return needMoreBytes;
        if (delimiter === 0) {
          pos++;
          continue;
        }
        this.recordEnd = pos + delimiter;
        this.recordLines = lines;
        if (fields === 0 && pos === fieldStart) return emptyLine;
        if (fields < capacity) {
          bounds[at + 2 * fields] = fieldStart - base;
          bounds[at + 2 * fields + 1] = pos - base;
        }
        return fields + 1;
      } else {
        pos++;
      }
    }
  }

  /** The length of the record delimiter at pos (0 if none), deciding it at the first line break as csv-parse does. */
  private delimiterAt(pos: number, atEnd: boolean): number {
    const b = this.buffer;
    const byte = b[pos];
    const next = pos + 1 < this.filled ? b[pos + 1] : undefined;
    if (byte === cr && next === undefined && !atEnd && this.delimiter !== RecordDelimiter.Cr && this.delimiter !== RecordDelimiter.Lf) return needMoreBytes;
    if (this.delimiter === RecordDelimiter.Unknown) {
      if (byte === lf) this.delimiter = RecordDelimiter.Lf;
      else if (byte === cr) this.delimiter = next === lf ? RecordDelimiter.CrLf : RecordDelimiter.Cr;
      else return 0;
    }
    switch (this.delimiter) {
      case RecordDelimiter.Lf:
        return byte === lf ? 1 : 0;
      case RecordDelimiter.Cr:
        return byte === cr ? 1 : 0;
      default:
        return byte === cr && next === lf ? 2 : 0;
    }
  }

  /** Turns each doubled quote of the fields scanRecord marked into one, in place, now that the record is whole. */
  private unescape(bounds: Int32Array): void {
    const b = this.buffer;
    const base = this.pageStart;
    for (let i = 0; i < this.escapedFieldCount; i++) {
      const boundsAt = this.escapedFields[i]!;
      const end = base + bounds[boundsAt + 1]!;
      let write = base + bounds[boundsAt]!;
      for (let read = write; read < end; read++) {
        b[write++] = b[read]!;
        if (b[read] === quote) read++;
      }
      bounds[boundsAt + 1] = write - base;
    }
  }
}
