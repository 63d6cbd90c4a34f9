import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { runsAccepted } from '../shared/admin/contract';
import { disableProgram } from '../shared/admin/programs';

export const programDisable = defineRoute({
  name: 'programDisable',
  method: 'DELETE',
  route: 'programs/{programId}/enable',
  tag: 'Programs',
  summary: 'Stop a program’s imports and delete its imported data',
  audiences: ['glintAdmin'],
  params: z.object({ programId: idSchema }),
  responses: { 202: { description: 'Disabled; deletion queued', schema: runsAccepted } },
  errors: [404, 409],
  handler: async ({ services, principal, params }) => ({ status: 202, body: await disableProgram(services, principal, params.programId) }),
});
