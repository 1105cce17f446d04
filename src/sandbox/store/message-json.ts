// Twilio's Message JSON for a row, with the rule that hides a sender still left to a Messaging
// Service, and that rule's SQL twin, side by side so the JSON and the list's From filter agree.
import { rfc2822, rfc2822OrNull } from '../../shared/dates.js';
import type { MessageRow } from './messages.js';

/** Twilio's Message JSON (field order as Twilio sends it). */
export function messageJson(m: MessageRow): Record<string, unknown> {
  // Twilio reports no sender and 0 segments until a Messaging Service has picked the sender.
  const pending =
    m.messaging_service_sid !== null &&
    (m.status === 'accepted' || m.status === 'scheduled' || (m.status === 'canceled' && m.date_sent === null));
  const uri = `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}`;
  return {
    account_sid: m.account_sid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.date_created),
    date_sent: rfc2822OrNull(m.date_sent),
    date_updated: rfc2822(m.date_updated),
    direction: m.direction,
    error_code: m.error_code,
    error_message: m.error_message,
    from: pending && senderPending(m) ? null : m.from_addr,
    messaging_service_sid: m.messaging_service_sid,
    num_media: String(m.num_media),
    num_segments: pending ? '0' : String(m.num_segments),
    price: m.price,
    price_unit: m.price_unit,
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: m.to_addr,
    uri: `${uri}.json`,
  };
}

/** SQL for the rows messageJson shows with `from: null` (the list's From filter skips them). */
export const SENDER_HIDDEN = `(messaging_service_sid IS NOT NULL AND (status IN ('accepted', 'scheduled') OR (status = 'canceled' AND date_sent IS NULL)) AND json_extract(extra, '$.sender_pending') IS 1)`;

/** True when the sender was left to the Messaging Service (no `From` in the request). */
function senderPending(m: MessageRow): boolean {
  return (JSON.parse(m.extra) as { sender_pending?: boolean }).sender_pending === true;
}
