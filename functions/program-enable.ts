import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { runsAccepted } from '../shared/admin/contract';
import { enableProgram } from '../shared/admin/programs';

export const programEnable = defineRoute({
  name: 'programEnable',
  method: 'POST',
  route: 'programs/{programId}/enable',
  tag: 'Programs',
  summary: 'Enable imports for a program and backfill its latest two cycles',
  audiences: ['glintAdmin'],
  params: z.object({ programId: idSchema }),
  responses: { 202: { description: 'Enabled; backfill imports queued', schema: runsAccepted } },
  errors: [404, 409],
  handler: async ({ services, principal, params }) => ({ status: 202, body: await enableProgram(services, principal, params.programId) }),
});
