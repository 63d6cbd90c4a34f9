import { z } from 'zod';
import { attributeRoleSchema, dataQualitySchema, dateSchema, idSchema, maxSchema, permissionsSchema, storedAudit, storedRole, timestampSchema } from '../storage/tenant-rows';

// Shapes of what the configuration API accepts and answers (what it stores: storage/tenant-rows.ts).
// Shape errors are 400s; the product's rules (ranges increasing, dates in order, ...) are checked by
// the use cases and answer 422, so the schemas here check shape only.

// ---- consent ----
export const currentAgreementVersion = 'Microsoft Viva Preview Agreement 2024-10';

export const consentView = z.object({
  status: z.enum(['none', 'granted', 'revoked']),
  agreementVersion: z.string().describe('The current agreement version; PUT must accept this one.'),
  grantedBy: z.string().nullable(),
  grantedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
});

export const consentBody = z.strictObject({ accept: z.literal(true), agreementVersion: z.string().min(1) });

// ---- roles ----
export const roleBody = z.strictObject({ name: z.string().trim().min(1).max(200), permissions: permissionsSchema });
export const roleView = storedRole;

// ---- attributes ----
export const attributeCreateBody = z.strictObject({ metricId: z.string().min(1).max(64), roles: z.array(attributeRoleSchema).max(500) });
export const attributePatchBody = z.strictObject({ roles: z.array(attributeRoleSchema).max(500) });
export const rangesBody = z.strictObject({ max: maxSchema });

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
export const exportFileView = z.object({ name: z.string(), bytes: z.number().int(), uploadedAt: timestampSchema });

// ---- data quality (domain/data-quality.ts) ----
export const dataQualityView = dataQualitySchema.extend({ updatedAt: timestampSchema.nullable() });

// ---- audit ----
export const auditPage = z.object({ entries: z.array(storedAudit), continuationToken: z.string().nullable() });
