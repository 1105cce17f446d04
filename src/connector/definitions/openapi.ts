// OpenAPI 3.1 of the same operations for everyone outside Power Platform (n8n, Node-RED, code
// generators). Schemas become JSON Schema 2020-12: `x-nullable` turns into a `null` type and
// `#/definitions/` references into `#/components/schemas/`.
import { publishedOperations, type OperationSpec, type PublishOptions } from '../operations.js';
import { models } from '../schemas/models.js';
import { parameterSchema } from '../schemas/route-schemas.js';
import {
  CONNECTOR_DESCRIPTION,
  CONNECTOR_TITLE,
  CONNECTOR_VERSION,
  DEFAULT_TARGET,
  TAG_DESCRIPTIONS,
  baseUrl,
  type DefinitionTarget,
} from './info.js';
import { SECURITY_SCHEME } from './swagger.js';

export type OpenApiDocument = Record<string, unknown>;

/** Swagger 2.0 schema → JSON Schema 2020-12 (as OpenAPI 3.1 uses it). */
export function toJsonSchema2020(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema2020);
  if (typeof schema !== 'object' || schema === null) return schema;
  const src = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(src)) {
    if (key === 'x-nullable') continue;
    if (key === '$ref' && typeof value === 'string')
      out[key] = value.replace('#/definitions/', '#/components/schemas/');
    else if (key === 'example') out['examples'] = [value];
    else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, toJsonSchema2020(s)]),
      );
    } else out[key] = toJsonSchema2020(value);
  }
  if (src['x-nullable'] === true && typeof src['type'] === 'string') out['type'] = [src['type'], 'null'];
  return out;
}

const ref = (model: string): Record<string, unknown> => ({ $ref: `#/components/schemas/${model}` });

function openApiOperation(op: OperationSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    tags: [...op.tags],
    parameters: op.parameters.map((p) => ({
      name: p.name,
      in: p.in,
      required: p.in === 'path' ? true : p.required === true,
      description: p.description,
      schema: parameterSchema(p),
      ...(p.example === undefined ? {} : { example: p.example }),
      'x-ms-summary': p.summary,
      ...(p.visibility === undefined ? {} : { 'x-ms-visibility': p.visibility }),
    })),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [
        status,
        r.model === undefined
          ? { description: r.description }
          : {
              description: r.description,
              content: { 'application/json': { schema: ref(r.model) }, 'application/xml': { schema: ref(r.model) } },
            },
      ]),
    ),
  };
  if (op.body !== undefined) {
    out['requestBody'] = {
      required: true,
      description: op.body.description,
      content: {
        'application/json': {
          schema: ref(op.body.model),
          ...(op.body.example === undefined ? {} : { example: op.body.example }),
        },
      },
    };
  }
  if (op.visibility !== undefined) out['x-ms-visibility'] = op.visibility;
  if (op.pageable !== undefined) out['x-ms-pageable'] = { nextLinkName: op.pageable.nextLinkName };
  if (op.trigger !== undefined) out['x-ms-trigger'] = op.trigger.kind;
  return out;
}

export function buildOpenApi(target: DefinitionTarget = DEFAULT_TARGET, opts: PublishOptions = {}): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  const schemas: Record<string, unknown> = Object.fromEntries(
    Object.entries(models).map(([name, s]) => [name, toJsonSchema2020(s)]),
  );
  for (const op of publishedOperations(opts)) {
    (paths[op.path] ??= {})[op.method] = openApiOperation(op);
    for (const t of op.tags) tags.add(t);
    // JSON Schema 2020-12 can say what Swagger 2.0 could not ("from or messaging_service_sid")
    if (op.body?.rules !== undefined) {
      schemas[op.body.model] = { ...(schemas[op.body.model] as object), ...structuredClone(op.body.rules) };
    }
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: { title: `${CONNECTOR_TITLE} connector`, description: CONNECTOR_DESCRIPTION, version: CONNECTOR_VERSION },
    servers: [{ url: baseUrl(target) }],
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: [...tags].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'basic',
          description: 'User name: your Twilio Account SID (AC…). Password: your Auth Token.',
        },
      },
    },
  };
}
