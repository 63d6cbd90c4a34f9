import { defineRoute } from '../shared/http/route';
import { consentView } from '../shared/admin/contract';
import { revokeConsent } from '../shared/admin/consent';

export const consentDelete = defineRoute({
  name: 'consentDelete',
  method: 'DELETE',
  route: 'consent',
  tag: 'Consent',
  summary: 'Revoke consent: no new imports, queued and running work is cancelled',
  audiences: ['globalAdmin'],
  responses: { 200: { description: 'Sharing is off', schema: consentView } },
  errors: [404, 409],
  handler: async ({ services, principal }) => ({ status: 200, body: await revokeConsent(services, principal) }),
});
