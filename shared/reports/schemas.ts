import { z } from 'zod';
import { confidentialitySchema, maxSchema } from '../admin/schemas';

// What the report job stores in the tenant's partition, and what the report routes answer.

/** Per cycle: which change was asked for (`requestedSeq`) and which one the stored reports reflect. */
export const storedReportState = z.object({
  programId: z.string(),
  cycleId: z.string(),
  requestedSeq: z.number().int().min(0),
  computedSeq: z.number().int().min(0),
  computedAt: z.string().nullable(),
  /** The import run the reports' buckets come from. */
  runId: z.string().nullable(),
  /** The confidentiality settings the reports were decided with. */
  settings: confidentialitySchema.nullable(),
  itemIds: z.array(z.string()),
  commentsGeneration: z.string().nullable(),
  /** Why there is no report (no imported data, no items, ...), or null. */
  unavailable: z.string().nullable(),
  /**
   * Attributes ("*": all) whose earlier versions of this cycle's reports were deleted with their data:
   * they show no score or comment in this cycle again, since what was shown can no longer be checked.
   */
  forgotten: z.array(z.string()).default([]),
  /** Deletions the history has not applied yet: attribute ids, or "*" for all (a purge, a program's disabling). */
  forget: z.array(z.string()).default([]),
  /** The report-refresh message computing the cycle now, and until when it may (refresh.ts). */
  lease: z.object({ owner: z.string(), until: z.string() }).nullable().default(null),
});
export type StoredReportState = z.infer<typeof storedReportState>;

const storedScore = z.tuple([z.number(), z.number()]).nullable();
export const groupKeySchema = z.enum(['1', '2', '3', '4', 'none']);
export const groupStatusSchema = z.enum(['ok', 'insufficient', 'suppressed']);

/** One attribute's report for a cycle, already decided: only what may be shown is stored. */
export const storedAttributeReport = z.object({
  metricId: z.string(),
  max: maxSchema,
  groups: z.array(
    z.object({
      group: groupKeySchema,
      status: groupStatusSchema,
      respondents: z.number().int().nullable(),
      /** [score, favorable] per item of the state's itemIds, null where withheld. */
      items: z.array(storedScore),
      showComments: z.boolean(),
      commentPages: z.number().int().min(0),
    }),
  ),
});
export type StoredAttributeReport = z.infer<typeof storedAttributeReport>;

export const reportStateKey = (programId: string, cycleId: string) => `reportstate:${programId}:${cycleId}`;
export const attributeReportPrefix = (programId: string, cycleId: string) => `report:${programId}:${cycleId}:`;
export const attributeReportKey = (programId: string, cycleId: string, metricId: string) => `${attributeReportPrefix(programId, cycleId)}${metricId}`;

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
