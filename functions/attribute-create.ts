import { defineRoute } from '../shared/http/route';
import { attributeCreateBody, attributeView } from '../shared/admin/contract';
import { createAttribute } from '../shared/admin/attributes';

export const attributeCreate = defineRoute({
  name: 'attributeCreate',
  method: 'POST',
  route: 'attributes',
  tag: 'Attributes',
  summary: 'Add a metric as an attribute, granted to roles',
  audiences: ['glintAdmin'],
  body: attributeCreateBody,
  responses: { 201: { description: 'Added', schema: attributeView } },
  errors: [409, 422],
  handler: async ({ services, principal, body }) => ({ status: 201, body: await createAttribute(services, principal, body) }),
});
