import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { ingestResponses } from '../shared/survey/ingest';
import { ingestResult, responseSchema } from '../shared/survey/contract';

export const cycleResponsesPost = defineRoute({
  name: 'cycleResponsesPost',
  method: 'POST',
  route: 'programs/{programId}/cycles/{cycleId}/responses',
  tag: 'Survey data',
  summary: 'Add or replace survey responses (a JSON array or NDJSON; all or nothing)',
  audiences: ['platform'],
  params: z.object({ programId: idSchema, cycleId: idSchema }),
  textBody: {
    schema: responseSchema,
    mediaTypes: ['application/json', 'application/x-ndjson'],
    description: 'A JSON array of responses, or one response per line (NDJSON). Re-posting an (employeeKey, itemId) replaces it.',
  },
  maxBodyBytes: 8 * 1024 * 1024,
  responses: { 200: { description: 'Stored', schema: ingestResult } },
  errors: [404, 413, 422],
  handler: async ({ services, principal, params, text }) => ({ status: 200, body: await ingestResponses(services, principal, params.programId, params.cycleId, text) }),
});
