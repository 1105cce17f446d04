// WhatsApp's refusals at the moment of delivery, as Twilio reports them: the create was accepted
// (201, `queued`), and the message fails where it would have been delivered. From Twilio's shared
// WhatsApp Sandbox number, a user who has not joined the account's sandbox (or whose three-day
// membership ran out) gets 63015; otherwise a free-form message outside the 24-hour window the
// user's last message opened gets 63016. Both durations are simulated time: the speed-up shortens
// them like every other delay, so a test can cross a whole day.
import type { SandboxContext } from '../context.js';
import { isApprovedWhatsAppTemplate } from '../content/template-send.js';
import { isWhatsapp, whatsappNumber } from '../messaging/whatsapp.js';
import { getMessageBySid, type MessageRow } from '../store/messages.js';
import { lastInbound, sandboxJoinedAt, WHATSAPP_SANDBOX_NUMBER } from '../store/whatsapp.js';
import { CHANNEL_CODES, type Fate } from './fate.js';

/** The customer-service window: 24 hours after the user's last message. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;
/** A WhatsApp Sandbox membership lasts three days. */
export const SANDBOX_MEMBERSHIP_MS = 3 * WINDOW_MS;

function refusal(code: 63015 | 63016): Fate {
  return { status: 'failed', code, message: CHANNEL_CODES[code]!.message };
}

/** When the user's window with the sender closes (ms of wall time), or undefined when it never opened. */
export function windowClosesAt(
  ctx: SandboxContext,
  accountSid: string,
  sender: string,
  user: string,
): number | undefined {
  const last = lastInbound(ctx.db, accountSid, sender, user);
  return last === undefined ? undefined : last + ctx.clock.delay(WINDOW_MS);
}

/** The failure WhatsApp reports instead of delivering `message` at `now`; undefined when it goes through. */
export function whatsappRefusal(
  ctx: SandboxContext,
  message: Pick<MessageRow, 'sid' | 'account_sid' | 'from_addr' | 'to_addr'>,
  now: number,
): Fate | undefined {
  if (!isWhatsapp(message.from_addr)) return undefined;
  const { db } = ctx;
  if (whatsappNumber(message.from_addr) === WHATSAPP_SANDBOX_NUMBER) {
    const joined = sandboxJoinedAt(db, message.account_sid, message.to_addr);
    if (joined === undefined || now - joined >= ctx.clock.delay(SANDBOX_MEMBERSHIP_MS)) return refusal(63015);
  }
  const closes = windowClosesAt(ctx, message.account_sid, message.from_addr, message.to_addr);
  if (closes !== undefined && now < closes) return undefined;
  const whole = getMessageBySid(db, message.sid);
  // only a template WhatsApp approved may open a conversation
  return whole && isApprovedWhatsAppTemplate(whole) ? undefined : refusal(63016);
}
