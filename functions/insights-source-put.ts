import { defineRoute } from '../shared/http/route';
import { sourceBody } from '../shared/admin/contract';
import { storedSource } from '../shared/storage/tenant-rows';
import { putSource } from '../shared/admin/tenant-settings';

export const insightsSourcePut = defineRoute({
  name: 'insightsSourcePut',
  method: 'PUT',
  route: 'insights-source',
  tag: 'Settings',
  summary: 'Set where the tenant’s Viva Insights data comes from',
  audiences: ['glintAdmin'],
  body: sourceBody,
  responses: { 200: { description: 'The source', schema: storedSource } },
  errors: [409, 412, 422],
  handler: async ({ services, principal, body, ifMatch }) => ({ status: 200, body: await putSource(services, principal, body, ifMatch) }),
});
