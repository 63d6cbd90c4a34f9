import { checkHealth, healthReport } from '../shared/health/health';
import { defineRoute } from '../shared/http/route';

export const health = defineRoute({
  name: 'health',
  method: 'GET',
  route: 'health',
  tag: 'Service',
  summary: 'Liveness and storage reachability',
  audiences: 'anonymous',
  responses: { 200: { description: 'Healthy (503 with the same shape when storage is unreachable)', schema: healthReport } },
  errors: [503],
  handler: async ({ services }) => {
    const report = await checkHealth(services);
    return { status: report.status === 'ok' ? 200 : 503, body: report };
  },
});
