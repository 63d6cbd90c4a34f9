import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, toProblem } from '../lib/problem';
import type { paths } from './schema';

// The typed API client: paths, parameters and bodies come from the generated schema.d.ts, so a call
// that no longer matches the API fails to compile. Every error answer becomes an ApiError carrying the
// problem document.

export type Api = ReturnType<typeof createClient<paths>>;

export function createApi(baseUrl: string, getToken: () => Promise<string>): Api {
  const api = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${await getToken()}`);
      return request;
    },
  };
  api.use(auth);
  return api;
}

/** The data of a successful answer, or throws the answer's problem as an ApiError. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(toProblem(0, undefined));
  }
  if (!result.response.ok) throw new ApiError(toProblem(result.response.status, result.error));
  return result.data as T;
}
