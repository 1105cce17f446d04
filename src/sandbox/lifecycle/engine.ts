// The lifecycle engine: moves outbound messages through accepted/scheduled → queued → sending →
// sent → delivered | undelivered, or sending → failed, one step every `statusDelay` ms. The plan
// lives in each row (`next_at`, `next_status`, `fate`), so a restart resumes where it stopped. One
// timer waits for the earliest `next_at`; due rows are advanced in batched transactions, each step
// appending to the row's timeline and writing its signed status callback in the same transaction.
import type { SandboxContext, Service } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { getMessageBySid, type MessageRow, type MessageStatus } from '../store/messages.js';
import { timelineEntry } from '../store/timeline.js';
import { enqueueStatusCallback, type TokenCache } from './callbacks.js';
import { decideFate, decodeFate, encodeFate } from './fate.js';
import { priceOf } from './pricing.js';
import { senderTurn } from '../realism/throughput.js';

const BATCH = 500;
/**
 * With steps of half a second or more, ticks come at most this often (ms): under load every due
 * row would otherwise get a timer, a query and a commit of its own, while Twilio's own status
 * timings vary far more than this.
 */
const TICK_QUANTUM_MS = 20;
/** setTimeout cannot wait longer than this */
const MAX_TIMER = 2_147_483_647;

/** The columns a step may change besides status, date_updated and timeline, in the order they are bound. */
const STEP_COLUMNS = ['next_status', 'next_at', 'fate', 'date_sent', 'price', 'error_code', 'error_message'] as const;

/**
 * What a step reads of a due message. Reading whole rows (body, extra, timeline…) cost more than
 * the steps' writes; the rare step that needs the whole message (a StatusCallback to sign, a
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
  'next_at',
  'next_status',
  ...STEP_COLUMNS,
] as const satisfies readonly (keyof MessageRow)[];

export type StepRow = Pick<MessageRow, (typeof STEP_READ)[number]>;

const DUE_SQL = `SELECT ${[...new Set(STEP_READ)].join(', ')} FROM messages
  WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, seq LIMIT ?`;

/**
 * The UPDATE of one step, naming only the columns it changes: SQLite then leaves alone every index
 * whose columns are not named (a step to `sending` touches neither date index). By rowid (seq):
 * no detour through the SID index. `mask` has bit i set when STEP_COLUMNS[i] changes.
 */
const stepSqls: string[] = [];
function stepSql(mask: number): string {
  const known = stepSqls[mask];
  if (known !== undefined) return known;
  const sets = ['status = ?', 'date_updated = ?', 'timeline = timeline || ?'];
  STEP_COLUMNS.forEach((c, i) => {
    if (mask & (1 << i)) sets.push(`${c} = ?`);
  });
  return (stepSqls[mask] = `UPDATE messages SET ${sets.join(', ')} WHERE seq = ?`);
}

/** The statement and arguments that store `after` over `before`, with its timeline entry. */
function stepUpdate(before: StepRow, after: StepRow): { sql: string; args: (string | number | null)[] } {
  const args: (string | number | null)[] = [
    after.status,
    after.date_updated,
    timelineEntry(after.status, after.date_updated, after.error_code),
  ];
  let mask = 0;
  STEP_COLUMNS.forEach((c, i) => {
    if (before[c] !== after[c]) {
      mask |= 1 << i;
      args.push(after[c]);
    }
  });
  args.push(after.seq);
  return { sql: stepSql(mask), args };
}

export class LifecycleEngine implements Service {
  private readonly ctx: SandboxContext;
  private timer: NodeJS.Timeout | undefined;
  /** when the timer fires (clock ms) */
  private timerAt: number | undefined;
  private lastTick = 0;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  private unsubscribe: (() => void) | undefined;

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // a reset empties the table under our timer: look again rather than fire for nothing
    this.unsubscribe = this.ctx.events.subscribe((e) => {
      if (e.type === 'reset') this.poke();
    });
    this.poke();
  }

  stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.clearTimers();
    return Promise.resolve();
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
    const moved = this.advanceDue(this.ctx.clock.now());
    // a full batch means more may be due: continue on the next turn so requests still get served
    if (moved === BATCH) this.poke();
    else this.schedule();
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
    const due = db.transaction(() => {
      const rows = db.prepare(DUE_SQL).all(now, BATCH) as StepRow[];
      const tokens: TokenCache = new Map();
      for (let row of rows) {
        // with no delay, a message runs its whole course in this one transaction
        while (row.next_at !== null && row.next_at <= now && row.next_status !== null) {
          const before = row;
          row = this.step(row, now);
          const { sql, args } = stepUpdate(before, row);
          db.prepare(sql).run(...args);
          events.push({ type: 'message', sid: row.sid, status: row.status, accountSid: row.account_sid });
          if (row.status_callback === null) continue;
          const stored = getMessageBySid(db, row.sid);
          const id = stored && enqueueStatusCallback(db, stored, now, tokens);
          if (id !== undefined) {
            events.push({ type: 'webhook', id, messageSid: row.sid, state: 'pending' });
            webhooks++;
          }
        }
      }
      return rows.length;
    })();
    for (const e of events) this.ctx.events.publish(e);
    if (webhooks > 0) this.ctx.services.get('webhooks')?.poke?.();
    return due;
  }

  /** The row after its next step. */
  private step(row: StepRow, now: number): StepRow {
    const status = row.next_status as MessageStatus;
    const next: StepRow = { ...row, status, next_status: null, next_at: null, date_updated: now };
    switch (status) {
      case 'queued':
        next.next_status = 'sending';
        break;
      case 'sending': {
        const fate = row.fate
          ? decodeFate(row.fate)
          : decideFate(this.ctx, row, () => getMessageBySid(this.ctx.db, row.sid));
        next.fate = encodeFate(fate);
        next.next_status = fate.status === 'failed' ? 'failed' : 'sent';
        break;
      }
      case 'sent':
        next.date_sent = now;
        next.price = priceOf(row);
        next.next_status = decodeFate(row.fate).status === 'undelivered' ? 'undelivered' : 'delivered';
        break;
      case 'undelivered':
      case 'failed': {
        const fate = decodeFate(row.fate);
        if (fate.status !== 'delivered') {
          next.error_code = fate.code;
          next.error_message = fate.message;
        }
        break;
      }
      default:
        break;
    }
    if (next.next_status !== null) next.next_at = now + Math.ceil(this.ctx.clock.delay(this.ctx.config.statusDelay));
    // with throughput on, a message waits for its sender's turn (or its queue is full, or it expires)
    return { ...next, ...senderTurn(this.ctx, next, now) };
  }
}
