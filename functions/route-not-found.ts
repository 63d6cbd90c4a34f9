import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { problem } from '../shared/http/problem';

// Every path under /api that no route defines (a wrong method on a known path included) answers as the
// API's own errors do, with problem details, rather than the host's empty 404. The host matches every
// route of the API first: a catch-all is the least specific template.
export async function routeNotFound(request: HttpRequest): Promise<HttpResponseInit> {
  return problem(404, 'not-found', 'Not found', `No route answers ${request.method} here; the routes are listed at GET /api/openapi.json.`);
}

app.http('routeNotFound', {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  route: '{*path}',
  authLevel: 'anonymous',
  handler: routeNotFound,
});
