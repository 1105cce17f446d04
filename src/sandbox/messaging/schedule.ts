// Scheduled sends (ScheduleType=fixed + SendAt): only through a Messaging Service, and only for a
// moment between 5 minutes and 35 days ahead (Twilio's current window, bounds included).
import { TwilioRestError } from '../twilio-wire/errors.js';

export const MIN_LEAD_MS = 300_000;
export const MAX_LEAD_MS = 3_024_000_000;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const unsupported = (): TwilioRestError =>
  new TwilioRestError(400, 35114, 'Scheduling does not support this timestamp');

/** The send time in ms, or undefined when the request is not a scheduled one. */
export function scheduledSendAt(form: URLSearchParams, hasService: boolean, now: number): number | undefined {
  const type = form.get('ScheduleType');
  if (type === null || type === '') return undefined;
  if (type !== 'fixed') throw new TwilioRestError(400, 35126, `Unsupported ScheduleType: ${type}`);
  if (!hasService) {
    throw new TwilioRestError(400, 35118, 'MessagingServiceSid is required to schedule a message');
  }
  const sendAt = form.get('SendAt');
  if (sendAt === null || sendAt.trim() === '') throw new TwilioRestError(400, 35111, 'SendAt timestamp is missing');
  const text = sendAt.trim();
  const ms = ISO.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new TwilioRestError(400, 35115, 'Scheduling does not support this timestamp');
  const lead = ms - now;
  if (lead < MIN_LEAD_MS || lead > MAX_LEAD_MS) throw unsupported();
  return ms;
}
