import { checkHealth, healthReport } from '../shared/health/health';
import { defineRoute } from '../shared/http/route';

export const health = defineRoute({
  name: 'health',
  method: 'GET',
  route: 'health',
  tag: 'Service',
  summary: 'Liveness and storage reachability',
  audiences: 'anonymous',
  responses: {
    200: { description: 'Healthy', schema: healthReport },
    503: { description: 'Storage is unreachable', schema: healthReport },
  },
  handler: async ({ services }) => {
    const report = await checkHealth(services);
    return report.status === 'ok' ? { status: 200, body: report } : { status: 503, body: report };
  },
});
