// What a Content API create (POST /v1/Content) or update (PUT /v1/Content/{Sid}) may hold: the JSON
// body checked field by field, with the content types Twilio recognises and the fields each one
// requires, so a template that could never be sent is refused when it is made rather than when it
// is used.
import { TwilioRestError, invalidParam } from '../twilio-wire/errors.js';

/** Content types Twilio defines; unknown keys in `types` count as none. */
export const CONTENT_TYPES = [
  'twilio/text',
  'twilio/media',
  'twilio/location',
  'twilio/quick-reply',
  'twilio/call-to-action',
  'twilio/list-picker',
  'twilio/card',
  'whatsapp/card',
  'whatsapp/authentication',
  'twilio/catalog',
  'twilio/carousel',
  'whatsapp/flows',
  'twilio/flows',
  'twilio/schedule',
  'twilio/pay',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const MAX_TEXT = 1600;
export const MAX_VARIABLES = 100;
const VARIABLE_KEY = /^[A-Za-z0-9_]{1,16}$/;
/** Bounds for what the per-type rules below do not name (URLs, action fields, types kept as given). */
const MAX_STRING = 2048;
const MAX_ENTRIES = 100;
const MAX_DEPTH = 6;

export interface ContentDefinition {
  friendlyName: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, Record<string, unknown>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(def: Record<string, unknown>, type: string, field: string, required: boolean, max = MAX_TEXT): void {
  const v = def[field];
  if (v === undefined || v === null) {
    if (required) throw invalidParam(`${type} requires ${field}`);
    return;
  }
  if (typeof v !== 'string' || (required && v === ''))
    throw invalidParam(`${type}.${field} must be a non-empty string`);
  if (v.length > max) throw invalidParam(`${type}.${field} must be at most ${max} characters`);
}

function list(def: Record<string, unknown>, type: string, field: string, required: boolean, max: number): unknown[] {
  const v = def[field];
  if (v === undefined || v === null) {
    if (required) throw invalidParam(`${type} requires ${field}`);
    return [];
  }
  if (!Array.isArray(v) || (required && v.length === 0))
    throw invalidParam(`${type}.${field} must be a non-empty array`);
  if (v.length > max) throw invalidParam(`${type}.${field} may hold at most ${max} entries`);
  return v;
}

function actions(def: Record<string, unknown>, type: string, required: boolean, needsTitle = true): void {
  list(def, type, 'actions', required, 10).forEach((a, i) => {
    if (!isObject(a)) throw invalidParam(`${type}.actions[${i}] must be an object`);
    if (needsTitle && (typeof a['title'] !== 'string' || a['title'] === '')) {
      throw invalidParam(`${type}.actions[${i}] requires a title`);
    }
  });
}

const CALL_TO_ACTION = { URL: 'url', PHONE_NUMBER: 'phone', COPY_CODE: 'code' } as const;

/** Every string, list and nesting level of a type is bounded, whatever rules the type has. */
function bounded(v: unknown, path: string, depth: number): void {
  if (typeof v === 'string') {
    if (v.length > MAX_STRING) throw invalidParam(`${path} must be at most ${MAX_STRING} characters`);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (depth >= MAX_DEPTH) throw invalidParam(`${path} is nested too deeply`);
  const entries = Object.entries(v);
  if (entries.length > MAX_ENTRIES) throw invalidParam(`${path} may hold at most ${MAX_ENTRIES} entries`);
  for (const [k, child] of entries) bounded(child, Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`, depth + 1);
}

/** Checks the fields a type requires; types without rules here are kept as given. */
function checkType(type: string, def: Record<string, unknown>): void {
  switch (type) {
    case 'twilio/text':
      return text(def, type, 'body', true);
    case 'twilio/media': {
      text(def, type, 'body', false);
      const media = list(def, type, 'media', true, 10);
      if (media.some((m) => typeof m !== 'string' || m === '')) throw invalidParam(`${type}.media must be URLs`);
      return;
    }
    case 'twilio/location':
      for (const field of ['latitude', 'longitude']) {
        if (typeof def[field] !== 'number') throw invalidParam(`${type} requires a numeric ${field}`);
      }
      return text(def, type, 'label', false);
    case 'twilio/quick-reply':
      text(def, type, 'body', true);
      return actions(def, type, true);
    case 'twilio/call-to-action':
      text(def, type, 'body', false);
      actions(def, type, true);
      for (const [i, a] of (def['actions'] as Record<string, unknown>[]).entries()) {
        const field = CALL_TO_ACTION[a['type'] as keyof typeof CALL_TO_ACTION] as string | undefined;
        if (field !== undefined && typeof a[field] !== 'string') {
          throw invalidParam(`${type}.actions[${i}] of type ${String(a['type'])} requires ${field}`);
        }
      }
      return;
    case 'twilio/list-picker': {
      text(def, type, 'body', true);
      text(def, type, 'button', true, 20);
      list(def, type, 'items', true, 10).forEach((item, i) => {
        if (!isObject(item) || typeof item['id'] !== 'string' || typeof item['item'] !== 'string') {
          throw invalidParam(`${type}.items[${i}] requires id and item`);
        }
      });
      return;
    }
    case 'twilio/card':
      text(def, type, 'title', true);
      text(def, type, 'subtitle', false);
      return actions(def, type, false);
    case 'whatsapp/card':
      text(def, type, 'body', true);
      text(def, type, 'footer', false);
      text(def, type, 'header_text', false);
      return actions(def, type, false);
    case 'whatsapp/authentication':
      return actions(def, type, true, false);
    default:
      return;
  }
}

/** Reads a create body (already parsed JSON) into a definition, or throws Twilio's 400. */
export function parseContentDefinition(body: unknown): ContentDefinition {
  if (!isObject(body)) throw invalidParam('The request body must be a JSON object');
  const language = body['language'];
  if (typeof language !== 'string' || language === '') {
    throw invalidParam('Missing required parameter language in the post body');
  }
  if (!/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(language)) throw invalidParam(`Invalid language: ${language}`);
  const name = body['friendly_name'];
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw invalidParam('friendly_name must be a string');
  }
  if (typeof name === 'string' && name.length > 256) throw invalidParam('friendly_name must be at most 256 characters');

  const variables: Record<string, string> = {};
  const rawVariables = body['variables'];
  if (rawVariables !== undefined && rawVariables !== null) {
    if (!isObject(rawVariables)) throw invalidParam('variables must be an object of strings');
    const entries = Object.entries(rawVariables);
    if (entries.length > MAX_VARIABLES) throw invalidParam(`variables may hold at most ${MAX_VARIABLES} entries`);
    for (const [key, value] of entries) {
      if (!VARIABLE_KEY.test(key)) throw invalidParam(`Invalid variable name: ${key}`);
      if (typeof value !== 'string') throw invalidParam(`variables.${key} must be a string`);
      variables[key] = value;
    }
  }

  const rawTypes = body['types'];
  const types: Record<string, Record<string, unknown>> = {};
  if (isObject(rawTypes)) {
    for (const [type, def] of Object.entries(rawTypes)) {
      if (!(CONTENT_TYPES as readonly string[]).includes(type)) continue;
      if (!isObject(def)) throw invalidParam(`${type} must be an object`);
      bounded(def, type, 0);
      checkType(type, def);
      types[type] = def;
    }
  }
  if (Object.keys(types).length === 0) {
    throw new TwilioRestError(400, 20001, 'Invalid types. At least one content type definition is required');
  }
  return { friendlyName: typeof name === 'string' ? name : '', language, variables, types };
}

/** Twilio's refusal of an update it does not allow (error 92010). */
export const invalidUpdate = (why: string): TwilioRestError =>
  new TwilioRestError(400, 92010, `Invalid Content update: ${why}`);

/**
 * Reads an update body: the same fields and checks as a create, the whole definition replaced,
 * except `language`, which Twilio never lets change: it may be left out (the template keeps its own)
 * or repeated, and any other value is 92010.
 */
export function parseContentUpdate(body: unknown, language: string): ContentDefinition {
  if (!isObject(body)) throw invalidParam('The request body must be a JSON object');
  const given = body['language'];
  if (given !== undefined && given !== null && given !== language) {
    throw invalidUpdate(`the language of a template cannot change (it is ${language})`);
  }
  return parseContentDefinition({ ...body, language });
}
