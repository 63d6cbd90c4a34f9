// API errors are application/problem+json ({type, title, status, detail, errors?}); the portal shows
// them next to what caused them: a field's message under the field (by its `errors[].path`), the rest
// in a MessageBar with the title and detail.

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Reads a problem document; anything else (a proxy's HTML page, an empty 500) becomes a plain one. */
export function toProblem(status: number, body: unknown): Problem {
  if (isRecord(body) && typeof body.title === 'string') {
    const errors = Array.isArray(body.errors)
      ? body.errors.filter((e): e is FieldError => isRecord(e) && typeof e.path === 'string' && typeof e.message === 'string')
      : [];
    return { type: typeof body.type === 'string' ? body.type : 'about:blank', title: body.title, status, detail: typeof body.detail === 'string' ? body.detail : '', errors };
  }
  return {
    type: 'about:blank',
    title: status === 0 ? 'The service cannot be reached' : `The service answered ${status}`,
    status,
    detail: status === 0 ? 'Check your connection and try again.' : 'Try again later; if it keeps failing, tell your administrator.',
    errors: [],
  };
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  /** The messages of the errors at `path` or below it (body.roles.0 matches body.roles.0.reportFilters). */
  fieldMessage(path: string): string | undefined {
    const messages = this.problem.errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => e.message);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
  /** Errors no field on the screen claims, to show with the title and detail. */
  unclaimed(claimed: readonly string[]): FieldError[] {
    return this.problem.errors.filter((e) => !claimed.some((p) => e.path === p || e.path.startsWith(`${p}.`)));
  }
}

export const asApiError = (error: unknown): ApiError | undefined => (error instanceof ApiError ? error : undefined);
