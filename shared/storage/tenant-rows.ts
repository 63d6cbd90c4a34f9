import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isCalendarDate } from '../domain/weeks';
import type { Stored, Write } from './tenant-store';

// The map of a tenant's partition in the configuration table (tenant-store.ts): every kind of row, its
// key and the zod schema it is read back with, in one place. Nothing else spells a row key. The other
// tables (values, responses, comments, history, roster and person pages) are each owned by their one
// adapter in this folder, which builds its own keys.
//
// Keys are `<kind>:<id>…`; ids that reach a key are checked by `idSchema` first.

/** Ids that become part of a Table Storage key: no `/ \ # ?`, no control characters, bounded. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/, 'must be 1-128 characters: letters, digits, ".", "_", "~", "-", starting with a letter or digit');
export const dateSchema = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
export const timestampSchema = z.string();

/** One row: its key and the shape it holds. */
export interface RowRef<T> {
  readonly key: string;
  readonly schema: z.ZodType<T>;
}

/** The rows whose keys start with `prefix`, all of one shape. */
export interface RowRange<T> {
  readonly prefix: string;
  readonly schema: z.ZodType<T>;
}

const row = <T>(key: string, schema: z.ZodType<T>): RowRef<T> => ({ key, schema });
const range = <T>(prefix: string, schema: z.ZodType<T>): RowRange<T> => ({ prefix, schema });

// ---- shapes ----

export const storedConsent = z.object({
  status: z.enum(['granted', 'revoked']),
  agreementVersion: z.string(),
  grantedBy: z.string(),
  grantedAt: timestampSchema,
  revokedBy: z.string().nullable(),
  revokedAt: timestampSchema.nullable(),
});
export type StoredConsent = z.infer<typeof storedConsent>;

export const permissionsSchema = z.strictObject({ reportFilters: z.boolean(), reportSections: z.boolean(), commentFilters: z.boolean() });
export type Permissions = z.infer<typeof permissionsSchema>;
export const permissionFlags = ['reportFilters', 'reportSections', 'commentFilters'] as const;
export const storedRole = z.object({ roleId: z.string(), name: z.string(), permissions: permissionsSchema, updatedAt: timestampSchema });
export type StoredRole = z.infer<typeof storedRole>;

export const attributeRoleSchema = z.strictObject({ roleId: idSchema, ...permissionsSchema.shape });
export type AttributeRole = z.infer<typeof attributeRoleSchema>;
export const maxSchema = z.tuple([z.number(), z.number(), z.number()]);
export const storedAttribute = z.object({
  metricId: z.string(),
  roles: z.array(attributeRoleSchema),
  max: maxSchema,
  customized: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type StoredAttribute = z.infer<typeof storedAttribute>;

export const storedProgram = z.object({
  programId: z.string(),
  name: z.string(),
  cycles: z.array(z.object({ cycleId: z.string(), name: z.string(), startDate: z.string(), endDate: z.string() })),
  enabled: z.boolean(),
  enabledAt: timestampSchema.nullable(),
  updatedAt: timestampSchema,
});
export type StoredProgram = z.infer<typeof storedProgram>;

export const storedSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('odata'), url: z.string(), employeeKeyColumn: z.string(), updatedAt: timestampSchema }),
  z.object({ type: z.literal('file'), name: z.string(), employeeKeyColumn: z.string(), updatedAt: timestampSchema }),
]);
export type StoredSource = z.infer<typeof storedSource>;

export const confidentialitySchema = z.strictObject({
  minResponses: z.number().int(),
  suppression: z.number().int(),
  minCommentResponses: z.number().int(),
  insightsMinGroupSize: z.number().int(),
});
export type Confidentiality = z.infer<typeof confidentialitySchema>;
export const defaultConfidentiality: Confidentiality = { minResponses: 5, suppression: 2, minCommentResponses: 10, insightsMinGroupSize: 5 };

// The data-quality rules of domain/data-quality.ts.
const sdSchema = z.number().describe('Standard deviations below the mean');
export const dataQualitySchema = z.strictObject({
  holidayWeeks: z.strictObject({ enabled: z.boolean(), sd: sdSchema }),
  inactiveWeeks: z.strictObject({ enabled: z.boolean(), sd: sdSchema }),
  nonKnowledgeWorkers: z.strictObject({ enabled: z.boolean(), minHours: z.number().describe('Mean weekly Collaboration hours below which a person is left out') }),
});
export const storedDataQuality = dataQualitySchema.extend({ updatedAt: timestampSchema });
export type StoredDataQuality = z.infer<typeof storedDataQuality>;

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

/** The work a change asks the pipeline to do (shared/work/runs.ts). */
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

/** Which bucket chunks of one import attempt are done, as a bit set (shared/pipeline/chunk-progress.ts). */
export const storedChunkProgress = z.object({ done: z.string(), count: z.number().int().min(0) });
export type StoredChunkProgress = z.infer<typeof storedChunkProgress>;

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

