import { defineRoute } from '../shared/http/route';
import { confidentialitySchema } from '../shared/storage/tenant-rows';
import { putConfidentiality } from '../shared/admin/tenant-settings';

export const confidentialityPut = defineRoute({
  name: 'confidentialityPut',
  method: 'PUT',
  route: 'settings/confidentiality',
  tag: 'Settings',
  summary: 'Change the confidentiality thresholds of reports',
  audiences: ['glintAdmin'],
  body: confidentialitySchema,
  responses: { 200: { description: 'The thresholds', schema: confidentialitySchema } },
  errors: [409, 412, 422],
  handler: async ({ services, principal, body, ifMatch }) => ({ status: 200, body: await putConfidentiality(services, principal, body, ifMatch) }),
});
