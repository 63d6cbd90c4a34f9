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
