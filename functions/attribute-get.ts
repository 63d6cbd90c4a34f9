import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { attributeView } from '../shared/admin/contract';
import { getAttribute } from '../shared/admin/attributes';

export const attributeGet = defineRoute({
  name: 'attributeGet',
  method: 'GET',
  route: 'attributes/{metricId}',
  tag: 'Attributes',
  summary: 'One attribute, with its ranges and their labels',
  audiences: ['glintAdmin'],
  params: z.object({ metricId: z.string().max(64) }),
  responses: { 200: { description: 'The attribute', schema: attributeView } },
  errors: [404],
  handler: async ({ services, principal, params }) => {
    const { view, etag } = await getAttribute(services, principal, params.metricId);
    return { status: 200, body: view, headers: { ETag: etag } };
  },
});
