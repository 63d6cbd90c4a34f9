import { defineRoute } from '../shared/http/route';
import { runsAccepted } from '../shared/admin/contract';
import { resync } from '../shared/admin/programs';

export const resyncPost = defineRoute({
  name: 'resyncPost',
  method: 'POST',
  route: 'resync',
  tag: 'Programs',
  summary: 'Re-import every cycle that has imported data, keeping the configuration',
  audiences: ['glintAdmin'],
  responses: { 202: { description: 'Imports queued', schema: runsAccepted } },
  errors: [409, 422],
  handler: async ({ services, principal }) => ({ status: 202, body: await resync(services, principal) }),
});
