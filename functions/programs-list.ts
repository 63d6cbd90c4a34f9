import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { programView } from '../shared/admin/contract';
import { listPrograms } from '../shared/admin/programs';

export const programsList = defineRoute({
  name: 'programsList',
  method: 'GET',
  route: 'programs',
  tag: 'Programs',
  summary: 'The survey programs of the tenant',
  audiences: ['glintAdmin', 'platform'],
  responses: { 200: { description: 'The programs', schema: z.object({ programs: z.array(programView) }) } },
  handler: async ({ services, principal }) => ({ status: 200, body: { programs: await listPrograms(services, principal) } }),
});
