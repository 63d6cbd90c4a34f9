import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { attributePatchBody, attributeView } from '../shared/admin/contract';
import { updateAttributeRoles } from '../shared/admin/attributes';

export const attributePatch = defineRoute({
  name: 'attributePatch',
  method: 'PATCH',
  route: 'attributes/{metricId}',
  tag: 'Attributes',
  summary: 'Change which roles may use an attribute, and how',
  audiences: ['glintAdmin'],
  params: z.object({ metricId: z.string().max(64) }),
  body: attributePatchBody,
  responses: { 200: { description: 'Updated', schema: attributeView } },
  errors: [404, 409, 412, 422],
  handler: async ({ services, principal, params, body, ifMatch }) => ({ status: 200, body: await updateAttributeRoles(services, principal, params.metricId, body.roles, ifMatch) }),
});
