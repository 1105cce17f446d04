// Shared building blocks of the connector's JSON Schemas. The models are written in the subset that
// Swagger 2.0, OpenAPI 3.1 and ajv all accept; `x-nullable` marks fields Twilio may send as null
// (Swagger 2.0 cannot say `type: [..., "null"]`, the OpenAPI builder rewrites it).

/** A JSON Schema (or Swagger 2.0 schema object) as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export const E164 = '^\\+[1-9][0-9]{1,14}$';
/**
 * A phone number as Twilio reads it: E.164, or written nationally — the `+` left out (Twilio then uses
 * the country of the From number), spaces, dashes, dots and parentheses — with 2 to 15 digits.
 * Twilio (or the sandbox) normalises it; letters can never be part of one.
 */
const PHONE = '\\+?(?:[ ().-]*[0-9]){2,15}[ ().-]*';
/** A recipient: a phone number, a WhatsApp address (`whatsapp:+1…`) or a Messenger id (`messenger:123…`). */
export const RECIPIENT = `^((whatsapp:)?${PHONE}|messenger:[0-9]{1,32})$`;
/**
 * A sender: a phone number or WhatsApp address, a Messenger page id, a short code or an
 * alphanumeric sender ID (up to 11 letters, digits and spaces).
 */
export const SENDER = `^((whatsapp:)?${PHONE}|messenger:[0-9]{1,32}|[A-Za-z0-9 ]{1,11})$`;
/** The longest `to`/`from` accepted: 15 digits with room for separators and a channel prefix. */
export const MAX_ADDRESS_LENGTH = 48;
export const HTTP_URL = '^https?://[^\\s/$.?#][^\\s]*$';
/** `YYYY-MM-DD`, optionally with a time (what Logic Apps' `utcNow()` produces). */
export const DATE_OR_DATETIME =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$';
export const DECIMAL = '^-?[0-9]+(\\.[0-9]+)?$';

export const sidPattern = (prefix: string): string => `^${prefix}[0-9a-fA-F]{32}$`;

export const RFC2822_EXAMPLE = 'Thu, 24 Aug 2023 05:01:45 +0000';

/** A string Twilio may send as null. */
export function nullableString(description: string, summary: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', description, 'x-ms-summary': summary, 'x-nullable': true, ...extra };
}

export function str(description: string, summary: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', description, 'x-ms-summary': summary, ...extra };
}

/**
 * The seeds' page counts, which Twilio no longer sends: the connector fills them in on the last page
 * and leaves them null elsewhere (routes/context.ts, addPageCounts).
 */
export const NUM_PAGES = {
  type: 'integer',
  'x-nullable': true,
  description: 'How many pages the list has; known on the last page (no next_page_uri), else null.',
  'x-ms-summary': 'Number of pages',
} as const;

export const TOTAL = {
  type: 'integer',
  'x-nullable': true,
  description: 'How many records the list has; known on the last page (no next_page_uri), else null.',
  'x-ms-summary': 'Total',
} as const;

/** The paging fields every 2010-API list carries next to its records. */
export const PAGE_FIELDS = {
  page: { type: 'integer', description: 'Index of this page, from 0.', 'x-ms-summary': 'Page' },
  page_size: { type: 'integer', description: 'Records per page.', 'x-ms-summary': 'Page size' },
  start: { type: 'integer', description: 'Position of the first record on this page.', 'x-ms-summary': 'Start' },
  end: { type: 'integer', description: 'Position of the last record on this page.', 'x-ms-summary': 'End' },
  uri: str('Link to this page.', 'Page URI'),
  first_page_uri: str('Link to the first page.', 'First page URI'),
  next_page_uri: nullableString(
    'Link to the next page at the connector; null on the last page. Call it with the same connection to read on.',
    'Next page URI',
  ),
  previous_page_uri: nullableString('The previous page; null on the first page.', 'Previous page URI'),
} as const;
