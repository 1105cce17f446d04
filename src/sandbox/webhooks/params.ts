// The parameters Twilio sends with each webhook: status callbacks (facts §4.2) and inbound
// messages (§4.3), with their legacy duplicates (SmsSid, SmsStatus) that receivers still read.
import { CA_AREAS, US_AREAS } from '../inventory/places.js';
import type { MessageRow } from '../store/messages.js';
import { addWhatsappStatusParams } from './whatsapp-params.js';

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
  addWhatsappStatusParams(m, p);
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

export interface Geo {
  country: string;
  state: string;
  city: string;
  zip: string;
}

/** NANP area codes the inventory knows, with their region and first locality (Twilio upper-cases cities). */
const NANP_GEO = new Map<string, Geo>(
  [...US_AREAS.map((a) => ['US', a] as const), ...CA_AREAS.map((a) => ['CA', a] as const)].map(([country, a]) => {
    const [city, , zip] = a.places[0] ?? ['', '', ''];
    return [a.areaCode, { country, state: a.region, city: city.toUpperCase(), zip }];
  }),
);

/** The geo fields of a number: from its area code for North American numbers the sandbox knows, else its country only. */
export function geoOf(e164: string): Geo {
  const known = /^\+1\d{10}$/.test(e164) ? NANP_GEO.get(e164.slice(2, 5)) : undefined;
  return known ?? { country: countryOf(e164), state: '', city: '', zip: '' };
}

export function inboundParams(
  m: MessageRow,
  media: readonly InboundMedia[],
  toCountry: string,
): Record<string, string> {
  const from = geoOf(m.from_addr);
  const to = geoOf(m.to_addr);
  const p: Record<string, string> = {
    ToCountry: toCountry,
    ToState: to.state,
    SmsMessageSid: m.sid,
    NumMedia: String(media.length),
    ToCity: to.city,
    FromZip: from.zip,
    SmsSid: m.sid,
    FromState: from.state,
    SmsStatus: 'received',
    FromCity: from.city,
    Body: m.body,
    FromCountry: from.country,
    To: m.to_addr,
    ToZip: to.zip,
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
