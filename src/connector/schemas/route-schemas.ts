// Fastify route schemas generated from the operation table, so the runtime rejects exactly what the
// published definitions forbid. Annotation keywords (x-ms-*, x-nullable, example) are removed: ajv
// in strict mode refuses keywords it does not know.
import { operationById, type OperationSpec, type ParameterSpec } from '../operations.js';
import type { JsonSchema } from './common.js';
import { models } from './models.js';

export interface RouteSchemas {
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
}

function isAnnotation(key: string): boolean {
  return key.startsWith('x-') || key === 'example';
}

/** A deep copy without the keywords ajv does not know; property names are kept whatever they are. */
export function stripAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripAnnotations);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (isAnnotation(key)) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, stripAnnotations(s)]),
      );
    } else {
      out[key] = stripAnnotations(value);
    }
  }
  return out;
}

export function parameterSchema(p: ParameterSpec): JsonSchema {
  const s: Record<string, unknown> = { type: p.type, description: p.description };
  if (p.pattern !== undefined) s['pattern'] = p.pattern;
  if (p.minLength !== undefined) s['minLength'] = p.minLength;
  if (p.maxLength !== undefined) s['maxLength'] = p.maxLength;
  if (p.minimum !== undefined) s['minimum'] = p.minimum;
  if (p.maximum !== undefined) s['maximum'] = p.maximum;
  if (p.default !== undefined) s['default'] = p.default;
  if (p.enum !== undefined) s['enum'] = [...p.enum];
  return s;
}

function objectOf(params: readonly ParameterSpec[]): JsonSchema {
  const required = params.filter((p) => p.required === true).map((p) => p.name);
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, parameterSchema(p)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/**
 * The request body schema used for validation: the published model plus its extra rules. Unknown
 * fields are refused through `propertyNames` rather than `additionalProperties: false`, which
 * Fastify's ajv (removeAdditional) would turn into silently dropping a misspelt field.
 */
export function bodySchema(op: OperationSpec): JsonSchema | undefined {
  if (op.body === undefined) return undefined;
  const model = models[op.body.model];
  if (model === undefined) throw new Error(`operation ${op.operationId} names unknown model ${op.body.model}`);
  const known = Object.keys(model['properties'] ?? {});
  const rules = (op.body.rules ?? {}) as { allOf?: readonly unknown[] };
  // first in allOf, which ajv checks before `required`: a misspelt field is named as such rather than
  // reported as the field it was meant to be missing
  return stripAnnotations({
    ...model,
    ...rules,
    allOf: [{ propertyNames: { enum: known } }, ...(rules.allOf ?? [])],
  }) as JsonSchema;
}

export function routeSchemasFor(op: OperationSpec): RouteSchemas {
  const out: RouteSchemas = {};
  const path = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query');
  if (path.length > 0) out.params = objectOf(path);
  if (query.length > 0) out.querystring = objectOf(query);
  const body = bodySchema(op);
  if (body !== undefined) out.body = body;
  return out;
}

/** Fastify route schemas (`params`, `querystring`, `body`) of one operation. */
export function routeSchemas(operationId: string): RouteSchemas {
  return routeSchemasFor(operationById(operationId));
}

/** `/Messages/{MessageId}.json` → `/Messages/:MessageId.json` (find-my-way's parameter syntax). */
export function fastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
