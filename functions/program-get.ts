import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { programView } from '../shared/admin/contract';
import { getProgram } from '../shared/admin/programs';

export const programGet = defineRoute({
  name: 'programGet',
  method: 'GET',
  route: 'programs/{programId}',
  tag: 'Programs',
  summary: 'One program, with whether it is enabled and each cycle’s import state',
  audiences: ['glintAdmin', 'platform'],
  params: z.object({ programId: idSchema }),
  responses: { 200: { description: 'The program', schema: programView } },
  errors: [404],
  handler: async ({ services, principal, params }) => ({ status: 200, body: await getProgram(services, principal, params.programId) }),
});
