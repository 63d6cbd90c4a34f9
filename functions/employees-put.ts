import { defineRoute } from '../shared/http/route';
import { rosterUploaded } from '../shared/roster/contract';
import { uploadRoster } from '../shared/roster/upload';

export const employeesPut = defineRoute({
  name: 'employeesPut',
  method: 'PUT',
  route: 'employees',
  tag: 'Survey data',
  summary: "Replace Glint's roster of the tenant's employees (NDJSON or CSV; all or nothing)",
  audiences: ['platform'],
  streamBody: {
    mediaTypes: ['application/x-ndjson', 'text/csv'],
    description:
      'One employee per line: NDJSON `{employeeKey, email, status: "active"|"inactive", entraObjectId?, upn?, otherEmails?: [..]}`, or CSV with a header naming employeeKey, email, status and optionally entraObjectId, upn, otherEmails (separated by ";"). Replaces the whole roster at once; imported cycles are matched to it again by themselves.',
  },
  // The most an Azure Functions HTTP request may carry: room for 300,000 employees of 300 bytes.
  maxBodyBytes: 100 * 1024 * 1024,
  responses: { 200: { description: 'The roster now in use', schema: rosterUploaded } },
  errors: [409, 413, 422],
  handler: async ({ services, principal, bodyStream }) => ({ status: 200, body: await uploadRoster(services, principal, bodyStream) }),
});
