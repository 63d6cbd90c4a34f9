import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { deleteAttribute } from '../shared/admin/attributes';

export const attributeDelete = defineRoute({
  name: 'attributeDelete',
  method: 'DELETE',
  route: 'attributes/{metricId}',
  tag: 'Attributes',
  summary: 'Delete an attribute and every value imported for it',
  audiences: ['glintAdmin'],
  params: z.object({ metricId: z.string().max(64) }),
  responses: { 202: { description: 'Deletion queued', schema: z.object({ runId: z.string() }) } },
  errors: [404, 409, 412],
  handler: async ({ services, principal, params, ifMatch }) => ({ status: 202, body: await deleteAttribute(services, principal, params.metricId, ifMatch) }),
});
