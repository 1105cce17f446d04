// Sender throughput: each sender sends at its documented rate in message segments per second
// (long code 1, toll-free 3, short code 100) and queues up to `queue_seconds` of backlog. A message
// that would overflow the queue is refused at create (21611) or, sent through a Messaging Service,
// fails later with 30001; one that would wait longer than its ValidityPeriod fails with 30036 when
// that period runs out. Times are wall-clock milliseconds; simulated seconds become wall time
// through the clock's speed-up.
import type { SandboxContext } from '../context.js';
import type { MessageRow } from '../store/messages.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import type { RealismSettings } from './settings.js';
import { settingsOf } from './state.js';

/** Twilio's default ValidityPeriod: 10 hours */
const DEFAULT_VALIDITY_S = 36_000;
const TOLL_FREE = /^\+18(00|33|44|55|66|77|88)\d{7}$/;
const SHORT_CODE = /^\d{3,8}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** The next step planned for a message. */
export interface Plan {
  next_at: number | null;
  next_status: string | null;
  fate: string | null;
}

export type SenderMessage = Pick<
  MessageRow,
  'from_addr' | 'num_segments' | 'validity_period' | 'date_created' | 'send_at' | 'fate'
>;

/** When each sender is next free, per sandbox. */
const queues = new WeakMap<SandboxContext, Map<string, number>>();

function queueOf(ctx: SandboxContext): Map<string, number> {
  let q = queues.get(ctx);
  if (!q) queues.set(ctx, (q = new Map<string, number>()));
  return q;
}

/** Segments per second of a sender. */
export function senderRate(t: RealismSettings['throughput'], from: string): number {
  if (TOLL_FREE.test(from)) return t.toll_free_mps;
  if (SHORT_CODE.test(from)) return t.short_code_mps;
  if (E164.test(from)) return t.long_code_mps;
  return t.other_mps;
}

/**
 * Places a message that is ready to send (`earliest`) in its sender's queue: the plan is either
 * `sending` at its turn, `failed:30036` when its validity ends first, or `'full'` when the queue
 * cannot take it. Only an accepted turn occupies the sender.
 */
export function placeInQueue(ctx: SandboxContext, m: SenderMessage, earliest: number, now: number): Plan | 'full' {
  const t = settingsOf(ctx).throughput;
  const q = queueOf(ctx);
  const start = Math.max(earliest, q.get(m.from_addr) ?? 0);
  const costMs = (Math.max(1, m.num_segments) * 1000) / senderRate(t, m.from_addr);
  // backlog is measured in simulated time, as the documented 10 hours are
  const backlogMs = (start - now) * ctx.clock.speedUp;
  if (backlogMs + costMs > t.queue_seconds * 1000) return 'full';
  const queuedAt = Math.max(m.date_created, m.send_at ?? 0);
  const expiry = queuedAt + ctx.clock.delay((m.validity_period ?? DEFAULT_VALIDITY_S) * 1000);
  if (start > expiry) return { next_at: Math.max(now, Math.ceil(expiry)), next_status: 'failed', fate: 'failed:30036' };
  q.set(m.from_addr, start + ctx.clock.delay(costMs));
  return { next_at: Math.ceil(start), next_status: 'sending', fate: m.fate };
}

/**
 * The lifecycle's hook when a message's next step is `sending`: with throughput on, it waits for
 * its sender's turn; a full queue fails it with 30001 (Messaging Service messages reach this point
 * after they were accepted).
 */
export function senderTurn(ctx: SandboxContext, m: SenderMessage & Plan, now: number): Plan {
  const plan: Plan = { next_at: m.next_at, next_status: m.next_status, fate: m.fate };
  if (!settingsOf(ctx).throughput.enabled || m.next_status !== 'sending' || m.next_at === null) return plan;
  const placed = placeInQueue(ctx, m, m.next_at, now);
  return placed === 'full' ? { next_at: m.next_at, next_status: 'failed', fate: 'failed:30001' } : placed;
}

/**
 * The create hook of a message sent from a plain `From`: refuses it with 21611 when the sender's
 * queue is full, otherwise returns its turn. Messages that are scheduled or go through a Messaging
 * Service are placed later, by the lifecycle.
 */
export function admitToQueue(ctx: SandboxContext, m: SenderMessage & Plan, now: number): Plan {
  const plan: Plan = { next_at: m.next_at, next_status: m.next_status, fate: m.fate };
  if (!settingsOf(ctx).throughput.enabled || m.next_status !== 'sending' || m.next_at === null) return plan;
  const placed = placeInQueue(ctx, m, m.next_at, now);
  if (placed === 'full') throw new TwilioRestError(429, 21611, 'SMS queue is full.');
  return placed;
}

/**
 * Rebuilds the senders' backlog from the messages still waiting for their turn, so that after a
 * restart new messages queue behind them instead of jumping ahead.
 */
export function restoreQueues(ctx: SandboxContext): void {
  const t = settingsOf(ctx).throughput;
  if (!t.enabled) return;
  const rows = ctx.db
    .prepare(
      `SELECT from_addr, MAX(next_at) AS at FROM messages
       WHERE next_at IS NOT NULL AND next_status = 'sending' GROUP BY from_addr`,
    )
    .all() as { from_addr: string; at: number }[];
  const q = queueOf(ctx);
  // the last one's length is not kept: count it as one segment
  for (const r of rows) q.set(r.from_addr, r.at + ctx.clock.delay(1000 / senderRate(t, r.from_addr)));
}

/** Forgets every sender's backlog (settings reset, sandbox reset). */
export function clearQueues(ctx: SandboxContext): void {
  queues.delete(ctx);
}
