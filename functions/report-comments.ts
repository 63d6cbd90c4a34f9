import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { commentReport } from '../shared/reports/read';
import { commentReportView, filterSchema } from '../shared/reports/contract';

export const reportComments = defineRoute({
  name: 'reportComments',
  method: 'GET',
  route: 'reports/programs/{programId}/cycles/{cycleId}/comments',
  tag: 'Reports',
  summary: 'Comments of the employees in one bucket, a page at a time (needs commentFilters on the attribute)',
  audiences: ['authenticated'],
  params: z.object({ programId: idSchema, cycleId: idSchema }),
  query: z.strictObject({ filter: filterSchema, continuationToken: z.string().regex(/^\d{1,6}$/, 'must be a token from a previous page').optional() }),
  responses: { 200: { description: 'Comments by item, then text; none when the group is under the comment threshold', schema: commentReportView } },
  errors: [404, 409],
  handler: async ({ services, principal, params, query }) => ({
    status: 200,
    body: await commentReport(services, principal, params.programId, params.cycleId, query.filter, query.continuationToken),
  }),
});
