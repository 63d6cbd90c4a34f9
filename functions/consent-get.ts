import { z } from 'zod';
import { defineRoute } from '../shared/http/route';
import { consentView } from '../shared/admin/contract';
import { getConsent } from '../shared/admin/consent';

export const consentGet = defineRoute({
  name: 'consentGet',
  method: 'GET',
  route: 'consent',
  tag: 'Consent',
  summary: 'Consent status and the current agreement version',
  audiences: ['globalAdmin', 'glintAdmin'],
  responses: { 200: { description: 'The consent of the tenant', schema: consentView.extend({ adminConsentUrl: z.url().nullable().describe('Entra ID admin consent for the app that reads Viva Insights in your tenant (null when the deployment reads it otherwise)') }) } },
  handler: async ({ services, principal }) => ({ status: 200, body: await getConsent(services, principal) }),
});
