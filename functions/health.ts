import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { checkHealth } from '../shared/health/health';
import { rejectUnknownQuery } from '../shared/http/problem';

export async function health(request: HttpRequest): Promise<HttpResponseInit> {
  const rejected = rejectUnknownQuery(request.query, []);
  if (rejected) return rejected;
  const report = await checkHealth(getServices());
  return { status: report.status === 'ok' ? 200 : 503, jsonBody: report, headers: { 'Cache-Control': 'no-store' } };
}

app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: health });
