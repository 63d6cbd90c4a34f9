import { z } from 'zod';
import { idSchema } from '../shared/storage/tenant-rows';
import { defineRoute } from '../shared/http/route';
import { putItems } from '../shared/survey/ingest';
import { itemsBody, itemsView } from '../shared/survey/contract';

export const cycleItemsPut = defineRoute({
  name: 'cycleItemsPut',
  method: 'PUT',
  route: 'programs/{programId}/cycles/{cycleId}/items',
  tag: 'Survey data',
  summary: "Set a cycle's survey items (replacing them)",
  audiences: ['platform'],
  params: z.object({ programId: idSchema, cycleId: idSchema }),
  body: itemsBody,
  responses: { 200: { description: 'Replaced', schema: itemsView }, 201: { description: 'Created', schema: itemsView } },
  errors: [404, 422],
  handler: async ({ services, principal, params, body }) => {
    const { items, created } = await putItems(services, principal, params.programId, params.cycleId, body.items);
    return { status: created ? 201 : 200, body: items };
  },
});
