import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { attributeView } from '../shared/admin/contract';
import { listAttributes } from '../shared/admin/attributes';

export const attributesList = defineRoute({
  name: 'attributesList',
  method: 'GET',
  route: 'attributes',
  tag: 'Attributes',
  summary: 'The attributes of the tenant',
  audiences: ['glintAdmin'],
  responses: { 200: { description: 'The attributes', schema: z.object({ attributes: z.array(attributeView) }) } },
  handler: async ({ services, principal }) => ({ status: 200, body: { attributes: await listAttributes(services, principal) } }),
});
