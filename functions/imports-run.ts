import { z } from 'zod';
import { storedRun } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { runScheduleNow } from '../shared/pipeline/imports';

export const importsRun = defineRoute({
  name: 'importsRun',
  method: 'POST',
  route: 'imports/run',
  tag: 'Imports',
  summary: "Run today's Sunday schedule for the tenant now",
  audiences: ['glintAdmin'],
  responses: { 202: { description: 'The runs queued (none when nothing is due)', schema: z.object({ runs: z.array(storedRun) }) } },
  errors: [409],
  handler: async ({ services, principal }) => ({ status: 202, body: { runs: await runScheduleNow(services, principal) } }),
});
