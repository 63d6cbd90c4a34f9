import { isTextRows, type PersonQueryPage, type RawRecord } from '../../shared/insights/source';

/** A page as the records csv-parse made of it before text rows: header → field, the last of equal headers winning. */
export function recordsOf(page: PersonQueryPage): RawRecord[] {
  if (!isTextRows(page)) return page;
  return Array.from({ length: page.length }, (_, row) => Object.fromEntries(page.headers.map((header, column) => [header, page.text(row, column)])));
}
