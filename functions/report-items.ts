import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { itemReport } from '../shared/reports/read';
import { filterSchema, itemReportView } from '../shared/reports/contract';

export const reportItems = defineRoute({
  name: 'reportItems',
  method: 'GET',
  route: 'reports/programs/{programId}/cycles/{cycleId}/items',
  tag: 'Reports',
  summary: 'Item scores of the employees in one bucket (needs reportFilters on the attribute)',
  audiences: ['authenticated'],
  params: z.object({ programId: idSchema, cycleId: idSchema }),
  query: z.strictObject({ filter: filterSchema }),
  responses: { 200: { description: 'The group\'s item scores; null where confidentiality withholds them', schema: itemReportView } },
  errors: [404, 409],
  handler: async ({ services, principal, params, query }) => ({ status: 200, body: await itemReport(services, principal, params.programId, params.cycleId, query.filter) }),
});
