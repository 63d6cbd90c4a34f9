import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { roleView } from '../shared/admin/contract';
import { listRoles } from '../shared/admin/roles';

export const rolesList = defineRoute({
  name: 'rolesList',
  method: 'GET',
  route: 'roles',
  tag: 'Roles',
  summary: 'The Glint user roles of the tenant',
  audiences: ['glintAdmin', 'platform'],
  responses: { 200: { description: 'The roles', schema: z.object({ roles: z.array(roleView) }) } },
  handler: async ({ services, principal }) => ({ status: 200, body: { roles: await listRoles(services, principal) } }),
});
