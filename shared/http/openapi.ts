import { z } from 'zod';
import type { AnyRouteSpec } from './route';

// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that validate
// requests (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits natively).

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'A relative URI ending in a stable code, e.g. /problems/consent-required' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const errorDescriptions: Record<number, string> = {
  400: 'Malformed JSON, a body or query of the wrong shape, or an unknown query parameter',
  401: 'Missing or invalid bearer token',
  403: 'Valid token without a role allowed here',
  404: 'Unknown id',
  409: 'State conflict (consent-required, no-attributes, already-exists, conflict, report-unavailable)',
  412: 'If-Match names a version that is no longer current: someone else changed it; read it again',
  413: 'Body over the route limit',
  422: 'A well-formed request that breaks a rule',
  500: 'Internal error (never caused by client input)',
  503: 'A dependency is unavailable',
};

function objectProperties(schema: z.ZodType | undefined): [string, JsonSchema, boolean][] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => [name, s, required.has(name)]);
}

export function buildOpenApiDocument(routes: readonly AnyRouteSpec[], version: string, routePrefix = 'api'): JsonSchema & { openapi: string; paths: Record<string, unknown> } {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/${routePrefix}/${route.route}`;
    const authenticated = route.audiences !== 'anonymous';
    // Every route refuses a query parameter it does not define (route.ts), so every route can answer 400.
    const statuses = new Set<number>([...(route.errors ?? []), 400, 500]);
    if (route.body) statuses.add(413);
    if (authenticated) {
      statuses.add(401);
      statuses.add(403);
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } } : {}),
      };
    }
    for (const status of [...statuses].sort()) {
      responses[String(status)] = { description: errorDescriptions[status], content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    }
    const parameters = [
      ...objectProperties(route.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...objectProperties(route.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })),
    ];
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.name,
      summary: route.summary,
      tags: [route.tag],
      security: authenticated ? [{ bearer: [] }] : [],
      ...(authenticated ? { description: `Callers: ${(route.audiences as readonly string[]).join(', ')}.` } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      ...(route.textBody
        ? {
            requestBody: {
              required: true,
              description: route.textBody.description,
              content: Object.fromEntries(route.textBody.mediaTypes.map((type) => [type, { schema: jsonSchema(route.textBody!.schema, 'input') }])),
            },
          }
        : {}),
      ...(route.streamBody
        ? {
            requestBody: {
              required: true,
              description: route.streamBody.description,
              content: Object.fromEntries(route.streamBody.mediaTypes.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }])),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Viva Insights to Viva Glint',
      version,
      description: 'Consent, configuration, imports and reports of Viva Insights behavioral attributes in Viva Glint.',
      // The project is not published under an open licence (package.json: private).
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Paths are absolute from the host that serves this document: the API behind it, wherever it runs.
    servers: [{ url: '/', description: 'The deployment serving this document' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Microsoft Entra ID v2 access token' } },
      schemas: { Problem: problemSchema },
    },
  };
}
