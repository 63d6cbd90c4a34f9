import type { HttpResponseInit } from '@azure/functions';
import type { DomainError, ErrorCode, FieldError } from '../domain/errors';

// RFC 9457 problem details, the one error shape of the API. `type` is a relative URI ending in a
// stable code (clients switch on it); `errors` lists validation failures by JSON path.

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export function problem(status: number, code: string, title: string, detail: string, errors?: FieldError[]): HttpResponseInit {
  const body: Problem = { type: `/problems/${code}`, title, status, detail, ...(errors ? { errors } : {}) };
  return { status, headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' }, body: JSON.stringify(body) };
}

const codeToStatus: Record<ErrorCode, number> = {
  'not-found': 404,
  'consent-required': 409,
  'no-attributes': 409,
  'already-exists': 409,
  conflict: 409,
  'rule-violation': 422,
  'report-unavailable': 409,
  forbidden: 403,
  'precondition-failed': 412,
};

const codeToTitle: Record<ErrorCode, string> = {
  'not-found': 'Not found',
  'consent-required': 'Consent required',
  'no-attributes': 'No attributes',
  'already-exists': 'Already exists',
  conflict: 'Conflict',
  'rule-violation': 'Rule violation',
  'report-unavailable': 'Report unavailable',
  forbidden: 'Forbidden',
  'precondition-failed': 'Precondition failed',
};

export function problemForDomainError(error: DomainError): HttpResponseInit {
  return problem(codeToStatus[error.code], error.code, codeToTitle[error.code], error.message, error.errors);
}
