import { z } from 'zod';
import { deleteInsightsFile } from '../shared/admin/insights-files';
import { defineRoute } from '../shared/http/route';

export const insightsFileDelete = defineRoute({
  name: 'insightsFileDelete',
  method: 'DELETE',
  route: 'insights-files/{name}',
  tag: 'Settings',
  summary: 'Delete an uploaded person-query export',
  audiences: ['glintAdmin'],
  params: z.object({ name: z.string().max(255) }),
  responses: { 204: { description: 'Deleted' } },
  errors: [404],
  handler: async ({ services, principal, params }) => {
    await deleteInsightsFile(services, principal, params.name);
    return { status: 204 };
  },
});
