import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { rangesBody } from '../shared/admin/contract';
import { setAttributeRanges } from '../shared/admin/attributes';

export const attributeRangesPut = defineRoute({
  name: 'attributeRangesPut',
  method: 'PUT',
  route: 'attributes/{metricId}/ranges',
  tag: 'Attributes',
  summary: 'Customize the ranges; stored values are re-bucketed',
  audiences: ['glintAdmin'],
  params: z.object({ metricId: z.string().max(64) }),
  body: rangesBody,
  responses: { 202: { description: 'Re-bucketing queued', schema: z.object({ runId: z.string() }) } },
  errors: [404, 409, 412, 422],
  handler: async ({ services, principal, params, body, ifMatch }) => ({ status: 202, body: await setAttributeRanges(services, principal, params.metricId, body.max, ifMatch) }),
});
