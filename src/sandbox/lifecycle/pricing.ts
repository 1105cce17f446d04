// What a message costs in the sandbox: Twilio reports price as a negative decimal string with five
// decimals (`"-0.00790"`), per segment for SMS and per message for MMS. The rates are typical US
// list prices, so totals look plausible in the inbox and in usage records.

/** rates in units of 0.00001 USD */
const SMS_RATE_BY_PREFIX: readonly (readonly [string, number])[] = [
  ['+1', 790], // US and Canada
  ['+44', 4000],
  ['+61', 5150],
];
const SMS_RATE_DEFAULT = 5000;
const MMS_RATE = 2000;
/** Twilio's own fee per WhatsApp message, either way (Meta's conversation fees are not modelled) */
const WHATSAPP_RATE = 500;

export interface Priced {
  to_addr: string;
  num_segments: number;
  num_media: number;
}

function smsRate(to: string): number {
  for (const [prefix, rate] of SMS_RATE_BY_PREFIX) if (to.startsWith(prefix)) return rate;
  return SMS_RATE_DEFAULT;
}

/** Price of one message as Twilio renders it, e.g. `"-0.01580"` for a two-segment US SMS. */
export function priceOf(m: Priced): string {
  const units = m.to_addr.startsWith('whatsapp:')
    ? WHATSAPP_RATE
    : m.num_media > 0
      ? MMS_RATE
      : smsRate(m.to_addr) * Math.max(1, m.num_segments);
  const whole = Math.floor(units / 100_000);
  const frac = String(units % 100_000).padStart(5, '0');
  return `-${whole}.${frac}`;
}
