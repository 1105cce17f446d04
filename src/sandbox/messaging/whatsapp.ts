// The send-time rules of WhatsApp on the Messages API: sender and recipient on the same channel
// (21910), and a `whatsapp:` sender the account may use (63007): one of its numbers registered as
// a WhatsApp sender, or Twilio's shared WhatsApp Sandbox number. What happens later (the 24-hour
// window, the sandbox's joined users) is decided by the lifecycle, as at Twilio.
import type { Db } from '../store/db.js';
import { WHATSAPP_SANDBOX_NUMBER, whatsappSender } from '../store/whatsapp.js';
import { TwilioRestError } from '../twilio-wire/errors.js';

const PREFIX = 'whatsapp:';

export function isWhatsapp(address: string): boolean {
  return address.startsWith(PREFIX);
}

/** The phone number inside a `whatsapp:` address. */
export function whatsappNumber(address: string): string {
  return isWhatsapp(address) ? address.slice(PREFIX.length) : address;
}

/** 21910 when exactly one of sender and recipient is a WhatsApp address. */
export function checkChannelPair(from: string, to: string): void {
  if (isWhatsapp(from) !== isWhatsapp(to)) {
    throw new TwilioRestError(
      400,
      21910,
      "Invalid 'From' and 'To' pair. 'From' and 'To' should be of the same channel",
    );
  }
}

/** 63007 unless `from` (a `whatsapp:+E.164` address) is a WhatsApp sender of the account. */
export function checkWhatsappSender(db: Db, accountSid: string, from: string): void {
  const number = whatsappNumber(from);
  if (number === WHATSAPP_SANDBOX_NUMBER) return;
  const sender = whatsappSender(db, number);
  if (!sender || sender.account_sid !== accountSid || !sender.enabled) {
    throw new TwilioRestError(400, 63007, 'Twilio could not find a Channel with the specified From address');
  }
}

const JOIN_WORDS_A = [
  'amber',
  'brave',
  'calm',
  'dusty',
  'eager',
  'fancy',
  'gentle',
  'happy',
  'icy',
  'jolly',
  'kind',
  'lucky',
  'mellow',
  'noble',
  'proud',
  'quiet',
];
const JOIN_WORDS_B = [
  'badger',
  'canyon',
  'dolphin',
  'falcon',
  'garden',
  'harbor',
  'island',
  'jaguar',
  'kettle',
  'lantern',
  'meadow',
  'otter',
  'pepper',
  'river',
  'summit',
  'tiger',
];

/**
 * The code users send (`join <code>`) to Twilio's WhatsApp Sandbox number to join this account's
 * sandbox: two words, fixed per account so that docs and tests can compute it.
 */
export function joinCode(accountSid: string): string {
  let h = 0;
  for (const c of accountSid) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `${JOIN_WORDS_A[h % 16]!}-${JOIN_WORDS_B[(h >>> 4) % 16]!}`;
}
