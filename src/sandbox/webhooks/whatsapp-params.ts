// The parameters WhatsApp adds to Twilio's webhooks. Status callbacks of a WhatsApp message carry
// the channel (ChannelPrefix, ChannelToAddress, ChannelInstallSid, StructuredMessage), EventType on
// delivered and read, and the error's text on failures. Inbound messages carry the user's WhatsApp
// identity (WaId, ProfileName), what kind of message it is (MessageType) and what came with it
// (tapped buttons, list choices, a location, the replied-to message, an ad referral), without the
// geographic fields of an SMS.
import { createHash } from 'node:crypto';
import type { MessageRow } from '../store/messages.js';

const PREFIX = 'whatsapp:';

/**
 * The WhatsApp fields an inbound message may carry, as Twilio names them; the sandbox's inbound
 * control route passes them through. ReferralNumMedia is always sent (`0` without an ad).
 */
export const WHATSAPP_INBOUND_FIELDS = [
  'ProfileName',
  'MessageType',
  'ButtonText',
  'ButtonPayload',
  'ListId',
  'ListTitle',
  'Latitude',
  'Longitude',
  'Address',
  'Label',
  'OriginalRepliedMessageSid',
  'OriginalRepliedMessageSender',
  'Forwarded',
  'FrequentlyForwarded',
  'ReferralBody',
  'ReferralHeadline',
  'ReferralSourceId',
  'ReferralSourceType',
  'ReferralSourceUrl',
  'ReferralMediaId',
  'ReferralMediaContentType',
  'ReferralMediaUrl',
  'ReferralCtwaClid',
] as const;

export type WhatsappInboundField = (typeof WHATSAPP_INBOUND_FIELDS)[number];

/** A stable channel installation SID (XE…) per account and sender, as Twilio gives each WhatsApp sender one. */
export function channelInstallSid(accountSid: string, sender: string): string {
  return `XE${createHash('sha256').update(`${accountSid}\0${sender}`).digest('hex').slice(0, 32)}`;
}

/** Adds WhatsApp's fields to the status callback `p` of message `m` (nothing for other channels). */
export function addWhatsappStatusParams(m: MessageRow, p: Record<string, string>): void {
  if (!m.from_addr.startsWith(PREFIX)) return;
  // carrier receipt times are an SMS matter
  delete p['RawDlrDoneDate'];
  if (m.status === 'delivered') p['EventType'] = 'DELIVERED';
  if (m.status === 'read') p['EventType'] = 'READ';
  p['ChannelToAddress'] = m.to_addr.slice(PREFIX.length);
  p['ChannelPrefix'] = 'whatsapp';
  p['ChannelInstallSid'] = channelInstallSid(m.account_sid, m.from_addr);
  p['StructuredMessage'] = 'false';
  if ((m.status === 'failed' || m.status === 'undelivered') && m.error_message) {
    p['ErrorMessage'] = m.error_message;
  }
}

/**
 * The parameters of an inbound WhatsApp message: Twilio's common ones (no geographic fields), the
 * user's WhatsApp ID (their number without `+`) and the WhatsApp fields it was given.
 */
export function whatsappInboundParams(
  m: MessageRow,
  media: readonly { url: string; content_type: string }[],
  fields: Readonly<Partial<Record<WhatsappInboundField, string>>>,
): Record<string, string> {
  const p: Record<string, string> = {
    SmsMessageSid: m.sid,
    NumMedia: String(media.length),
    ProfileName: fields.ProfileName ?? '',
    MessageType: fields.MessageType ?? 'text',
    SmsSid: m.sid,
    WaId: m.from_addr.slice(PREFIX.length).replace(/^\+/, ''),
    SmsStatus: 'received',
    Body: m.body,
    To: m.to_addr,
    NumSegments: String(m.num_segments),
    ReferralNumMedia: fields.ReferralMediaUrl ? '1' : '0',
    MessageSid: m.sid,
    AccountSid: m.account_sid,
    From: m.from_addr,
    ApiVersion: '2010-04-01',
  };
  for (const key of WHATSAPP_INBOUND_FIELDS) {
    const v = fields[key];
    if (v !== undefined && !(key in p)) p[key] = v;
  }
  if (m.messaging_service_sid) p['MessagingServiceSid'] = m.messaging_service_sid;
  media.forEach((item, i) => {
    p[`MediaContentType${i}`] = item.content_type;
    p[`MediaUrl${i}`] = item.url;
  });
  return p;
}
