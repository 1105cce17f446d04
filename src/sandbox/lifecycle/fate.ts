// How an outbound message ends. The default rules are deterministic so that tests and demos can
// pick an outcome through the destination number alone: when the last five digits of `To` are one
// of Twilio's delivery error codes, the message ends with that error. A per-sandbox decider (fault
// injection) runs first and may override the outcome.
import type { SandboxContext } from '../context.js';
import type { MessageRow } from '../store/messages.js';

export type Fate = { status: 'delivered' } | { status: 'undelivered' | 'failed'; code: number; message: string };

export type FateDecider = (message: MessageRow) => Fate | undefined;

/** Twilio error codes the default rules understand, with the status they end in. */
export const FATE_CODES: Readonly<Record<number, { status: 'undelivered' | 'failed'; message: string }>> = {
  30001: { status: 'failed', message: 'Queue overflow' },
  30002: { status: 'failed', message: 'Account suspended' },
  30003: { status: 'undelivered', message: 'Unreachable destination handset' },
  30004: { status: 'undelivered', message: 'Message blocked' },
  30005: { status: 'undelivered', message: 'Unknown destination handset' },
  30006: { status: 'undelivered', message: 'Landline or unreachable carrier' },
  30007: { status: 'undelivered', message: 'Message filtered' },
  30008: { status: 'undelivered', message: 'Unknown error' },
  30010: { status: 'failed', message: 'Message price exceeds max price' },
  30034: { status: 'failed', message: 'Message from an unregistered number' },
  30036: { status: 'failed', message: 'Validity Period Expired' },
};

/** Codes a message may end with that no delivery rule picks: refusals decided at create. */
const REFUSAL_CODES: Readonly<Record<number, { status: 'failed'; message: string }>> = {
  21610: { status: 'failed', message: 'Attempt to send to unsubscribed recipient' },
};

/**
 * Errors a channel reports as it would deliver a message (transitions.ts `refusal`), by their
 * Twilio code. Not chosen by the destination's digits: only the channel's own rules give them.
 */
export const CHANNEL_CODES: Readonly<Record<number, { status: 'failed'; message: string }>> = {
  63015: {
    status: 'failed',
    message: 'Channel Sandbox can only send messages to phone numbers that have joined the Sandbox',
  },
  63016: {
    status: 'failed',
    message:
      'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
  },
};

const deciders = new WeakMap<SandboxContext, FateDecider>();

/** Installs (or with `undefined`, removes) the decider consulted before the default rules. */
export function setFateDecider(ctx: SandboxContext, decider: FateDecider | undefined): void {
  if (decider) deciders.set(ctx, decider);
  else deciders.delete(ctx);
}

export function defaultFate(message: Pick<MessageRow, 'to_addr'>): Fate {
  const digits = message.to_addr.replace(/\D/g, '');
  const code = Number(digits.slice(-5));
  const known = FATE_CODES[code];
  if (digits.length > 5 && known) return { status: known.status, code, message: known.message };
  return { status: 'delivered' };
}

/** `load` reads the whole message, for an installed decider only (the default rules need `to`). */
export function decideFate(
  ctx: SandboxContext,
  message: Pick<MessageRow, 'to_addr'>,
  load: () => MessageRow | undefined,
): Fate {
  const decider = deciders.get(ctx);
  const whole = decider && load();
  return (whole && decider(whole)) ?? defaultFate(message);
}

/** The `fate` column: `delivered`, `undelivered:30003`, `failed:30001`. */
export function encodeFate(fate: Fate): string {
  return fate.status === 'delivered' ? 'delivered' : `${fate.status}:${fate.code}`;
}

export function decodeFate(text: string | null): Fate {
  if (!text || text === 'delivered') return { status: 'delivered' };
  const [status, codeText] = text.split(':');
  const code = Number(codeText);
  const known = FATE_CODES[code] ?? REFUSAL_CODES[code] ?? CHANNEL_CODES[code];
  return {
    status: status === 'failed' ? 'failed' : 'undelivered',
    code: Number.isInteger(code) ? code : 30008,
    message: known?.message ?? 'Unknown error',
  };
}
