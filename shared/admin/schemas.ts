import { z } from 'zod';
import { isCalendarDate } from '../domain/weeks';

// Shapes of what the configuration API accepts and answers, and of what it stores. Shape errors are
// 400s; the product's rules (ranges increasing, dates in order, ...) are checked by the use cases
// and answer 422, so the schemas here check shape only.

/** Ids that become part of a Table Storage key: no `/ \ # ?`, no control characters, bounded. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/, 'must be 1-128 characters: letters, digits, ".", "_", "~", "-", starting with a letter or digit');

export const dateSchema = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
export const timestampSchema = z.string();

// ---- consent ----
export const currentAgreementVersion = 'Microsoft Viva Preview Agreement 2024-10';

export const storedConsent = z.object({
  status: z.enum(['granted', 'revoked']),
  agreementVersion: z.string(),
  grantedBy: z.string(),
  grantedAt: timestampSchema,
  revokedBy: z.string().nullable(),
  revokedAt: timestampSchema.nullable(),
});
export type StoredConsent = z.infer<typeof storedConsent>;

export const consentView = z.object({
  status: z.enum(['none', 'granted', 'revoked']),
  agreementVersion: z.string().describe('The current agreement version; PUT must accept this one.'),
  grantedBy: z.string().nullable(),
  grantedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
});

export const consentBody = z.strictObject({ accept: z.literal(true), agreementVersion: z.string().min(1) });

// ---- roles ----
export const permissionsSchema = z.strictObject({ reportFilters: z.boolean(), reportSections: z.boolean(), commentFilters: z.boolean() });
export type Permissions = z.infer<typeof permissionsSchema>;
export const permissionFlags = ['reportFilters', 'reportSections', 'commentFilters'] as const;

export const roleBody = z.strictObject({ name: z.string().trim().min(1).max(200), permissions: permissionsSchema });
export const storedRole = z.object({ roleId: z.string(), name: z.string(), permissions: permissionsSchema, updatedAt: timestampSchema });
export type StoredRole = z.infer<typeof storedRole>;
export const roleView = storedRole;

// ---- attributes ----
export const attributeRoleSchema = z.strictObject({ roleId: idSchema, ...permissionsSchema.shape });
export type AttributeRole = z.infer<typeof attributeRoleSchema>;
export const maxSchema = z.tuple([z.number(), z.number(), z.number()]);

export const attributeCreateBody = z.strictObject({ metricId: z.string().min(1).max(64), roles: z.array(attributeRoleSchema).max(500) });
export const attributePatchBody = z.strictObject({ roles: z.array(attributeRoleSchema).max(500) });
export const rangesBody = z.strictObject({ max: maxSchema });

export const storedAttribute = z.object({
  metricId: z.string(),
  roles: z.array(attributeRoleSchema),
  max: maxSchema,
  customized: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type StoredAttribute = z.infer<typeof storedAttribute>;

export const attributeView = z.object({
  metricId: z.string(),
  name: z.string(),
  unit: z.enum(['hour', 'count']),
  roles: z.array(attributeRoleSchema),
  ranges: z.object({ max: maxSchema, labels: z.tuple([z.string(), z.string(), z.string(), z.string()]), customized: z.boolean() }),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

// ---- programs ----
export const cycleSchema = z.strictObject({ cycleId: idSchema, name: z.string().trim().min(1).max(200), startDate: dateSchema, endDate: dateSchema });
export const programBody = z.strictObject({ name: z.string().trim().min(1).max(200), cycles: z.array(cycleSchema).max(200) });
export const storedProgram = z.object({
  programId: z.string(),
  name: z.string(),
  cycles: z.array(z.object({ cycleId: z.string(), name: z.string(), startDate: z.string(), endDate: z.string() })),
  enabled: z.boolean(),
  enabledAt: timestampSchema.nullable(),
  updatedAt: timestampSchema,
});
export type StoredProgram = z.infer<typeof storedProgram>;

// ---- data quality (domain/data-quality.ts) ----
const sdSchema = z.number().describe('Standard deviations below the mean');
export const dataQualitySchema = z.strictObject({
  holidayWeeks: z.strictObject({ enabled: z.boolean(), sd: sdSchema }),
  inactiveWeeks: z.strictObject({ enabled: z.boolean(), sd: sdSchema }),
  nonKnowledgeWorkers: z.strictObject({ enabled: z.boolean(), minHours: z.number().describe('Mean weekly Collaboration hours below which a person is left out') }),
});
export const storedDataQuality = dataQualitySchema.extend({ updatedAt: timestampSchema });
export type StoredDataQuality = z.infer<typeof storedDataQuality>;
export const dataQualityView = dataQualitySchema.extend({ updatedAt: timestampSchema.nullable() });

/** What the rules did in one import run: counts and weekly means over all persons, never one person's hours. */
export const dataQualityFigures = z.object({
  rules: dataQualitySchema,
  holidayWeeks: z.array(
    z.object({
      week: dateSchema,
      meanHours: z.number().nullable().describe('Mean Collaboration hours of the week over all persons; null when fewer persons than the Insights minimum group size had a value'),
      z: z.number().nullable(),
    }),
  ),
  personWeeksExcluded: z.number().int().describe('Weeks left out of counted persons\' means (holiday or inactive weeks)'),
  nonKnowledgeWorkers: z.number().int().describe('Persons left out as non-knowledge workers: in no bucket (no value)'),
});
export type DataQualityFigures = z.infer<typeof dataQualityFigures>;

