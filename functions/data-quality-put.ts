import { z } from 'zod';
import { defineRoute } from '../shared/http/route';
import { dataQualitySchema, storedDataQuality } from '../shared/storage/tenant-rows';
import { putDataQuality } from '../shared/admin/tenant-settings';

export const dataQualityPut = defineRoute({
  name: 'dataQualityPut',
  method: 'PUT',
  route: 'settings/data-quality',
  tag: 'Settings',
  summary: 'Change the data-quality rules; cycles with data are re-imported when what the rules do changes',
  audiences: ['glintAdmin'],
  body: dataQualitySchema,
  responses: {
    200: { description: 'The rules, and the re-import runs queued', schema: storedDataQuality.extend({ reimportRunIds: z.array(z.string()) }) },
  },
  errors: [409, 412, 422],
  handler: async ({ services, principal, body, ifMatch }) => ({ status: 200, body: await putDataQuality(services, principal, body, ifMatch) }),
});
