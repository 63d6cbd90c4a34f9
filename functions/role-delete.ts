import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { deleteRole } from '../shared/admin/roles';

export const roleDelete = defineRoute({
  name: 'roleDelete',
  method: 'DELETE',
  route: 'roles/{roleId}',
  tag: 'Roles',
  summary: 'Delete a role; it is also removed from every attribute',
  audiences: ['glintAdmin', 'platform'],
  params: z.object({ roleId: idSchema }),
  responses: { 204: { description: 'Deleted' } },
  errors: [404, 409],
  handler: async ({ services, principal, params }) => {
    await deleteRole(services, principal, params.roleId);
    return { status: 204 };
  },
});
