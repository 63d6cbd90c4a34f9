import { z } from 'zod';
import { retryImport } from '../shared/admin/programs';
import { runsAccepted } from '../shared/admin/contract';
import { defineRoute } from '../shared/http/route';

export const importRetry = defineRoute({
  name: 'importRetry',
  method: 'POST',
  route: 'imports/{runId}/retry',
  tag: 'Imports',
  summary: 'Retry a failed or cancelled import as a fresh attempt (its values never mix with the earlier attempt’s)',
  audiences: ['glintAdmin'],
  params: z.object({ runId: z.string().max(200) }),
  responses: { 202: { description: 'The attempt queued', schema: runsAccepted } },
  errors: [404, 409],
  handler: async ({ services, principal, params }) => ({ status: 202, body: await retryImport(services, principal, params.runId) }),
});
