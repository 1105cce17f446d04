// `read`: the recipient opened a delivered WhatsApp message. Twilio learns it from WhatsApp, which
// depends on a person; the sandbox marks messages read when the user writes to the sender again
// (they had the chat open) and when asked through the control API. Each one is a step of the state
// machine (transitions.ts: `read` follows `delivered`) with its timeline entry, `message` event and
// signed status callback, like every step of the engine. SMS and MMS never reach `read`.
import type { SandboxContext } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { isWhatsapp } from '../messaging/whatsapp.js';
import { getMessage, type MessageRow } from '../store/messages.js';
import { timelineEntry } from '../store/timeline.js';
import { enqueueStatusCallback, type TokenCache } from './callbacks.js';
import { decodeFate } from './fate.js';
import { enter } from './transitions.js';

/** Why a message cannot be marked read; undefined when it can. */
export function whyNotReadable(m: Pick<MessageRow, 'direction' | 'from_addr' | 'status'>): string | undefined {
  if (m.direction === 'inbound') return 'only outbound messages are read by their recipient';
  if (!isWhatsapp(m.from_addr)) return 'only WhatsApp messages report read; SMS and MMS stop at delivered';
  if (m.status === 'read') return 'the message is already read';
  if (m.status !== 'delivered') return `a ${m.status} message cannot be read; only delivered ones`;
  return undefined;
}

/**
 * Moves `messages` (delivered WhatsApp messages) to `read`, inside the caller's transaction; returns
 * the events to publish after commit. Messages that cannot be read are left as they are.
 */
function markRead(ctx: SandboxContext, messages: readonly MessageRow[], now: number): SandboxEvent[] {
  const events: SandboxEvent[] = [];
  const tokens: TokenCache = new Map();
  const update = ctx.db.prepare(
    `UPDATE messages SET status = 'read', date_updated = ?, timeline = timeline || ? WHERE seq = ? AND status = 'delivered'`,
  );
  for (const m of messages) {
    if (whyNotReadable(m) !== undefined) continue;
    const entered = enter(m, 'read', {
      now,
      decide: () => decodeFate(m.fate),
      outcome: decodeFate,
      price: () => m.price ?? '',
      refusal: () => undefined,
    });
    if (!entered) continue;
    if (update.run(now, timelineEntry('read', now, null), m.seq).changes === 0) continue;
    const read: MessageRow = { ...m, status: 'read', date_updated: now };
    events.push({ type: 'message', sid: m.sid, status: 'read', accountSid: m.account_sid });
    const id = enqueueStatusCallback(ctx.db, read, now, tokens);
    if (id !== undefined) events.push({ type: 'webhook', id, messageSid: m.sid, state: 'pending' });
  }
  return events;
}

function publish(ctx: SandboxContext, events: readonly SandboxEvent[]): void {
  for (const e of events) ctx.events.publish(e);
  if (events.some((e) => e.type === 'webhook')) ctx.webhooks.poke();
}

/**
 * The user wrote to the sender: every delivered message from that sender to them is now read.
 * Call inside the transaction that stores their message; publish the result after commit.
 */
export function readOnReply(
  ctx: SandboxContext,
  accountSid: string,
  sender: string,
  user: string,
  now: number,
): () => void {
  const delivered = ctx.db
    .prepare(
      `SELECT * FROM messages INDEXED BY messages_from WHERE account_sid = ? AND from_addr = ? AND to_addr = ?
         AND status = 'delivered' AND direction != 'inbound' ORDER BY seq LIMIT 1000`,
    )
    .all(accountSid, sender, user) as MessageRow[];
  const events = delivered.length === 0 ? [] : markRead(ctx, delivered, now);
  return () => publish(ctx, events);
}

/** The recipient read one message (control API); the message as it is now, or why it cannot be read. */
export function readMessage(ctx: SandboxContext, accountSid: string, sid: string): MessageRow | string | undefined {
  const now = ctx.clock.now();
  const result = ctx.db.transaction(() => {
    const m = getMessage(ctx.db, accountSid, sid);
    if (!m) return undefined;
    const why = whyNotReadable(m);
    if (why !== undefined) return why;
    return { events: markRead(ctx, [m], now), sid };
  })();
  if (result === undefined || typeof result === 'string') return result;
  publish(ctx, result.events);
  return getMessage(ctx.db, accountSid, sid);
}
