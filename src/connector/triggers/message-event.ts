// Turns Twilio's webhook parameters (inbound message, status callback) into the Message model the
// connector's actions return, so a workflow sees the same shape from a trigger as from GetMessage.
import { rfc2822 } from '../../shared/dates.js';
import { WHATSAPP_PARAMS, type WhatsAppFieldName } from '../schemas/whatsapp.js';

export type WebhookParams = Readonly<Record<string, string | readonly string[]>>;

export function param(params: WebhookParams, name: string): string | undefined {
  const v = params[name];
  return typeof v === 'string' ? v : v?.[0];
}

function orNull(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}

export interface MessageEvent {
  sid: string;
  account_sid: string;
  api_version: string;
  body: string;
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  direction: string;
  error_code: string | null;
  error_message: string | null;
  from: string | null;
  to: string;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  status: string;
  /** `whatsapp` for WhatsApp addresses, `sms` for SMS and MMS */
  channel: 'sms' | 'whatsapp';
  media: { url: string; content_type: string | null }[];
  whatsapp: Record<WhatsAppFieldName, string | null> | null;
}

/** The number inside a channel address (`whatsapp:+1…` → `+1…`); other addresses unchanged. */
export function channelNumber(address: string): string {
  return address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address;
}

/** WhatsApp's fields of an inbound message, or null when it did not come over WhatsApp. */
function whatsappFields(params: WebhookParams): MessageEvent['whatsapp'] {
  if (!(param(params, 'From') ?? '').startsWith('whatsapp:')) return null;
  const out = {} as Record<WhatsAppFieldName, string | null>;
  for (const [name, wire] of Object.entries(WHATSAPP_PARAMS) as [WhatsAppFieldName, string][]) {
    out[name] = orNull(param(params, wire));
  }
  return out;
}

/** The Message model of an inbound message, from the parameters Twilio posts to the SmsUrl. */
export function inboundMessage(params: WebhookParams, receivedAt: number): MessageEvent {
  const numMedia = Number(param(params, 'NumMedia') ?? '0') || 0;
  const media: MessageEvent['media'] = [];
  for (let i = 0; i < Math.min(numMedia, 10); i++) {
    const url = param(params, `MediaUrl${i}`);
    if (url !== undefined) media.push({ url, content_type: orNull(param(params, `MediaContentType${i}`)) });
  }
  const at = rfc2822(receivedAt);
  return {
    sid: param(params, 'MessageSid') ?? param(params, 'SmsMessageSid') ?? '',
    account_sid: param(params, 'AccountSid') ?? '',
    api_version: param(params, 'ApiVersion') ?? '2010-04-01',
    body: param(params, 'Body') ?? '',
    date_created: at,
    date_updated: at,
    date_sent: at,
    direction: 'inbound',
    error_code: null,
    error_message: null,
    from: orNull(param(params, 'From')),
    to: param(params, 'To') ?? '',
    messaging_service_sid: orNull(param(params, 'MessagingServiceSid')),
    num_media: String(numMedia),
    num_segments: param(params, 'NumSegments') ?? '1',
    status: param(params, 'SmsStatus') ?? 'received',
    channel: (param(params, 'From') ?? '').startsWith('whatsapp:') ? 'whatsapp' : 'sms',
    media,
    whatsapp: whatsappFields(params),
  };
}

/** What a status subscription receives: the message's identity and its new status. */
export interface StatusEvent {
  sid: string;
  account_sid: string;
  from: string | null;
  to: string;
  status: string;
  error_code: string | null;
  messaging_service_sid: string | null;
  date_updated: string;
}

export function statusEvent(params: WebhookParams, receivedAt: number): StatusEvent {
  return {
    sid: param(params, 'MessageSid') ?? param(params, 'SmsSid') ?? '',
    account_sid: param(params, 'AccountSid') ?? '',
    from: orNull(param(params, 'From')),
    to: param(params, 'To') ?? '',
    status: param(params, 'MessageStatus') ?? param(params, 'SmsStatus') ?? '',
    error_code: orNull(param(params, 'ErrorCode')),
    messaging_service_sid: orNull(param(params, 'MessagingServiceSid')),
    date_updated: rfc2822(receivedAt),
  };
}
