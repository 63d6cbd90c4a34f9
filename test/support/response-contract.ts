import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

// Every response a test suite receives through `AppStack.call` is checked against the OpenAPI document
// the host serves: the status must be one the operation documents, and a JSON body must match the
// schema documented for that status. The document is then what the API does, not only what it says.

type Responses = Record<string, { content?: Record<string, { schema?: unknown }> }>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Responses }>>;
  components?: unknown;
}

interface Operation {
  pattern: RegExp;
  method: string;
  path: string;
  responses: Responses;
}

export interface ResponseContract {
  /** Throws, naming the operation and the mismatch, when the response is not what the document says. */
  check(method: string, route: string, status: number, contentType: string | null, body: unknown): void;
}

export function responseContract(document: OpenApiDocument): ResponseContract {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document.components }, 'openapi.json');
  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      // A path parameter is one segment, as the host routes it.
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      method: method.toUpperCase(),
      path,
      responses: operation.responses,
    })),
  );
  const validators = new Map<string, ValidateFunction>();
  const validatorOf = (key: string, schema: unknown) => {
    let validate = validators.get(key);
    if (!validate) {
      // References point into the served document's components.
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));
      validate = ajv.compile(rebased);
      validators.set(key, validate);
    }
    return validate;
  };
  return {
    check(method, route, status, contentType, body) {
      const pathname = new URL(route, 'http://host').pathname;
      const operation = operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(pathname));
      // Routes outside the API (the portal, the local sign-in) and paths no route defines (the
      // catch-all's 404 problem) have no operation; the fuzzer checks those.
      if (!operation) return;
      const documented = operation.responses[String(status)];
      if (!documented) throw new Error(`${method} ${operation.path} answered ${status}, which the OpenAPI document does not list (${Object.keys(operation.responses).join(', ')})`);
      const mediaType = contentType?.split(';')[0]!.trim();
      if (body === undefined || !mediaType) return;
      const schema = documented.content?.[mediaType]?.schema;
      if (!schema) {
        if (documented.content) throw new Error(`${method} ${operation.path} ${status} answered ${mediaType}, documented: ${Object.keys(documented.content).join(', ')}`);
        return;
      }
      const validate = validatorOf(`${method} ${operation.path} ${status} ${mediaType}`, schema);
      if (!validate(body)) {
        throw new Error(`${method} ${operation.path} ${status}: the body does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
      }
    },
  };
}
