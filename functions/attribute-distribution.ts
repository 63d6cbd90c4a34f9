import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { distribution } from '../shared/admin/distribution';

// `max=m1,m2,m3` previews custom ranges before saving them.
const maxList = z
  .string()
  .regex(/^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){2}$/, 'must be three numbers: m1,m2,m3')
  .transform((s) => s.split(',').map(Number) as [number, number, number]);

export const attributeDistribution = defineRoute({
  name: 'attributeDistribution',
  method: 'GET',
  route: 'attributes/{metricId}/distribution',
  tag: 'Attributes',
  summary: 'Employees per bucket in a cycle, with the saved ranges or a preview of custom ones',
  audiences: ['glintAdmin'],
  params: z.object({ metricId: z.string().max(64) }),
  query: z.strictObject({ programId: idSchema, cycleId: idSchema, max: maxList.optional() }),
  responses: {
    200: {
      description:
        'Counts per bucket; a count under the report threshold, zero included, is null with belowThreshold: true; where that leaves one count hidden, the next smallest is null too (suppressed: true). Previewed maxima are rounded to steps of 0.25 h (hours) or 1 (counts), and `max` says which were used.',
      schema: z.object({
        metricId: z.string(),
        programId: z.string(),
        cycleId: z.string(),
        max: z.tuple([z.number(), z.number(), z.number()]),
        preview: z.boolean(),
        runId: z.string().nullable(),
        buckets: z.array(z.object({ bucket: z.number().int(), label: z.string(), employees: z.number().int().nullable(), belowThreshold: z.boolean(), suppressed: z.boolean() })),
      }),
    },
  },
  errors: [404, 409, 422],
  handler: async ({ services, principal, params, query }) => ({ status: 200, body: await distribution(services, principal, params.metricId, query) }),
});
