import type { HttpResponseInit } from '@azure/functions';

// RFC 9457 problem details, the one error shape of the API. `type` is a relative URI ending in a
// stable code (clients switch on it); `errors` lists validation failures by JSON path.

export interface FieldError {
  path: string;
  message: string;
}

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

/** 400 for query parameters the route does not define (SPEC section 3). */
export function rejectUnknownQuery(query: URLSearchParams, allowed: readonly string[]): HttpResponseInit | undefined {
  const unknown = [...new Set(query.keys())].filter((name) => !allowed.includes(name));
  if (unknown.length === 0) return undefined;
  return problem(
    400,
    'unknown-query-parameter',
    'Unknown query parameter',
    `This route takes ${allowed.length ? `only ${allowed.join(', ')}` : 'no query parameters'}.`,
    unknown.map((name) => ({ path: `query.${name}`, message: 'unknown parameter' })),
  );
}
