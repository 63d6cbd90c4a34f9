import { z } from 'zod';
import { storedRun } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { getRun } from '../shared/pipeline/imports';

export const importGet = defineRoute({
  name: 'importGet',
  method: 'GET',
  route: 'imports/{runId}',
  tag: 'Imports',
  summary: 'One run, with its live progress',
  audiences: ['glintAdmin'],
  params: z.object({ runId: z.string().regex(/^[A-Za-z0-9-]{1,80}$/) }),
  responses: { 200: { description: 'The run', schema: storedRun } },
  errors: [404],
  handler: async ({ services, principal, params }) => ({ status: 200, body: await getRun(services, principal, params.runId) }),
});
