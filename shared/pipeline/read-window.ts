import type { WindowAggregator } from '../domain/aggregation';
import { parseRecord, resolveColumns, type ColumnMap } from '../insights/person-rows';
import { TextRowReader } from '../insights/text-rows';
import { isTextRows, SourceError, type PersonQuerySource } from '../insights/source';

// The pull's reading loop, also what the transform benchmark runs: every row of the person query
// into the aggregator. The columns are resolved once, from the first record or header.

export interface WindowRead {
  /** Every record the source held, used or not. */
  rows: number;
  invalidRows: number;
  /**
   * Employee keys with a valid row outside the window. With the aggregator's keys (the persons with a
   * row in it) they are every person the query held, so matching can tell "no week in the window"
   * from "not in the person query" without a set of every key beside the aggregator's.
   */
  outsideWindow: ReadonlySet<string>;
}

export async function readWindow(
  source: PersonQuerySource,
  aggregator: WindowAggregator,
  options: { employeeKeyColumn: string; metricIds: readonly string[]; signal?: AbortSignal; maxRows?: number },
): Promise<WindowRead> {
  const maxRows = options.maxRows ?? Infinity;
  let columns: ColumnMap | undefined;
  let textReader: TextRowReader | undefined;
  let rows = 0;
  let invalidRows = 0;
  const outsideWindow = new Set<string>();
  let lastOutside: string | undefined;
  for await (const page of source.pages(options.signal)) {
    rows += page.length;
    if (rows > maxRows) throw new SourceError(`the person query has more than ${maxRows} rows, the most one import reads; the import stops`, false);
    if (isTextRows(page)) {
      columns ??= resolveColumns(page.headers, options);
      textReader ??= new TextRowReader(page.headers, columns, aggregator.metricIds);
      for (let row = 0; row < page.length; row++) {
        const kind = textReader.read(page, row);
        if (kind === 'invalid') invalidRows++;
        else if (kind === 'row') {
          // The reader hands out the same string while the key repeats: one Set look-up per employee.
          if (aggregator.addWeek(textReader.employeeKey, textReader.day, textReader.nanos) === 'outside-window' && textReader.employeeKey !== lastOutside) {
            outsideWindow.add((lastOutside = textReader.employeeKey));
          }
        }
      }
    } else {
      for (const record of page) {
        columns ??= resolveColumns(Object.keys(record), options);
        const row = parseRecord(record, columns);
        if (row.kind === 'invalid') invalidRows++;
        else if (row.kind === 'row' && aggregator.add(row) === 'outside-window') outsideWindow.add(row.employeeKey);
      }
    }
  }
  return { rows, invalidRows, outsideWindow };
}
