import { defineRoute } from '../shared/http/route';
import { dataQualityView } from '../shared/admin/contract';
import { readDataQuality } from '../shared/admin/tenant-settings';

export const dataQualityGet = defineRoute({
  name: 'dataQualityGet',
  method: 'GET',
  route: 'settings/data-quality',
  tag: 'Settings',
  summary: 'The data-quality rules imports apply to the person query (all off by default)',
  audiences: ['glintAdmin'],
  responses: { 200: { description: 'The rules', schema: dataQualityView } },
  handler: async ({ services, principal }) => {
    const { view, etag } = await readDataQuality(services, principal);
    return { status: 200, body: view, ...(etag ? { headers: { ETag: etag } } : {}) };
  },
});
