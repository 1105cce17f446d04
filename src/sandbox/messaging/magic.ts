// Twilio's magic test numbers for Messages: fixed senders and recipients that always produce the
// same outcome, so error handling can be exercised without owning anything.
import { TwilioRestError } from '../twilio-wire/errors.js';

/** The magic sender that passes every check. */
export const MAGIC_FROM_OK = '+15005550006';

/** Error a magic `From` produces before the queue check; undefined: not magic or the valid one. */
export function magicFromError(from: string): TwilioRestError | undefined {
  if (from === '+15005550001') return invalidFrom(from);
  if (from === '+15005550007') return notOwnedFrom(from);
  return undefined;
}

export function isMagicFrom(from: string): boolean {
  return /^\+1500555000[0-9]$/.test(from);
}

/** The queue-full sender answers 429 once everything else has passed. */
export function magicQueueError(from: string): TwilioRestError | undefined {
  return from === '+15005550008' ? new TwilioRestError(429, 21611, 'SMS queue is full.') : undefined;
}

/** Error a magic `To` produces; `channel` says SMS or MMS in the routing message. */
export function magicToError(to: string, from: string, channel: 'SMS' | 'MMS'): TwilioRestError | undefined {
  switch (to) {
    case '+15005550001':
      return invalidTo(to);
    case '+15005550002':
      return new TwilioRestError(
        400,
        21612,
        `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via ${channel}.`,
      );
    case '+15005550003':
      return new TwilioRestError(
        400,
        21408,
        `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
      );
    case '+15005550004':
      return new TwilioRestError(400, 21610, 'Attempt to send to unsubscribed recipient');
    case '+15005550009':
      return new TwilioRestError(400, 21614, `To number: ${to}, is not a mobile number`);
    default:
      return undefined;
  }
}

export const invalidTo = (to: string): TwilioRestError =>
  new TwilioRestError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);

export const invalidFrom = (from: string): TwilioRestError =>
  new TwilioRestError(
    400,
    21212,
    `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
  );

export const notOwnedFrom = (from: string): TwilioRestError =>
  new TwilioRestError(
    400,
    21606,
    `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
  );
