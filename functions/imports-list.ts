import { z } from 'zod';
import { idSchema, storedRun } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { listRuns } from '../shared/pipeline/imports';

export const importsList = defineRoute({
  name: 'importsList',
  method: 'GET',
  route: 'imports',
  tag: 'Imports',
  summary: 'Import and reprocessing runs, newest first',
  audiences: ['glintAdmin'],
  query: z.strictObject({ programId: idSchema.optional(), cycleId: idSchema.optional() }),
  responses: { 200: { description: 'The runs', schema: z.object({ runs: z.array(storedRun) }) } },
  handler: async ({ services, principal, query }) => ({ status: 200, body: { runs: await listRuns(services, principal, query) } }),
});
