// The Swagger 2.0 definition Power Automate and Logic Apps import as a custom connector, generated
// from the operation table. It must stay valid against Power Platform's definition schema
// (a test checks it), which forbids keywords such as anyOf: runtime-only rules are left out.
import {
  TEST_CONNECTION,
  publishedOperations,
  type OperationSpec,
  type ParameterSpec,
  type PublishOptions,
} from '../operations.js';
import type { JsonSchema } from '../schemas/common.js';
import { models } from '../schemas/models.js';
import {
  CONNECTOR_DESCRIPTION,
  CONNECTOR_METADATA,
  CONNECTOR_TITLE,
  CONNECTOR_VERSION,
  DEFAULT_TARGET,
  TAG_DESCRIPTIONS,
  type DefinitionTarget,
} from './info.js';

export type SwaggerDocument = Record<string, unknown>;

export const SECURITY_SCHEME = 'basic_auth';

function swaggerParameter(p: ParameterSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: p.name,
    in: p.in,
    required: p.in === 'path' ? true : p.required === true,
    type: p.type,
    description: p.description,
    'x-ms-summary': p.summary,
  };
  if (p.visibility !== undefined) out['x-ms-visibility'] = p.visibility;
  if (p.pattern !== undefined) out['pattern'] = p.pattern;
  if (p.minLength !== undefined) out['minLength'] = p.minLength;
  if (p.maxLength !== undefined) out['maxLength'] = p.maxLength;
  if (p.minimum !== undefined) out['minimum'] = p.minimum;
  if (p.maximum !== undefined) out['maximum'] = p.maximum;
  if (p.default !== undefined) out['default'] = p.default;
  if (p.enum !== undefined) out['enum'] = [...p.enum];
  if (p.type === 'integer') out['format'] = 'int32';
  if (p.dynamicValues !== undefined) out['x-ms-dynamic-values'] = { ...p.dynamicValues };
  // a path value goes into the URL once, percent-encoded once
  if (p.in === 'path') out['x-ms-url-encoding'] = 'single';
  return out;
}

function modelRef(name: string): JsonSchema {
  return { $ref: `#/definitions/${name}` };
}

/** A deep copy of a model for inlining, with the callback-URL property marked for webhook triggers. */
function bodyParameterSchema(op: OperationSpec): JsonSchema {
  const model = models[op.body!.model];
  if (model === undefined) throw new Error(`operation ${op.operationId} names unknown model ${op.body!.model}`);
  const copy = structuredClone(model) as Record<string, unknown>;
  const urlProp = op.trigger?.notificationUrlProperty;
  if (urlProp !== undefined) {
    const props = copy['properties'] as Record<string, Record<string, unknown>> | undefined;
    const prop = props?.[urlProp];
    if (prop === undefined) throw new Error(`${op.operationId}: body has no property ${urlProp}`);
    prop['x-ms-notification-url'] = true;
    prop['x-ms-visibility'] = 'internal';
  }
  return copy;
}

function swaggerOperation(op: OperationSpec): Record<string, unknown> {
  // headers after the body, so the designer lists the message fields first
  const parameters: Record<string, unknown>[] = op.parameters.filter((p) => p.in !== 'header').map(swaggerParameter);
  if (op.body !== undefined) {
    parameters.push({
      name: op.body.name,
      in: 'body',
      required: true,
      description: op.body.description,
      'x-ms-summary': op.body.description,
      schema: bodyParameterSchema(op),
    });
  }
  parameters.push(...op.parameters.filter((p) => p.in === 'header').map(swaggerParameter));
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] =
      r.model === undefined
        ? { description: r.description }
        : { description: r.description, schema: modelRef(r.model) };
  }
  const out: Record<string, unknown> = {
    tags: [...op.tags],
    summary: op.summary,
    description: op.description,
    operationId: op.operationId,
    parameters,
    responses,
  };
  if (op.visibility !== undefined) out['x-ms-visibility'] = op.visibility;
  if (op.pageable !== undefined) out['x-ms-pageable'] = { nextLinkName: op.pageable.nextLinkName };
  if (op.trigger !== undefined) {
    out['x-ms-trigger'] = op.trigger.kind;
    if (op.trigger.hint !== undefined) out['x-ms-trigger-hint'] = op.trigger.hint;
    if (op.trigger.mode === 'polling') out['x-ms-trigger-metadata'] = { kind: 'query', mode: 'polling' };
  }
  return out;
}

export function buildSwagger(target: DefinitionTarget = DEFAULT_TARGET, opts: PublishOptions = {}): SwaggerDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const op of publishedOperations(opts)) {
    const item = (paths[op.path] ??= {});
    if (item[op.method] !== undefined) throw new Error(`two operations for ${op.method.toUpperCase()} ${op.path}`);
    item[op.method] = swaggerOperation(op);
    const model = op.trigger?.notificationModel;
    if (model !== undefined) {
      item['x-ms-notification-content'] = {
        description: models[model]?.['description'] ?? model,
        schema: modelRef(model),
      };
    }
    for (const t of op.tags) tags.add(t);
  }
  return {
    swagger: '2.0',
    info: { title: CONNECTOR_TITLE, description: CONNECTOR_DESCRIPTION, version: CONNECTOR_VERSION },
    host: target.host,
    basePath: target.basePath,
    schemes: [target.scheme],
    consumes: ['application/json'],
    produces: ['application/json', 'application/xml'],
    paths,
    definitions: structuredClone(models),
    parameters: {},
    responses: {},
    securityDefinitions: {
      [SECURITY_SCHEME]: {
        type: 'basic',
        description: 'User name: your Twilio Account SID (AC…). Password: your Auth Token.',
      },
    },
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: [...tags].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })),
    'x-ms-connector-metadata': CONNECTOR_METADATA.map((m) => ({ ...m })),
    'x-ms-capabilities': {
      testConnection: { operationId: TEST_CONNECTION.operationId, parameters: { ...TEST_CONNECTION.parameters } },
    },
  };
}
