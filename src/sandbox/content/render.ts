// Turns a stored template and a send's ContentVariables into what the message carries: the type
// the channel gets (the richest one it can show), its text with every {{key}} filled in (the
// send's value, else the template's default), its media and its buttons. Twilio's errors for
// variables it cannot use and for channels the template has no type for are raised here.
import { TwilioRestError } from '../twilio-wire/errors.js';
import type { ContentType } from './definition.js';
import { MAX_VARIABLES } from './definition.js';
import { PLACEHOLDER, placeholderKey } from './placeholder.js';

export type Channel = 'sms' | 'whatsapp' | 'other';

/** Richest first: a channel gets the first of its list the template defines. */
const CHANNEL_TYPES: Readonly<Record<Channel, readonly ContentType[]>> = {
  whatsapp: [
    'whatsapp/authentication',
    'whatsapp/flows',
    'whatsapp/card',
    'twilio/carousel',
    'twilio/catalog',
    'twilio/card',
    'twilio/list-picker',
    'twilio/call-to-action',
    'twilio/quick-reply',
    'twilio/location',
    'twilio/media',
    'twilio/text',
  ],
  other: [
    'twilio/card',
    'twilio/list-picker',
    'twilio/call-to-action',
    'twilio/quick-reply',
    'twilio/location',
    'twilio/media',
    'twilio/text',
  ],
  sms: ['twilio/media', 'twilio/text'],
};

/** A button or list entry as the message keeps it: the template's action with variables filled in. */
export type Button = Record<string, string>;

export interface RenderedContent {
  type: ContentType;
  body: string;
  media: string[];
  buttons: Button[];
  /** a card's lines as WhatsApp lays them out (title/subtitle, header_text/body/footer), variables filled */
  card?: Record<string, string>;
}

export const channelOf = (address: string): Channel =>
  address.startsWith('whatsapp:') ? 'whatsapp' : /^[a-z]+:/.test(address) ? 'other' : 'sms';

const invalidVariables = (): TwilioRestError =>
  new TwilioRestError(400, 21656, 'The Content Variables parameter is invalid.');

/** Reads the ContentVariables form value: a JSON object of non-empty strings (numbers are written out). */
export function parseContentVariables(raw: string | undefined): Record<string, string> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidVariables();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidVariables();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_VARIABLES) throw invalidVariables();
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string' || text.trim() === '' || key.includes('{') || key.includes('}')) {
      throw invalidVariables();
    }
    out[key] = text;
  }
  return out;
}

function fill(text: string, values: Record<string, string>, defaults: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_m, inner: string) => {
    const key = placeholderKey(inner);
    const v = values[key] ?? defaults[key];
    // a placeholder nothing fills: refused at once rather than failing later on the handset
    if (v === undefined || v === '') throw invalidVariables();
    return v;
  });
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The type a channel gets from these templates' types, if any. */
export function channelType(types: Record<string, unknown>, channel: Channel): ContentType | undefined {
  return CHANNEL_TYPES[channel].find((t) => types[t] !== undefined);
}

export function render(
  types: Record<string, Record<string, unknown>>,
  defaults: Record<string, string>,
  values: Record<string, string>,
  channel: Channel,
): RenderedContent {
  const type = channelType(types, channel);
  if (type === undefined) throw new TwilioRestError(400, 216602, 'Content Type is not supported on this channel');
  const def = types[type]!;
  const f = (v: unknown): string => fill(str(v), values, defaults);
  const media = Array.isArray(def['media']) ? (def['media'] as unknown[]).map(f).filter((u) => u !== '') : [];
  const buttons: Button[] = [];
  const keep = (entry: unknown): void => {
    if (typeof entry !== 'object' || entry === null) return;
    const out: Button = {};
    for (const [k, v] of Object.entries(entry))
      if (typeof v === 'string' || typeof v === 'number') out[k] = f(String(v));
    buttons.push(out);
  };
  if (Array.isArray(def['actions'])) (def['actions'] as unknown[]).forEach(keep);
  if (typeof def['button'] === 'string') keep({ type: 'LIST_BUTTON', title: def['button'] });
  if (Array.isArray(def['items'])) {
    for (const item of def['items'] as unknown[]) keep({ type: 'LIST_ITEM', ...(item as Record<string, unknown>) });
  }
  let body: string;
  let card: Record<string, string> | undefined;
  switch (type) {
    case 'twilio/card':
    case 'whatsapp/card': {
      const lines = type === 'twilio/card' ? ['title', 'subtitle'] : ['header_text', 'body', 'footer'];
      card = {};
      for (const line of lines) {
        const text = f(def[line]);
        if (text !== '') card[line] = text;
      }
      body = Object.values(card).join('\n');
      break;
    }
    case 'twilio/location':
      body = str(def['label']) !== '' ? f(def['label']) : `${String(def['latitude'])}, ${String(def['longitude'])}`;
      break;
    case 'whatsapp/authentication':
      // WhatsApp writes the text of an authentication template itself around the code
      body = `${values['1'] ?? defaults['1'] ?? ''} is your verification code.`;
      break;
    default:
      body = f(def['body']);
  }
  return card === undefined ? { type, body, media, buttons } : { type, body, media, buttons, card };
}
