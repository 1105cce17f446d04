// Renders sandbox results the way the 2010 API does: JSON for `.json`, XML for `.xml` or no suffix.
// XML rules follow real captures: root <TwilioResponse>, PascalCase elements, nulls as empty
// elements, list paging data as lowercase attributes, URIs without the `.json` suffix.

import type { TwilioRestError } from './errors.js';

export type Format = 'json' | 'xml';

export interface PageMeta {
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
  page: number;
  page_size: number;
  start: number;
  end: number;
  uri: string;
}

export type Representation =
  | { type: 'instance'; element: string; data: Record<string, unknown> }
  | {
      type: 'list';
      /** JSON key of the array, e.g. `messages` */
      key: string;
      /** XML element of the list, e.g. `Messages` */
      element: string;
      /** XML element of each item, e.g. `Message` */
      itemElement: string;
      items: Record<string, unknown>[];
      meta: PageMeta;
    }
  | {
      /** unpaged collections such as available numbers: `{uri, <key>: [...]}` */
      type: 'collection';
      key: string;
      element: string;
      itemElement: string;
      items: Record<string, unknown>[];
      uri: string;
    };

const SPECIAL_NAMES: Record<string, string> = { sms: 'SMS', mms: 'MMS' };

export function pascal(key: string): string {
  const special = SPECIAL_NAMES[key];
  if (special) return special;
  return key
    .split('_')
    .map((part) => (part.length === 0 ? '' : part[0]!.toUpperCase() + part.slice(1)))
    .join('');
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

const xmlUri = (value: string): string =>
  value.startsWith('/2010-04-01/') ? value.replace(/\.json(?=$|\?)/, '') : value;

function xmlValue(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  if (Array.isArray(value)) {
    const singular = name.endsWith('s') ? name.slice(0, -1) : `${name}Item`;
    return `<${name}>${value.map((v) => xmlValue(singular, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${xmlFields(value as Record<string, unknown>)}</${name}>`;
  const text = typeof value === 'string' ? xmlUri(value) : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function xmlFields(data: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(data)) out += xmlValue(pascal(key), value);
  return out;
}

const PROLOG = "<?xml version='1.0' encoding='UTF-8'?>\n";

export function toXml(rep: Representation): string {
  if (rep.type === 'instance') return `${PROLOG}<TwilioResponse>${xmlValue(rep.element, rep.data)}</TwilioResponse>`;
  const items = rep.items.map((item) => xmlValue(rep.itemElement, item)).join('');
  if (rep.type === 'collection') {
    return `${PROLOG}<TwilioResponse><${rep.element} uri="${escapeXml(xmlUri(rep.uri))}">${items}</${rep.element}></TwilioResponse>`;
  }
  const m = rep.meta;
  const attrs: [string, string | number | null][] = [
    ['end', m.end],
    ['firstpageuri', m.first_page_uri],
    ['nextpageuri', m.next_page_uri],
    ['page', m.page],
    ['pagesize', m.page_size],
    ['previouspageuri', m.previous_page_uri],
    ['start', m.start],
    ['uri', m.uri],
  ];
  const attrText = attrs
    .map(([k, v]) => `${k}="${v === null ? '' : escapeXml(typeof v === 'string' ? xmlUri(v) : String(v))}"`)
    .join(' ');
  return `${PROLOG}<TwilioResponse><${rep.element} ${attrText}>${items}</${rep.element}></TwilioResponse>`;
}

export function toJson(rep: Representation): string {
  if (rep.type === 'instance') return JSON.stringify(rep.data);
  if (rep.type === 'collection') return JSON.stringify({ [rep.key]: rep.items, uri: rep.uri });
  return JSON.stringify({ ...rep.meta, [rep.key]: rep.items });
}

export function render(rep: Representation, format: Format): { body: string; contentType: string } {
  return format === 'json'
    ? { body: toJson(rep), contentType: 'application/json; charset=utf-8' }
    : { body: toXml(rep), contentType: 'application/xml; charset=utf-8' };
}

export function renderError(err: TwilioRestError, format: Format): { body: string; contentType: string } {
  if (format === 'json') return { body: JSON.stringify(err.toJSON()), contentType: 'application/json; charset=utf-8' };
  const j = err.toJSON();
  const detail = j['detail'] === undefined ? '' : `<Detail>${escapeXml(String(j['detail']))}</Detail>`;
  const body =
    `${PROLOG}<TwilioResponse><RestException><Code>${err.twilioCode}</Code>${detail}` +
    `<Message>${escapeXml(err.message)}</Message><MoreInfo>${escapeXml(String(j['more_info']))}</MoreInfo>` +
    `<Status>${err.status}</Status></RestException></TwilioResponse>`;
  return { body, contentType: 'application/xml; charset=utf-8' };
}
