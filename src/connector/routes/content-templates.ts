// ListContentTemplates and GetContentTemplateVariables: the account's Content templates (Twilio's
// Content API, read through /v1/ContentAndApprovals so each carries its WhatsApp approval) in the
// connector's list shape, and a template's placeholders as a JSON schema, so the workflow designer
// offers templates by name and then one named field per variable.
import type { FastifyInstance } from 'fastify';
import { action, asObject, baseUrl, type Format, type RouteContext } from './context.js';
import { checkSid, paging } from './validate.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]{1,16})\s*\}\}/g;

/** `…/v1/ContentAndApprovals?PageSize=1&Page=1&PageToken=…` → the same page at the connector. */
function connectorPage(url: unknown, base: string, format: Format): string | null {
  if (typeof url !== 'string' || url === '') return null;
  let search: string;
  try {
    search = new URL(url, 'http://upstream.invalid').search;
  } catch {
    return null;
  }
  const kept = new URLSearchParams();
  for (const [k, v] of new URLSearchParams(search))
    if (k === 'PageSize' || k === 'Page' || k === 'PageToken') kept.append(k, v);
  const query = kept.toString();
  return `${base}/ContentTemplates.${format}${query === '' ? '' : `?${query}`}`;
}

function templateModel(raw: unknown): Record<string, unknown> {
  const c = asObject(raw);
  const approval = asObject(c['approval_requests']);
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    sid: c['sid'],
    friendly_name: text(c['friendly_name']),
    language: text(c['language']),
    variables: asObject(c['variables']),
    types: asObject(c['types']),
    approval_status: text(approval['status']) || 'unsubmitted',
    approval_name: text(approval['name']),
    approval_category: text(approval['category']),
    rejection_reason: text(approval['rejection_reason']),
    date_created: c['date_created'],
    date_updated: c['date_updated'] ?? null,
  };
}

/** Every string inside a template's types, for the placeholders they hold. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * One string property per placeholder, in the order the template first uses them (then any
 * variable it only declares). A placeholder without a default must be filled: it is required.
 */
export function variablesSchema(template: unknown): Record<string, unknown> {
  const c = asObject(template);
  const defaults = asObject(c['variables']);
  const keys: string[] = [];
  for (const s of strings(c['types'])) {
    for (const m of s.matchAll(PLACEHOLDER)) if (!keys.includes(m[1]!)) keys.push(m[1]!);
  }
  for (const k of Object.keys(defaults)) if (!keys.includes(k)) keys.push(k);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const key of keys) {
    const fallback = defaults[key];
    const hasDefault = typeof fallback === 'string' && fallback !== '';
    properties[key] = {
      type: 'string',
      'x-ms-summary': /^\d+$/.test(key) ? `Variable ${key}` : key,
      description: hasDefault ? `Default: ${fallback}` : 'No default: a value is required.',
    };
    if (!hasDefault) required.push(key);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

export function registerContentTemplates(app: FastifyInstance, ctx: RouteContext): void {
  action(app, ctx, {
    operation: 'ListContentTemplates',
    method: 'GET',
    path: '/ContentTemplates.json',
    handler: async ({ client, query, request, format }) => {
      const upstream = new URLSearchParams();
      paging(query, upstream);
      const res = await client.request('GET', '/v1/ContentAndApprovals', { query: upstream });
      const body = asObject(res.body);
      const meta = asObject(body['meta']);
      const base = baseUrl(ctx.config, request);
      const items = Array.isArray(body['contents']) ? (body['contents'] as unknown[]) : [];
      return {
        root: 'ContentTemplateList',
        data: {
          content_templates: items.map(templateModel),
          page: typeof meta['page'] === 'number' ? meta['page'] : 0,
          page_size: typeof meta['page_size'] === 'number' ? meta['page_size'] : items.length,
          uri: connectorPage(meta['url'], base, format) ?? `${base}/ContentTemplates.${format}`,
          first_page_uri: connectorPage(meta['first_page_url'], base, format) ?? `${base}/ContentTemplates.${format}`,
          next_page_uri: connectorPage(meta['next_page_url'], base, format),
          previous_page_uri: connectorPage(meta['previous_page_url'], base, format),
        },
      };
    },
  });

  action(app, ctx, {
    operation: 'GetContentTemplateVariables',
    method: 'GET',
    path: '/ContentTemplates/:ContentSid/Variables.json',
    handler: async ({ client, params }) => {
      const sid = checkSid(params['ContentSid'] ?? '', 'HX', 'Path parameter ContentSid');
      const res = await client.request('GET', `/v1/Content/${sid}`);
      return { root: 'ContentVariablesSchema', data: { schema: variablesSchema(res.body) } };
    },
  });
}
