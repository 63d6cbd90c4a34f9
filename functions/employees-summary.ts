import { defineRoute } from '../shared/http/route';
import { rosterSummary } from '../shared/roster/diagnostics';
import { rosterSummaryView } from '../shared/roster/contract';

export const employeesSummaryGet = defineRoute({
  name: 'employeesSummaryGet',
  method: 'GET',
  route: 'employees/summary',
  tag: 'Imports',
  summary: 'Employees measured by Viva Insights in the latest window, and how many match Glint’s roster',
  audiences: ['glintAdmin'],
  responses: { 200: { description: 'The summary', schema: rosterSummaryView } },
  handler: async ({ services, principal }) => ({ status: 200, body: await rosterSummary(services, principal) }),
});
