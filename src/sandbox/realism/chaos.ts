// Fault injection: turns the chaos rules of the settings into outcomes. Each rule fires on its own
// with its probability; the first rule of a kind that fires decides. Errors carry Twilio's codes and
// wording so that client error handling meets what Twilio would send.
import type { Fate } from '../lifecycle/fate.js';
import { FATE_CODES } from '../lifecycle/fate.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import type { ChaosRule, RealismSettings } from './settings.js';

type RuleOf<T extends ChaosRule['type']> = Extract<ChaosRule, { type: T }>;

/** The first rule of `type` that fires this time, if chaos is on. */
export function firing<T extends ChaosRule['type']>(settings: RealismSettings, type: T): RuleOf<T> | undefined {
  if (!settings.chaos.enabled) return undefined;
  for (const rule of settings.chaos.rules) {
    if (rule.type === type && Math.random() < rule.probability) return rule as RuleOf<T>;
  }
  return undefined;
}

const HTTP_FAULTS: Readonly<Record<number, { code: number; message: string }>> = {
  429: { code: 20429, message: 'Too Many Requests' },
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
};

/** An HTTP error to answer a Twilio API request with instead of handling it. */
export function httpFault(settings: RealismSettings): TwilioRestError | undefined {
  const rule = firing(settings, 'http_error');
  if (!rule) return undefined;
  const fault = HTTP_FAULTS[rule.status] ?? { code: 20500, message: 'Internal Server Error' };
  // a 429 or 503 tells the client when to come back, as Twilio's edge does
  const headers: Record<string, string> = rule.status === 500 ? {} : { 'Retry-After': '1' };
  return new TwilioRestError(rule.status, fault.code, fault.message, { headers });
}

/** Milliseconds (wall time) to hold a Twilio API request before handling it. */
export function latencyMs(settings: RealismSettings): number {
  return firing(settings, 'latency')?.ms ?? 0;
}

/** The error a message create fails with instead of being accepted. */
export function createFault(
  settings: RealismSettings,
  m: { to: string; from: string; mms: boolean },
): TwilioRestError | undefined {
  const rule = firing(settings, 'create_error');
  if (!rule) return undefined;
  const channel = m.mms ? 'MMS' : 'SMS';
  switch (rule.code) {
    case 21408:
      return new TwilioRestError(
        400,
        21408,
        `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${m.to}.`,
      );
    case 21610:
      return new TwilioRestError(400, 21610, 'Attempt to send to unsubscribed recipient');
    case 21611:
      return new TwilioRestError(429, 21611, 'SMS queue is full.');
    case 21612:
      return new TwilioRestError(
        400,
        21612,
        `The 'To' phone number: ${m.to}, is not currently reachable using the 'From' phone number: ${m.from} via ${channel}.`,
      );
    case 21614:
      return new TwilioRestError(400, 21614, `To number: ${m.to}, is not a mobile number`);
  }
}

/** How a message ends when a delivery-failure rule fires (the lifecycle's fate decider). */
export function deliveryFault(settings: RealismSettings, _m: unknown): Fate | undefined {
  const rule = firing(settings, 'delivery_failure');
  if (!rule) return undefined;
  const known = FATE_CODES[rule.code];
  return known
    ? { status: known.status, code: rule.code, message: known.message }
    : { status: 'undelivered', code: rule.code, message: 'Unknown error' };
}

/** What happens to one webhook attempt: dropped (never sent), held back first, or nothing. */
export function webhookFault(settings: RealismSettings): { drop: true } | { delayMs: number } | undefined {
  if (firing(settings, 'webhook_drop')) return { drop: true };
  const slow = firing(settings, 'webhook_delay');
  return slow ? { delayMs: slow.ms } : undefined;
}