// ---- runs (the work a change asks the pipeline to do) ----
export const runStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export const storedRun = z.object({
  runId: z.string(),
  kind: z.enum(['import', 'rebucket', 'delete', 'rematch']),
  programId: z.string().nullable(),
  cycleId: z.string().nullable(),
  metricId: z.string().nullable(),
  runDate: dateSchema.nullable(),
  window: z.object({ from: dateSchema, to: dateSchema }).nullable(),
  status: runStatus,
  /**
   * Import runs: which attempt of the run this is. A failed or cancelled run asked for again is a new
   * attempt under the same id, whose values are written to partitions of their own (dataRunId), so
   * they never mix with a stale partial attempt, and messages of an earlier attempt are ignored.
   */
  attempt: z.number().int().min(1).default(1),
  progress: z.object({ employees: z.number(), chunksDone: z.number(), chunksTotal: z.number().nullable() }),
  invalidRows: z.number(),
  /**
   * Matching to Glint's roster (issue 15; shared/domain/matching.ts): Glint employees matched to a
   * person with data in the window, those matched only through an alternate identifier, active Glint
   * employees without data, and persons with data matching no one. Without a roster, persons match by
   * the shared key alone: matchedEmployees counts the persons with data and the others are null
   * (unknown, not zero). A new roster re-counts the cycles' current runs.
   */
  matchedEmployees: z.number(),
  matchedByAlternateId: z.number().nullable().default(null),
  unmatchedGlintEmployees: z.number().nullable(),
  unmatchedInsightsPersons: z.number().nullable(),
  /** Import runs: what the data-quality rules did; absent when every rule was off (or the run has not pulled yet). */
  dataQuality: dataQualityFigures.optional(),
  queuedAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  error: z.string().nullable(),
});
export type StoredRun = z.infer<typeof storedRun>;

/** The import run whose data reports read for a cycle, and whether the cycle is final (SPEC section 9). */
export const storedCycleState = z.object({
  programId: z.string(),
  cycleId: z.string(),
  currentRunId: z.string(),
  currentRunDate: dateSchema,
  final: z.boolean(),
  updatedAt: timestampSchema,
});
export type StoredCycleState = z.infer<typeof storedCycleState>;
export const cycleStateKey = (programId: string, cycleId: string) => `cycle:${programId}:${cycleId}`;

export const cycleImportState = z.object({
  lastRunId: z.string().nullable(),
  lastRunDate: dateSchema.nullable(),
  status: z.enum(['none', 'queued', 'running', 'succeeded', 'failed', 'cancelled']),
  final: z.boolean(),
});

export const programView = z.object({
  programId: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  enabledAt: timestampSchema.nullable(),
  cycles: z.array(cycleSchema.extend({ importState: cycleImportState })),
  updatedAt: timestampSchema,
});

export const runsAccepted = z.object({ runs: z.array(z.object({ runId: z.string(), kind: z.string(), programId: z.string().nullable(), cycleId: z.string().nullable(), runDate: z.string().nullable() })) });

// ---- insights source ----
export const sourceBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('odata'), url: z.url(), employeeKeyColumn: z.string().trim().min(1).max(128).optional() }),
  z.strictObject({ type: z.literal('file'), name: z.string().min(1).max(300), employeeKeyColumn: z.string().trim().min(1).max(128).optional() }),
]);
export const storedSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('odata'), url: z.string(), employeeKeyColumn: z.string(), updatedAt: timestampSchema }),
  z.object({ type: z.literal('file'), name: z.string(), employeeKeyColumn: z.string(), updatedAt: timestampSchema }),
]);
export type StoredSource = z.infer<typeof storedSource>;
export const exportFileView = z.object({ name: z.string(), bytes: z.number().int(), uploadedAt: timestampSchema });

// ---- confidentiality ----
export const confidentialitySchema = z.strictObject({
  minResponses: z.number().int(),
  suppression: z.number().int(),
  minCommentResponses: z.number().int(),
  insightsMinGroupSize: z.number().int(),
});
export type Confidentiality = z.infer<typeof confidentialitySchema>;
export const storedConfidentiality = confidentialitySchema;
export const defaultConfidentiality: Confidentiality = { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 };

// ---- audit ----
export const storedAudit = z.object({
  at: timestampSchema,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type StoredAudit = z.infer<typeof storedAudit>;
export const auditPage = z.object({ entries: z.array(storedAudit), continuationToken: z.string().nullable() });
