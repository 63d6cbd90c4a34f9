import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { programBody, programView } from '../shared/admin/contract';
import { putProgram } from '../shared/admin/programs';

export const programPut = defineRoute({
  name: 'programPut',
  method: 'PUT',
  route: 'programs/{programId}',
  tag: 'Programs',
  summary: 'Create or replace a survey program and its cycles',
  audiences: ['glintAdmin', 'platform'],
  params: z.object({ programId: idSchema }),
  body: programBody,
  responses: { 200: { description: 'Replaced', schema: programView }, 201: { description: 'Created', schema: programView } },
  errors: [409, 422],
  handler: async ({ services, principal, params, body }) => {
    const { program, created } = await putProgram(services, principal, params.programId, body);
    return { status: created ? 201 : 200, body: program };
  },
});
