import { defineRoute } from '../shared/http/route';
import { storedSource } from '../shared/storage/tenant-rows';
import { getSource } from '../shared/admin/tenant-settings';

export const insightsSourceGet = defineRoute({
  name: 'insightsSourceGet',
  method: 'GET',
  route: 'insights-source',
  tag: 'Settings',
  summary: 'Where the tenant’s Viva Insights data comes from',
  audiences: ['glintAdmin'],
  responses: { 200: { description: 'The source', schema: storedSource } },
  errors: [404],
  handler: async ({ services, principal }) => {
    const { view, etag } = await getSource(services, principal);
    return { status: 200, body: view, headers: { ETag: etag } };
  },
});
