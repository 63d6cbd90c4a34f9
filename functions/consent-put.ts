import { defineRoute } from '../shared/http/route';
import { consentBody, consentView } from '../shared/admin/contract';
import { grantConsent } from '../shared/admin/consent';

export const consentPut = defineRoute({
  name: 'consentPut',
  method: 'PUT',
  route: 'consent',
  tag: 'Consent',
  summary: 'Consent to share Viva Insights data with Glint',
  audiences: ['globalAdmin'],
  body: consentBody,
  responses: { 200: { description: 'Sharing is on', schema: consentView } },
  errors: [422],
  handler: async ({ services, principal, body }) => ({ status: 200, body: await grantConsent(services, principal, body.agreementVersion) }),
});
