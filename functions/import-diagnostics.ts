import { z } from 'zod';
import { defineRoute } from '../shared/http/route';
import { importDiagnostics } from '../shared/roster/diagnostics';
import { diagnosticsQuery, diagnosticsView } from '../shared/roster/contract';

export const importDiagnosticsGet = defineRoute({
  name: 'importDiagnosticsGet',
  method: 'GET',
  route: 'imports/{runId}/diagnostics',
  tag: 'Imports',
  summary: 'Why Glint employees have no Insights data in a run: counts per reason and the unmatched employees, a page at a time',
  audiences: ['glintAdmin'],
  params: z.object({ runId: z.string().regex(/^[A-Za-z0-9-]{1,80}$/) }),
  query: diagnosticsQuery,
  responses: { 200: { description: 'The diagnostics, with the current roster', schema: diagnosticsView } },
  errors: [404, 409],
  handler: async ({ services, principal, params, query }) => ({ status: 200, body: await importDiagnostics(services, principal, params.runId, query) }),
});
