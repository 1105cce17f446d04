// The lifecycle engine: runs the state machine of transitions.ts on outbound messages, one step
// every `statusDelay` ms (or at the sender's turn, sender-turn.ts). The plan
// lives in each row (`next_at`, `next_status`, `fate`), so a restart resumes where it stopped. One
// timer waits for the earliest `next_at`; due rows are advanced in batched transactions, each step
// appending to the row's timeline and writing its signed status callback (and Event Streams
// deliveries) in the same transaction. When requests hold a turn of group commit open, that
// transaction is part of the turn, and the steps are announced once the turn commits.
import type { LifecyclePart, SandboxContext } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { getMessageBySid, type MessageRow } from '../store/messages.js';
import { onRollback } from '../store/rollbacks.js';
import { timelineEntry } from '../store/timeline.js';
import { enqueueStatusCallback, type TokenCache } from './callbacks.js';
import { decideFate, decodeFate } from './fate.js';
import { columnsWritten, enter, type OutboundStatus } from './transitions.js';
import { priceOf } from './pricing.js';
import { senderTurnOf } from './sender-turn.js';
import { whatsappRefusal } from './whatsapp-window.js';

const BATCH = 500;
/**
 * With steps of half a second or more, ticks come at most this often (ms): under load every due
 * row would otherwise get a timer, a query and a commit of its own, while Twilio's own status
 * timings vary far more than this.
 */
const TICK_QUANTUM_MS = 20;
/** setTimeout cannot wait longer than this */
const MAX_TIMER = 2_147_483_647;
/** after a failed step, real milliseconds before the next try */
const RETRY_MS = 1_000;

/** The columns a step may change besides status, date_updated and timeline, in the order they are bound. */
const STEP_COLUMNS = ['next_status', 'next_at', 'fate', 'date_sent', 'price', 'error_code', 'error_message'] as const;

/**
 * What a step reads of a due message. Whole rows (body, extra, timeline…) would cost more to read
 * than the steps' writes; the rare step that needs the whole message (a StatusCallback to sign, a
 * fault-injection decider) reads it by SID.
 */
const STEP_READ = [
  'seq',
  'sid',
  'account_sid',
  'to_addr',
  'from_addr',
  'status',
  'num_segments',
  'num_media',
  'status_callback',
  'validity_period',
  'send_at',
  'date_created',
  'date_updated',
  ...STEP_COLUMNS,
] as const satisfies readonly (keyof MessageRow)[];

export type StepRow = Pick<MessageRow, (typeof STEP_READ)[number]>;

/**
 * A copy of the step fields (of a whole row, without the body, extra… that an entry would keep
 * alive), always built in the same shape so that the code reading it stays monomorphic.
 */
function stepRow(m: StepRow): StepRow {
  return {
    seq: m.seq,
    sid: m.sid,
    account_sid: m.account_sid,
    to_addr: m.to_addr,
    from_addr: m.from_addr,
    status: m.status,
    num_segments: m.num_segments,
    num_media: m.num_media,
    status_callback: m.status_callback,
    validity_period: m.validity_period,
    send_at: m.send_at,
    date_created: m.date_created,
    date_updated: m.date_updated,
    next_at: m.next_at,
    next_status: m.next_status,
    fate: m.fate,
    date_sent: m.date_sent,
    price: m.price,
    error_code: m.error_code,
    error_message: m.error_message,
  };
}

const STEP_SQL = `SELECT ${STEP_READ.join(', ')} FROM messages WHERE seq = ?`;
/** Covered by messages_next (next_at, then the rowid): no row is read to find what is due. */
const DUE_SQL =
  'SELECT seq, next_at FROM messages WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, seq LIMIT ?';

/**
 * In-flight messages the engine remembers between steps, so that a due step costs no read of its
 * row: about 20 MB at most (5,000 sends a second with 1 s steps keep some 15,000 in flight). Past
 * this many it forgets them all and reads rows again (a backlog of scheduled messages).
 */
const REMEMBERED_MAX = 50_000;

/** Columns every step may change (the sender's queue may fail a message at any step before `sending`). */
const ALWAYS = ['status', 'date_updated', 'next_status', 'next_at', 'fate'] as const;

interface StepUpdate {
  sql: string;
  columns: readonly (keyof StepRow)[];
}

