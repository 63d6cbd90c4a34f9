import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { purgeInsightsData } from '../shared/admin/tenant-settings';

export const insightsDataDelete = defineRoute({
  name: 'insightsDataDelete',
  method: 'DELETE',
  route: 'insights-data',
  tag: 'Consent',
  summary: 'Delete every imported Viva Insights value of the tenant',
  audiences: ['globalAdmin', 'glintAdmin'],
  responses: { 202: { description: 'Deletion queued', schema: z.object({ runId: z.string() }) } },
  handler: async ({ services, principal }) => ({ status: 202, body: await purgeInsightsData(services, principal) }),
});
