import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { roleBody, roleView } from '../shared/admin/contract';
import { putRole } from '../shared/admin/roles';

export const rolePut = defineRoute({
  name: 'rolePut',
  method: 'PUT',
  route: 'roles/{roleId}',
  tag: 'Roles',
  summary: 'Create or replace a Glint user role and its own permissions',
  audiences: ['glintAdmin', 'platform'],
  params: z.object({ roleId: idSchema }),
  body: roleBody,
  responses: { 200: { description: 'Replaced', schema: roleView }, 201: { description: 'Created', schema: roleView } },
  errors: [409, 422],
  handler: async ({ services, principal, params, body }) => {
    const { role, created } = await putRole(services, principal, params.roleId, body);
    return { status: created ? 201 : 200, body: role };
  },
});
