import { z } from 'zod';
import { exportFileView } from '../shared/admin/contract';
import { uploadInsightsFile } from '../shared/admin/insights-files';
import { defineRoute } from '../shared/http/route';

export const insightsFilePut = defineRoute({
  name: 'insightsFilePut',
  method: 'PUT',
  route: 'insights-files/{name}',
  tag: 'Settings',
  summary: 'Upload a Viva Insights person-query export (CSV or JSON) for the file source',
  audiences: ['glintAdmin'],
  params: z.object({ name: z.string().max(255) }),
  streamBody: {
    mediaTypes: ['text/csv', 'application/json', 'application/octet-stream'],
    description: 'The export as Viva Insights writes it; it must have the employee key column of the Insights source (PersonId by default) and MetricDate.',
  },
  maxBodyBytes: (services) => services.settings.INSIGHTS_FILE_MAX_BYTES,
  responses: { 200: { description: 'Replaced', schema: exportFileView }, 201: { description: 'Stored', schema: exportFileView } },
  errors: [413, 422],
  handler: async ({ services, principal, params, bodyStream }) => {
    const { file, created } = await uploadInsightsFile(services, principal, params.name, bodyStream);
    return { status: created ? 201 : 200, body: file };
  },
});
