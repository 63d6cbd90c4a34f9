import fc from 'fast-check';
import { maxMetricValue, toNano } from '../../shared/domain/aggregation';
import { parseRecord, resolveColumns, type ParsedRow, type RawRecord } from '../../shared/insights/person-rows';
import { TextRowReader, type TextRows } from '../../shared/insights/text-rows';
import { toDayNumber } from '../../shared/domain/weeks';

// TextRowReader reads the plain spellings from bytes and hands the rest to person-rows.ts: on any
// fields, row after row, it must give what parseRecord gives for the same record.

/** Text rows as a CSV reader would hand them out: the fields' UTF-8 bytes one after the other. */
function textRows(headers: readonly string[], rows: readonly (readonly string[])[]): TextRows {
  const encoded = rows.flatMap((fields) => fields.map((field) => Buffer.from(field)));
  const bytes = Buffer.concat(encoded);
  const bounds = new Int32Array(2 * encoded.length);
  let at = 0;
  encoded.forEach((field, i) => {
    bounds[2 * i] = at;
    at += field.length;
    bounds[2 * i + 1] = at;
  });
  return {
    headers,
    length: rows.length,
    bytes,
    bounds,
    text: (row, column) => bytes.toString('utf8', bounds[2 * (row * headers.length + column)], bounds[2 * (row * headers.length + column) + 1]),
  };
}

/** The reader's verdict in parseRecord's terms, values in nano-units for both. */
function readAll(headers: readonly string[], rows: readonly (readonly string[])[], metricIds: readonly string[]) {
  const columns = resolveColumns(headers, { employeeKeyColumn: 'PersonId', metricIds });
  const reader = new TextRowReader(headers, columns, metricIds);
  const page = textRows(headers, rows);
  const actual = rows.map((_, row) => {
    const kind = reader.read(page, row);
    if (kind === 'invalid') return { kind, reason: reader.reason };
    if (kind === 'inactive') return { kind };
    return { kind, employeeKey: reader.employeeKey, day: reader.day, nanos: [...reader.nanos] };
  });
  const expected = rows.map((fields) => {
    // Object.fromEntries keeps the last of equal headers, as csv-parse's records did.
    const record: RawRecord = Object.fromEntries(headers.map((header, column) => [header, fields[column]]));
    const row: ParsedRow = parseRecord(record, columns);
    if (row.kind !== 'row') return row;
    const nanos = metricIds.map((id) => (row.values[id] === undefined ? NaN : toNano(row.values[id])));
    return { kind: row.kind, employeeKey: row.employeeKey, day: toDayNumber(row.metricDate), nanos };
  });
  return { actual, expected };
}

const spaced = (text: fc.Arbitrary<string>) => fc.tuple(fc.constantFrom('', ' ', '\t'), text, fc.constantFrom('', ' ')).map(([a, t, b]) => a + t + b);
const anyText = fc.string({ unit: fc.constantFrom('a', 'T', '1', '0', '-', '/', '.', ' ', 'é', 'İ', 'K'), maxLength: 12 });

const active = fc.oneof(
  fc.constantFrom('', 'TRUE', 'true', 'True', 'tRuE', 'FALSE', 'false', 'False', '1', '0', ' true', 'FALSE ', '  ', 'yes', 'truth', 'TRUE1', '2', 'ТRUE'),
  anyText,
);
const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('P1', 'p1', 'Q1', 'P2', ' P1 ', 'ada@contoso.com', 'Ada@Contoso.COM', 'bda@contoso.com', 'İz', 'ẞ', '007') },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t') },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.string({ minLength: 250, maxLength: 300 }) },
);
const date = fc.oneof(
  fc.constantFrom('2022-05-01', '2022-05-08', '2022-05-02', '5/1/2022', '05/08/2022', '2022-05-01T00:00:00Z', '2022-05-01 00:00', '2022-02-30', '2022-13-01'),
  fc.constantFrom('0000-00-00', '9999-99-99', '2022-5-01', '2022/05/01', '20220501XX', '', 'x'),
  spaced(fc.constantFrom('2022-05-01', '2022-05-15')),
  fc.tuple(fc.integer({ min: 1999, max: 2031 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
    ([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  ),
);
const digits = (max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9'), maxLength: max });
const value = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(digits(8), fc.boolean(), digits(12)).map(([whole, point, fraction]) => (point ? `${whole}.${fraction}` : whole)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 10 ** 15 }).map((n) => String(n / 1e9)) },
  { weight: 1, arbitrary: fc.constantFrom(String(maxMetricValue), '100000.000000000', '100000.000000001', '99999.999999999', '100000.0000000001') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '.', '-0', '+1', '-1', '1e2', '1E-3', '1e999', '0x10', 'NaN', 'Infinity', '1,5', ' 2.5 ', '.5', '5.') },
  { weight: 1, arbitrary: anyText },
);

const headers = ['PersonId', 'MetricDate', 'Email hours', 'IsActive', 'Meeting_hours_with_manager_1_1', 'Organization'];
const row = fc.tuple(key, date, value, active, value, anyText);

describe('TextRowReader', () => {
  it('reads every row as parseRecord reads the same record, whatever came before it', () => {
    // callHours has no column; the reader's order differs from the column map's.
    const metricIds = ['managerOneOnOneHours', 'callHours', 'emailHours'];
    // Rows repeat, as an employee's weeks do, so the remembered key and dates are exercised.
    const rows = fc.array(row, { minLength: 1, maxLength: 8 }).chain((distinct) => fc.array(fc.constantFrom(...distinct), { minLength: 1, maxLength: 30 }));
    fc.assert(
      fc.property(rows, (fields) => {
        const { actual, expected } = readAll(headers, fields, metricIds);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the exact nano-units of decimals of up to 9 places, as toNano of their Number does', () => {
    const decimal = fc.tuple(fc.integer({ min: 0, max: maxMetricValue }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999_999_999 })).map(
      ([whole, places, fraction]) => (places === 0 ? String(whole) : `${whole}.${String(fraction).padStart(9, '0').slice(0, places)}`),
    );
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 20 }), (values) => {
        const { actual, expected } = readAll(
          ['PersonId', 'MetricDate', 'Email_hours'],
          values.map((v) => ['p', '2022-05-01', v]),
          ['emailHours'],
        );
        expect(actual).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('takes the last of two equal headers, as a record built from the row does', () => {
    const { actual, expected } = readAll(
      ['PersonId', 'MetricDate', 'Email_hours', 'Email_hours'],
      [
        ['p', '2022-05-01', 'abc', '2'],
        ['p', '2022-05-01', '1', ''],
      ],
      ['emailHours'],
    );
    expect(actual).toEqual(expected);
    expect(actual[0]).toMatchObject({ kind: 'row', nanos: [2e9] });
  });

  it('refuses a column map that names a header the rows lack', () => {
    const columns = resolveColumns(['PersonId', 'MetricDate'], { employeeKeyColumn: 'PersonId', metricIds: [] });
    expect(() => new TextRowReader(['PersonId', 'Date'], columns, [])).toThrow(/"MetricDate"/);
  });
});
