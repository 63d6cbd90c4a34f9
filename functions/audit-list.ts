import { defineRoute } from '../shared/http/route';
import { z } from 'zod';
import { auditPage } from '../shared/admin/contract';
import { listAudit } from '../shared/admin/audit';

export const auditList = defineRoute({
  name: 'auditList',
  method: 'GET',
  route: 'audit',
  tag: 'Audit',
  summary: 'Who changed what, newest first, paged',
  audiences: ['globalAdmin', 'glintAdmin'],
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50), continuationToken: z.string().max(200).optional() }),
  responses: { 200: { description: 'A page of entries', schema: auditPage } },
  errors: [422],
  handler: async ({ services, principal, query }) => ({ status: 200, body: await listAudit(services, principal, { limit: query.limit, continuationToken: query.continuationToken }) }),
});
