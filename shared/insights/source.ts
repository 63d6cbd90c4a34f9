import type { TextRows } from './text-rows';

export type RawRecord = Record<string, string | number | boolean | null | undefined>;

/**
 * Records as objects (JSON, OData), or as text rows (CSV): a CSV export's millions of rows are read
 * from their bytes, without an object or a string per row.
 */
export type PersonQueryPage = RawRecord[] | TextRows;

export function isTextRows(page: PersonQueryPage): page is TextRows {
  return !Array.isArray(page);
}

export interface PersonQuerySource {
  /** Records a page (OData) or a chunk (file) at a time; never the whole export in memory. Header/column names are kept exactly as the source spells them. */
  pages(signal?: AbortSignal): AsyncIterable<PersonQueryPage>;
}

/** A source failure; `retryable` says whether trying the whole pull again later may help. Messages never contain tokens or secrets. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
  }
}

/**
 * A person-query row is flat: every value a scalar. Hand-written rather than a zod record schema
 * because a page holds ~10,000 rows of ~150 columns, where per-value schema checks cost about a second.
 */
export function isRawRecord(value: unknown): value is RawRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field === 'object' && field !== null) return false;
  }
  return true;
}

export const rawRecordDescription = 'an object whose values are strings, numbers, booleans or null';

/** What a thrown value says, for a run's reason: its message when it has one. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}