export const storedAudit = z.object({
  at: timestampSchema,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type StoredAudit = z.infer<typeof storedAudit>;

// A survey cycle's items, as the Glint platform sends them (SPEC section 13).
export const scaleSchema = z.strictObject({
  min: z.number().int(),
  max: z.number().int(),
  favorableMin: z.number().int(),
});
export const itemSchema = z.strictObject({
  itemId: idSchema,
  text: z.string().min(1).max(300),
  label: z.string().min(1).max(100),
  category: z.string().min(1).max(100),
  scale: scaleSchema,
});
export type SurveyItem = z.infer<typeof itemSchema>;
export const storedItems = z.object({ programId: z.string(), cycleId: z.string(), items: z.array(itemSchema), updatedAt: timestampSchema });
export type StoredItems = z.infer<typeof storedItems>;

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
  /** The report-refresh message computing the cycle now, and until when it may (shared/reports/refresh.ts). */
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

/** The tenant's current roster: which generation of pages readers read (one row, switched in one write). */
export const storedRosterPointer = z.object({
  generation: z.string(),
  pages: z.number().int().min(0),
  employees: z.number().int(),
  active: z.number().int(),
  uploadedAt: timestampSchema,
});
export type StoredRosterPointer = z.infer<typeof storedRosterPointer>;

// ---- the rows ----

// Newest first in key order: the audit key starts with the time counted down from year 2286.
const maxMs = 9_999_999_999_999;

export const tenantRows = {
  consent: row('consent', storedConsent),
  source: row('source', storedSource),
  confidentiality: row('settings:confidentiality', confidentialitySchema),
  dataQuality: row('settings:data-quality', storedDataQuality),
  roster: row('roster', storedRosterPointer),
  role: (roleId: string) => row(`role:${roleId}`, storedRole),
  attribute: (metricId: string) => row(`attribute:${metricId}`, storedAttribute),
  program: (programId: string) => row(`program:${programId}`, storedProgram),
  cycleState: (programId: string, cycleId: string) => row(`cycle:${programId}:${cycleId}`, storedCycleState),
  items: (programId: string, cycleId: string) => row(`items:${programId}:${cycleId}`, storedItems),
  reportState: (programId: string, cycleId: string) => row(`reportstate:${programId}:${cycleId}`, storedReportState),
  attributeReport: (programId: string, cycleId: string, metricId: string) => row(`report:${programId}:${cycleId}:${metricId}`, storedAttributeReport),
  run: (runId: string) => row(`run:${runId}`, storedRun),
  /** Import attempt `dataRunId`'s chunk count row `slot` (chunk-progress.ts spreads the count over 16). */
  chunkProgress: (dataRunId: string, slot: number) => row(`chunks:${dataRunId}:${slot.toString(16).padStart(2, '0')}`, storedChunkProgress),
  audit: (at: Date) => row(`audit:${String(maxMs - at.getTime()).padStart(13, '0')}:${randomUUID()}`, storedAudit),
} as const;

export const tenantRanges = {
  roles: range('role:', storedRole),
  attributes: range('attribute:', storedAttribute),
  items: range('items:', storedItems),
  programs: range('program:', storedProgram),
  /** Every cycle's state, or one program's. */
  cycleStates: (programId?: string) => range(programId ? `cycle:${programId}:` : 'cycle:', storedCycleState),
  reportStates: range('reportstate:', storedReportState),
  attributeReports: (programId: string, cycleId: string) => range(`report:${programId}:${cycleId}:`, storedAttributeReport),
  runs: range('run:', storedRun),
  chunkProgress: (dataRunId: string) => range(`chunks:${dataRunId}:`, storedChunkProgress),
  audit: range('audit:', storedAudit),
} as const;

// ---- writes ----

/** Writes `value` to the row: created when `current` says it does not exist, else replaced under its ETag. */
export function put<T>(ref: RowRef<T>, current: Stored<T> | undefined, value: T): Write {
  return current ? { op: 'replace', rowKey: ref.key, etag: current.etag, value } : { op: 'create', rowKey: ref.key, value };
}

/** Creates the row; the transaction fails if it exists. */
export function create<T>(ref: RowRef<T>, value: T): Write {
  return { op: 'create', rowKey: ref.key, value };
}

/** Replaces a row read earlier, under the ETag it was read with. */
export function replace<T>(current: Stored<T>, value: T): Write {
  return { op: 'replace', rowKey: current.rowKey, etag: current.etag, value };
}

/** Writes the row whatever it holds (for rows with one writer, whose last write wins by design). */
export function upsert<T>(ref: RowRef<T>, value: T): Write {
  return { op: 'upsert', rowKey: ref.key, value };
}

export function remove(row: { rowKey: string } | RowRef<unknown>): Write {
  return { op: 'delete', rowKey: 'rowKey' in row ? row.rowKey : row.key };
}
