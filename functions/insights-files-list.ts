import { z } from 'zod';
import { exportFileView } from '../shared/admin/contract';
import { listInsightsFiles } from '../shared/admin/insights-files';
import { defineRoute } from '../shared/http/route';

export const insightsFilesList = defineRoute({
  name: 'insightsFilesList',
  method: 'GET',
  route: 'insights-files',
  tag: 'Settings',
  summary: 'The organization’s uploaded person-query exports',
  audiences: ['glintAdmin'],
  responses: { 200: { description: 'The files, by name', schema: z.object({ files: z.array(exportFileView) }) } },
  handler: async ({ services, principal }) => ({ status: 200, body: await listInsightsFiles(services, principal) }),
});
