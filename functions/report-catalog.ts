import { z } from 'zod';
import { defineRoute } from '../shared/http/route';
import { reportCatalog } from '../shared/reports/catalog';
import { catalogView } from '../shared/reports/contract';

export const reportCatalogGet = defineRoute({
  name: 'reportCatalog',
  method: 'GET',
  route: 'reports/catalog',
  tag: 'Reports',
  summary: 'The attributes the caller may use in reports (and how), and the enabled programs’ cycles with their items',
  audiences: ['authenticated'],
  query: z.strictObject({}),
  responses: { 200: { description: 'What the caller may read; empty when no role of theirs is granted an attribute', schema: catalogView } },
  handler: async ({ services, principal }) => ({ status: 200, body: await reportCatalog(services, principal) }),
});
