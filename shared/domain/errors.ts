// Domain errors carry a stable code; the HTTP layer maps codes to statuses (shared/http/problem.ts).

export type ErrorCode =
  | 'not-found'
  | 'consent-required'
  | 'no-attributes'
  | 'already-exists'
  | 'conflict'
  | 'rule-violation'
  | 'report-unavailable'
  | 'forbidden'
  | 'precondition-failed';

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  constructor(code: ErrorCode, message: string, errors?: FieldError[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.errors = errors;
  }
}

export const notFound = (what: string) => new DomainError('not-found', `${what} does not exist.`);

/** A well-formed request that breaks a rule of the product (HTTP 422). */
export const ruleViolation = (errors: FieldError[]) =>
  new DomainError('rule-violation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);

/** A line of an NDJSON or CSV body that is not valid, and why. */
export type LineError = FieldError & { line: number };

const maxReportedLineErrors = 100;

/**
 * A line-by-line body refused whole (the survey responses, the roster): how many lines are invalid,
 * and the first errors in line order, so the sender fixes them and sends the whole body again.
 */
export function invalidLinesError(errors: readonly LineError[], invalidLines = new Set(errors.map((e) => e.line)).size): DomainError {
  const shown = [...errors].sort((a, b) => a.line - b.line).slice(0, maxReportedLineErrors).map(({ path, message }) => ({ path, message }));
  return new DomainError('rule-violation', `${invalidLines} line(s) are invalid; nothing was stored. Fix them and send the whole body again.`, shown);
}
