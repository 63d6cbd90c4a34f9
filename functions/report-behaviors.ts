import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { behaviorReport } from '../shared/reports/read';
import { behaviorReportView } from '../shared/reports/contract';

export const reportBehaviors = defineRoute({
  name: 'reportBehaviors',
  method: 'GET',
  route: 'reports/programs/{programId}/cycles/{cycleId}/behaviors/{metricId}',
  tag: 'Reports',
  summary: 'Sentiment by behavior: every bucket of one attribute and "No data" (needs reportSections on the attribute)',
  audiences: ['authenticated'],
  params: z.object({ programId: idSchema, cycleId: idSchema, metricId: z.string().max(64) }),
  responses: { 200: { description: 'One group per bucket and "No data"; numbers are null unless status is ok', schema: behaviorReportView } },
  errors: [404, 409],
  handler: async ({ services, principal, params }) => ({ status: 200, body: await behaviorReport(services, principal, params.programId, params.cycleId, params.metricId) }),
});
