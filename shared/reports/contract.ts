import { z } from 'zod';
import { groupKeySchema, groupStatusSchema } from '../storage/tenant-rows';

// What the report routes answer (what the report job stores: storage/tenant-rows.ts).

// ---- views ----

export const itemScoreView = z.object({
  itemId: z.string(),
  score: z.number().nullable().describe('Mean score; null unless the group is ok and this item may be shown'),
  favorable: z.number().nullable().describe('Share of scores >= favorableMin, 0..1'),
});

export const groupView = z.object({
  group: groupKeySchema.describe('"1".."4": the attribute\'s buckets; "none": respondents without a value ("No data")'),
  label: z.string(),
  status: groupStatusSchema,
  respondents: z.number().int().nullable(),
  items: z.array(itemScoreView),
});

const reportMeta = {
  programId: z.string(),
  cycleId: z.string(),
  metricId: z.string(),
  computedAt: z.string().describe('When the report was computed from the responses and the imported buckets'),
};

export const behaviorReportView = z.object({ ...reportMeta, groups: z.array(groupView) });
export const itemReportView = z.object({ ...reportMeta, group: groupView });
export const commentReportView = z.object({
  ...reportMeta,
  group: groupKeySchema,
  label: z.string(),
  status: groupStatusSchema,
  commentsShown: z.boolean().describe('false when the group is below the comment threshold (minCommentResponses) or hidden'),
  comments: z.array(z.object({ itemId: z.string(), text: z.string() })),
  continuationToken: z.string().nullable(),
});

/** `{metricId}:{bucket}`, bucket 1-4 or "none". */
export const filterSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}:(1|2|3|4|none)$/, 'must be {metricId}:{bucket}, bucket 1-4 or none')
  .transform((f) => {
    const [metricId, group] = f.split(':') as [string, z.infer<typeof groupKeySchema>];
    return { metricId, group };
  });

/** GET /api/reports/catalog: what the caller may read (shared/reports/catalog.ts). */
export const catalogView = z.object({
  attributes: z.array(
    z.object({ metricId: z.string(), name: z.string(), unit: z.enum(['hour', 'count']), reportFilters: z.boolean(), reportSections: z.boolean(), commentFilters: z.boolean() }),
  ),
  programs: z.array(
    z.object({
      programId: z.string(),
      name: z.string(),
      cycles: z.array(
        z.object({
          cycleId: z.string(),
          name: z.string(),
          startDate: z.string(),
          endDate: z.string(),
          items: z.array(z.object({ itemId: z.string(), label: z.string(), text: z.string() })),
        }),
      ),
    }),
  ),
});
