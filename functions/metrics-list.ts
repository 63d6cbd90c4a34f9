import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { bucketLabels, metricCatalog } from '../shared/domain/metrics';

export const metricsList = defineRoute({
  name: 'metricsList',
  method: 'GET',
  route: 'metrics',
  tag: 'Metrics',
  summary: 'The Viva Insights metrics that can become attributes',
  audiences: ['glintAdmin', 'platform', 'globalAdmin'],
  responses: { 200: { description: 'The metric catalog', schema: z.object({ metrics: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), unit: z.enum(['hour', 'count']), defaultMax: z.array(z.number()), defaultLabels: z.array(z.string()) })) }) } },
  handler: async () => ({ status: 200, body: { metrics: metricCatalog.map(({ columns: _columns, ...m }) => ({ ...m, defaultLabels: bucketLabels(m.defaultMax) })) } }),
});
