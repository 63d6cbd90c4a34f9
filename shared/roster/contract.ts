import { z } from 'zod';
import { timestampSchema } from '../storage/tenant-rows';
import { emailDomain } from '../domain/identifiers';
import { unmatchedReasons } from '../domain/matching';
import { isWellFormedText } from '../domain/identifiers';

// Glint's roster (issue 15): what the platform sends per employee, what is stored, and what the
// administrator reads back. Diagnostics name the administrator's own employees and their reasons;
// they never carry a metric value.

export const maxRosterEmployees = 500_000;
const maxOtherEmails = 10;

const identifier = z.string().trim().min(1).max(256).refine(isWellFormedText, 'must be valid Unicode (no lone surrogate)');
const email = identifier.refine((text) => emailDomain(text) !== null, 'must be an email address (name@domain)');

/** One employee, a line of NDJSON or a CSV row (otherEmails separated by ";" there). */
export const rosterRow = z.strictObject({
  employeeKey: identifier,
  email,
  status: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['active', 'inactive'])),
  entraObjectId: identifier.optional(),
  upn: identifier.optional(),
  otherEmails: z.array(email).max(maxOtherEmails).optional(),
});
export type RosterRow = z.infer<typeof rosterRow>;

export const rosterUploaded = z.object({ employees: z.number().int(), active: z.number().int(), inactive: z.number().int(), uploadedAt: timestampSchema, rematchRunId: z.string() });
export type RosterUploaded = z.infer<typeof rosterUploaded>;

const rosterInfo = z.object({ employees: z.number().int(), active: z.number().int(), uploadedAt: timestampSchema }).nullable();

const reasonCounts = z.object(Object.fromEntries(unmatchedReasons.map((r) => [r, z.number().int()])) as Record<(typeof unmatchedReasons)[number], z.ZodNumber>);

export const diagnosticsView = z.object({
  runId: z.string(),
  programId: z.string(),
  cycleId: z.string(),
  roster: rosterInfo.describe('The roster the diagnostics were computed with (the current one); null when none was uploaded.'),
  counts: z.object({
    measuredEmployees: z.number().int().describe('Distinct persons with Insights data in the window'),
    matchedEmployees: z.number().int(),
    matchedByAlternateId: z.number().int(),
    unmatchedGlintEmployees: z.number().int().describe('Active Glint employees without Insights data in the window'),
    unmatchedInsightsPersons: z.number().int().describe('Persons with data in the window matching no active Glint employee'),
  }),
  reasons: reasonCounts.describe('Unmatched Glint employees (active or not) by their reason'),
  unmatched: z.array(z.object({ employeeKey: z.string(), email: z.string(), status: z.enum(['active', 'inactive']), reason: z.enum(unmatchedReasons) })),
  nextAfter: z.string().nullable().describe('Pass as `after` for the next page; null on the last'),
});
export type DiagnosticsView = z.infer<typeof diagnosticsView>;

export const diagnosticsQuery = z.strictObject({
  after: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const rosterSummaryView = z.object({
  roster: rosterInfo,
  latestRunId: z.string().nullable().describe('The import run of the latest window (the latest run date among the cycles’ current runs)'),
  measuredEmployees: z.number().int().nullable().describe('Distinct persons with Insights data in the latest window'),
  matchedEmployees: z.number().int().nullable(),
  unmatchedGlintEmployees: z.number().int().nullable(),
});
export type RosterSummaryView = z.infer<typeof rosterSummaryView>;