/**
 * The UPDATE of a step into each status, by rowid (seq): the columns every step changes and those
 * the state machine says entering that status fills in (transitions.ts), so that a step leaves
 * alone the indexes of columns it does not write (only `sent` touches the date_sent index).
 */
const stepUpdates = new Map<string, StepUpdate>();
function stepUpdate(status: OutboundStatus): StepUpdate {
  let known = stepUpdates.get(status);
  if (known === undefined) {
    const columns = [...new Set([...ALWAYS, ...columnsWritten(status)])];
    const sets = [...columns.map((c) => `${c} = ?`), 'timeline = timeline || ?'];
    known = { sql: `UPDATE messages SET ${sets.join(', ')} WHERE seq = ?`, columns };
    stepUpdates.set(status, known);
  }
  return known;
}

/** The arguments of `update` that store `row`, with its timeline entry. */
function stepArgs(update: StepUpdate, row: StepRow): (string | number | null)[] {
  const args: (string | number | null)[] = update.columns.map((c) => row[c]);
  args.push(timelineEntry(row.status, row.date_updated, row.error_code), row.seq);
  return args;
}

export class LifecycleEngine implements LifecyclePart {
  private readonly ctx: SandboxContext;
  private timer: NodeJS.Timeout | undefined;
  /** when the timer fires (clock ms) */
  private timerAt: number | undefined;
  private lastTick = 0;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  /**
   * The state of each in-flight message after its last step, by seq. The database stays the
   * truth: an entry is used only while its `next_at` is the row's (anything else that moves a
   * message, such as a cancel or a reset, changes or clears `next_at`), and every rollback forgets
   * them all (an undone insert gives its seq back for another message).
   */
  private readonly remembered = new Map<number, StepRow>();

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // a reset empties the table under our timer: look again rather than fire for nothing
    const unsubscribe = this.ctx.events.subscribe((e) => {
      if (e.type !== 'reset') return;
      this.remembered.clear();
      this.poke();
    });
    // A rolled-back turn may have taken steps with it, and given the seqs of its inserts back to
    // SQLite for new messages: nothing remembered from before can be trusted.
    const stopRollbacks = onRollback(this.ctx.db, () => this.remembered.clear());
    this.unsubscribe = () => {
      unsubscribe();
      stopRollbacks();
    };
    this.poke();
  }

  stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.clearTimers();
    return Promise.resolve();
  }

  /** A committed message that just entered the lifecycle: its first step will not read it back. */
  track(message: MessageRow): void {
    // already due (steps of 0 ms): the engine may have moved it on before the commit, and would
    // then keep this first state for nothing
    if (message.next_at === null || message.next_at <= this.ctx.clock.now()) return;
    this.remember(message.seq, stepRow(message));
  }

  private remember(seq: number, row: StepRow): void {
    if (this.remembered.size >= REMEMBERED_MAX) this.remembered.clear();
    this.remembered.set(seq, row);
  }

  /** `at`: when the new work is due; nothing to do when the timer already fires by then. */
  poke(at?: number): void {
    if (!this.running || this.immediate) return;
    if (at !== undefined && this.timerAt !== undefined && at >= this.timerAt) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.tick();
    });
  }

  drain(): Promise<void> {
    while (this.advanceDue(this.ctx.clock.now()) === BATCH);
    this.schedule();
    return Promise.resolve();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.timerAt = undefined;
    this.immediate = undefined;
  }

  private tick(): void {
    if (!this.running) return;
    this.lastTick = this.ctx.clock.now();
    try {
      const moved = this.advanceDue(this.ctx.clock.now());
      // a full batch means more may be due: continue on the next turn so requests still get served
      if (moved === BATCH) this.poke();
      else this.schedule();
    } catch (err) {
      // a step that cannot be written (disk full, a locked database) is rolled back whole and taken
      // again later; thrown from a timer it would stop the sandbox
      this.ctx.backgroundError('lifecycle', err);
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (!this.running) return;
    this.clearTimers();
    this.timerAt = this.ctx.clock.now() + RETRY_MS;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.tick();
    }, RETRY_MS);
    this.timer.unref();
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    const row = this.ctx.db.prepare('SELECT MIN(next_at) AS at FROM messages WHERE next_at IS NOT NULL').get() as {
      at: number | null;
    };
    if (row.at === null) return;
    const now = this.ctx.clock.now();
    const quantum = this.ctx.config.statusDelay >= 500 ? TICK_QUANTUM_MS : 0;
    const wait = Math.min(MAX_TIMER, Math.max(0, row.at - now, this.lastTick + quantum - now));
    this.timerAt = now + wait;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.tick();
    }, wait);
    this.timer.unref();
  }

  /** Advances every message due at `now` (at most one batch); returns how many rows were due. */
  advanceDue(now: number): number {
    const { db } = this.ctx;
    const events: SandboxEvent[] = [];
    let webhooks = 0;
    const streamed: { message: MessageRow; inbound: false }[] = [];
    const remembered = this.remembered;
    const due = db.transaction(() => {
      const dueRows = db.prepare(DUE_SQL).all(now, BATCH) as { seq: number; next_at: number }[];
      const tokens: TokenCache = new Map();
      for (const { seq, next_at: nextAt } of dueRows) {
        const known = remembered.get(seq);
        let row = known?.next_at === nextAt ? known : (db.prepare(STEP_SQL).get(seq) as StepRow | undefined);
        if (!row) continue;
        // with no delay, a message runs its whole course in this one transaction
        while (row.next_at !== null && row.next_at <= now && row.next_status !== null) {
          const after = this.step(row, now);
          if (!after) {
            // a status that cannot come next (a row changed by hand): the message stays as it is
            db.prepare('UPDATE messages SET next_at = NULL, next_status = NULL WHERE seq = ?').run(seq);
            row = { ...row, next_at: null, next_status: null };
            break;
          }
          row = after;
          const update = stepUpdate(row.status as OutboundStatus);
          db.prepare(update.sql).run(stepArgs(update, row));
          events.push({ type: 'message', sid: row.sid, status: row.status, accountSid: row.account_sid });
          if (this.ctx.streams.wantsStatus(row.account_sid, row.status)) {
            const message = getMessageBySid(db, row.sid);
            if (message) streamed.push({ message, inbound: false });
          }
          if (row.status_callback === null) continue;
          const stored = getMessageBySid(db, row.sid);
          const id = stored && enqueueStatusCallback(db, stored, now, tokens);
          if (id !== undefined) {
            events.push({ type: 'webhook', id, messageSid: row.sid, state: 'pending' });
            webhooks++;
          }
        }
        if (row.next_at === null) remembered.delete(seq);
        else this.remember(seq, row);
      }
      // one batch of events per transaction: a batch_events sink gets them in one request
      if (streamed.length > 0) webhooks += this.ctx.streams.enqueue(streamed, now).length;
      return dueRows.length;
    })();
    // inside a turn of group commit, the steps are only as durable as the turn: heard of once it commits
    if (events.length > 0 || webhooks > 0) {
      this.ctx.writes.afterCommit(() => {
        for (const e of events) this.ctx.events.publish(e);
        if (webhooks > 0) this.ctx.webhooks.poke();
      });
    }
    return due;
  }

  /** The row after its next step (transitions.ts), or undefined when that step is not allowed. */
  private step(row: StepRow, now: number): StepRow | undefined {
    const entered = enter(row, row.next_status ?? '', {
      now,
      decide: () => decideFate(this.ctx, row, () => getMessageBySid(this.ctx.db, row.sid)),
      outcome: decodeFate,
      price: () => priceOf(row),
      refusal: () => whatsappRefusal(this.ctx, row, now),
    });
    if (!entered) return undefined;
    const next = stepRow(row);
    next.status = entered.status;
    next.next_status = entered.next_status;
    next.fate = entered.fate;
    next.date_sent = entered.date_sent;
    next.price = entered.price;
    next.error_code = entered.error_code;
    next.error_message = entered.error_message;
    next.date_updated = now;
    next.next_at =
      next.next_status === null ? null : now + Math.ceil(this.ctx.clock.delay(this.ctx.config.statusDelay));
    // with throughput on, a message waits for its sender's turn (or its queue is full, or it expires)
    const turn = senderTurnOf(this.ctx, next, now);
    next.next_at = turn.next_at;
    next.next_status = turn.next_status;
    next.fate = turn.fate;
    return next;
  }
}
