// The parameters Twilio sends with each webhook: status callbacks (facts §4.2) and inbound
// messages (§4.3), with their legacy duplicates (SmsSid, SmsStatus) that receivers still read.
import type { MessageRow } from '../store/messages.js';

/** `YYMMDDhhmm` in UTC, the carrier receipt time some carriers report. */
function rawDlrDoneDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes())
  );
}

export function statusCallbackParams(m: MessageRow, now: number): Record<string, string> {
  const p: Record<string, string> = {
    MessageSid: m.sid,
    SmsSid: m.sid,
    MessageStatus: m.status,
    SmsStatus: m.status,
    AccountSid: m.account_sid,
    From: m.from_addr,
    To: m.to_addr,
    ApiVersion: '2010-04-01',
  };
  if (m.messaging_service_sid) p['MessagingServiceSid'] = m.messaging_service_sid;
  if (m.status === 'failed' || m.status === 'undelivered') p['ErrorCode'] = String(m.error_code ?? '');
  if (m.status === 'delivered' || m.status === 'undelivered') p['RawDlrDoneDate'] = rawDlrDoneDate(now);
  return p;
}

export interface InboundMedia {
  url: string;
  content_type: string;
}

/** Country of an E.164 number, for the geo fields; empty when unknown (Twilio sends empty too). */
function countryOf(e164: string): string {
  if (e164.startsWith('+1')) return 'US';
  if (e164.startsWith('+44')) return 'GB';
  if (e164.startsWith('+61')) return 'AU';
  if (e164.startsWith('+49')) return 'DE';
  if (e164.startsWith('+33')) return 'FR';
  return '';
}

export function inboundParams(
  m: MessageRow,
  media: readonly InboundMedia[],
  toCountry: string,
): Record<string, string> {
  const p: Record<string, string> = {
    ToCountry: toCountry,
    ToState: '',
    SmsMessageSid: m.sid,
    NumMedia: String(media.length),
    ToCity: '',
    FromZip: '',
    SmsSid: m.sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: m.body,
    FromCountry: countryOf(m.from_addr),
    To: m.to_addr,
    ToZip: '',
    NumSegments: String(m.num_segments),
    MessageSid: m.sid,
    AccountSid: m.account_sid,
    From: m.from_addr,
    ApiVersion: '2010-04-01',
  };
  if (m.messaging_service_sid) p['MessagingServiceSid'] = m.messaging_service_sid;
  media.forEach((item, i) => {
    p[`MediaContentType${i}`] = item.content_type;
    p[`MediaUrl${i}`] = item.url;
  });
  return p;
}
