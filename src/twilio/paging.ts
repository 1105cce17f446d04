// Twilio's 2010 list envelope turned into a typed page. The records sit under a resource-specific
// key (`messages`, `incoming_phone_numbers`…; v1 lists add `meta`); like Twilio's SDK we take the one array-valued key
// that is not paging metadata, so unknown list resources work too.

export interface Page<T> {
  items: T[];
  page: number;
  page_size: number;
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
  /** the whole envelope as Twilio sent it */
  raw: Record<string, unknown>;
}

const META = new Set([
  'first_page_uri',
  'next_page_uri',
  'previous_page_uri',
  'page',
  'page_size',
  'start',
  'end',
  'uri',
  'meta',
  'total',
  'num_pages',
  'last_page_uri',
]);

function recordsKey(raw: Record<string, unknown>, preferred: string | undefined): string | undefined {
  if (preferred !== undefined && Array.isArray(raw[preferred])) return preferred;
  return Object.keys(raw).find((k) => !META.has(k) && Array.isArray(raw[k]));
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0);

/** Reads a list envelope; `undefined` when the body is not one. */
export function toPage<T>(body: unknown, preferredKey?: string): Page<T> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const raw = body as Record<string, unknown>;
  const key = recordsKey(raw, preferredKey);
  if (key === undefined) return undefined;
  // v1 products (Messaging Services, Content…) keep the paging fields under `meta`, as URLs
  const meta = raw['meta'];
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) {
    const m = meta as Record<string, unknown>;
    return {
      items: raw[key] as T[],
      page: num(m['page']),
      page_size: num(m['page_size']),
      uri: str(m['url']),
      first_page_uri: str(m['first_page_url']),
      next_page_uri: strOrNull(m['next_page_url']),
      previous_page_uri: strOrNull(m['previous_page_url']),
      raw,
    };
  }
  return {
    items: raw[key] as T[],
    page: num(raw['page']),
    page_size: num(raw['page_size']),
    uri: str(raw['uri']),
    first_page_uri: str(raw['first_page_uri']),
    next_page_uri: strOrNull(raw['next_page_uri']),
    previous_page_uri: strOrNull(raw['previous_page_uri']),
    raw,
  };
}
