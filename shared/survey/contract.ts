import { isWellFormedText } from '../domain/identifiers';
import { z } from 'zod';
import { idSchema, itemSchema } from '../storage/tenant-rows';

// What the Glint platform sends about a survey cycle (SPEC section 13): its items, and the responses.
// Shapes only; the rules that need the stored items (score inside the scale) are checked in ingest.

export const maxItemsPerCycle = 100;
export const maxCommentChars = 10_000;

export const itemsBody = z.strictObject({ items: z.array(itemSchema).min(1).max(maxItemsPerCycle) });
export const itemsView = z.object({ programId: z.string(), cycleId: z.string(), items: z.array(itemSchema), updatedAt: z.string() });

export const responseSchema = z.strictObject({
  // A lone surrogate cannot be stored in a table key (nor matched to anyone): not a key.
  employeeKey: z.string().trim().min(1).max(256).refine(isWellFormedText, 'must be valid Unicode (no lone surrogate)'),
  itemId: idSchema,
  score: z.number().int(),
  comment: z.string().max(maxCommentChars).optional(),
});
export type SurveyResponse = z.infer<typeof responseSchema>;

export const ingestResult = z.object({ accepted: z.number().int() });
export type IngestResult = z.infer<typeof ingestResult>;
