import { defineRoute } from '../shared/http/route';
import { confidentialitySchema } from '../shared/storage/tenant-rows';
import { readConfidentiality } from '../shared/admin/tenant-settings';

export const confidentialityGet = defineRoute({
  name: 'confidentialityGet',
  method: 'GET',
  route: 'settings/confidentiality',
  tag: 'Settings',
  summary: 'The confidentiality thresholds of reports',
  audiences: ['glintAdmin'],
  responses: { 200: { description: 'The thresholds', schema: confidentialitySchema } },
  handler: async ({ services, principal }) => {
    const { view, etag } = await readConfidentiality(services, principal);
    return { status: 200, body: view, ...(etag ? { headers: { ETag: etag } } : {}) };
  },
});
