// The connector's XML representation ("all connectors support JSON and XML"): the same data as
// the JSON answer, one element per field with the JSON field name, arrays as repeated children.
// Kept field-for-field symmetric with JSON so a workflow can switch formats without remapping.

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Element names for the items of the list fields the connector returns. */
const ITEM_NAMES: Record<string, string> = {
  messages: 'message',
  incoming_phone_numbers: 'incoming_phone_number',
  available_phone_numbers: 'available_phone_number',
  usage_records: 'usage_record',
  media_url: 'url',
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** Strips characters XML 1.0 cannot carry at all (control characters other than tab/newline/CR). */
function xmlText(text: string): string {
  return escapeXml(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
}

/** Field names come from Twilio/our own models; anything else is made a safe element name. */
function elementName(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function element(name: string, value: unknown): string {
  const tag = elementName(name);
  if (value === null || value === undefined) return `<${tag}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item';
    return `<${tag}>${value.map((v) => element(item, v)).join('')}</${tag}>`;
  }
  if (typeof value === 'object') {
    let inner = '';
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) inner += element(k, v);
    return `<${tag}>${inner}</${tag}>`;
  }
  if (typeof value === 'string') return `<${tag}>${xmlText(value)}</${tag}>`;
  if (typeof value === 'number' || typeof value === 'boolean') return `<${tag}>${String(value)}</${tag}>`;
  return `<${tag}/>`;
}

/** Renders `data` under a root element named after the model, e.g. `Message` or `error`. */
export function toXml(root: string, data: unknown): string {
  return PROLOG + element(root, data);
}
