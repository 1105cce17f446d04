// The record of a message that arrives at the sandbox, SMS or WhatsApp alike: received, inbound,
// priced and counted as Twilio would, so both arrival paths store exactly the same fields and
// differ only in what they add to `extra`.
import { priceOf } from '../lifecycle/pricing.js';
import { countSegments } from '../messaging/segments.js';
import type { Db } from '../store/db.js';
import { insertMessage, type MessageRow } from '../store/messages.js';
import { enqueueWebhook, type HttpMethod } from '../webhooks/outbox.js';
import type { InboundInput } from './inbound.js';

export interface Arrival {
  accountSid: string;
  input: InboundInput;
  /** the Messaging Service whose number received it, if any */
  serviceSid: string | null;
  now: number;
  extra?: Record<string, unknown>;
}

/** Stores an arriving message (call inside the transaction that also acts on it). */
export function insertInbound(db: Db, a: Arrival): MessageRow {
  const { input, now } = a;
  const segments = countSegments(input.body);
  // a message with media is one MMS, whatever the length of its text
  const numSegments = input.media.length > 0 ? 1 : segments.segments;
  return insertMessage(db, {
    account_sid: a.accountSid,
    to_addr: input.to,
    from_addr: input.from,
    body: input.body,
    status: 'received',
    direction: 'inbound',
    num_segments: numSegments,
    encoding: segments.encoding,
    price: priceOf({ to_addr: input.to, num_segments: numSegments, num_media: input.media.length }),
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: a.serviceSid,
    status_callback: null,
    application_sid: null,
    validity_period: null,
    send_at: null,
    date_created: now,
    date_sent: now,
    next_at: null,
    next_status: null,
    fate: null,
    media: input.media.map((m) => ({ url: m.url, contentType: m.content_type })),
    ...(a.extra === undefined ? {} : { extra: a.extra }),
  });
}

/** The arrival's signed webhook to its number's URL, naming the keyword's OptOutType when there is one. */
export function enqueueArrivalWebhook(
  db: Db,
  a: {
    account: { sid: string; auth_token: string };
    message: MessageRow;
    target: { url: string; method: HttpMethod };
    params: Record<string, string>;
    optOutType: string | undefined;
    now: number;
  },
): number {
  const params = a.optOutType === undefined ? a.params : { ...a.params, OptOutType: a.optOutType };
  return enqueueWebhook(db, {
    accountSid: a.account.sid,
    authToken: a.account.auth_token,
    messageSid: a.message.sid,
    kind: 'inbound',
    url: a.target.url,
    method: a.target.method,
    params,
    now: a.now,
  });
}
