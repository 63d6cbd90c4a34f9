import { z } from 'zod';
import { buildOpenApiDocument } from '../shared/http/openapi';
import { defineRoute, registeredRoutes } from '../shared/http/route';

export const openApi = defineRoute({
  name: 'openApi',
  method: 'GET',
  route: 'openapi.json',
  tag: 'Service',
  summary: 'This OpenAPI 3.1 document',
  audiences: 'anonymous',
  responses: { 200: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) } },
  handler: async ({ services }) => ({ status: 200, body: buildOpenApiDocument(registeredRoutes(), services.version) }),
});
