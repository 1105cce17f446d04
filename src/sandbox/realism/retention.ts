// Retention: keeps at most `max_messages` messages and none older than `max_age_days`. Pruning runs
// off the request path in small transactions, one per event-loop turn, so requests keep being
// served while a large backlog is removed. Messages the lifecycle still has plans for are kept.
import type { RetentionPart, SandboxContext } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { settingsOf } from './state.js';

const BATCH = 200;
/** how often limits are checked when nothing pokes */
const INTERVAL_MS = 30_000;
const DAY_MS = 86_400_000;

interface Victim {
  seq: number;
  sid: string;
  account_sid: string;
}

export class RetentionPruner implements RetentionPart {
  private readonly ctx: SandboxContext;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  /** messages removed since start (reported by health) */
  pruned = 0;

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.poke(), INTERVAL_MS);
    this.timer.unref();
    this.poke();
  }

  stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    return Promise.resolve();
  }

  poke(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      // a full batch means there may be more: continue on a later turn
      if (this.running && this.pruneBatch() === BATCH) this.poke();
    });
  }

  /** Prunes until within limits (tests, and callers who want it done now). */
  drain(): Promise<void> {
    while (this.pruneBatch() === BATCH);
    return Promise.resolve();
  }

  /** Removes at most one batch of messages beyond the limits; returns how many it removed. */
  pruneBatch(): number {
    const { max_messages, max_age_days } = settingsOf(this.ctx).retention;
    if (max_messages <= 0 && max_age_days <= 0) return 0;
    const { db } = this.ctx;
    const victims: Victim[] = [];
    if (max_messages > 0) {
      // the newest message that falls outside the limit: it and everything older goes
      const edge = db.prepare('SELECT seq FROM messages ORDER BY seq DESC LIMIT 1 OFFSET ?').get(max_messages) as
        { seq: number } | undefined;
      if (edge) {
        victims.push(
          ...(db
            .prepare(
              'SELECT seq, sid, account_sid FROM messages WHERE seq <= ? AND next_at IS NULL ORDER BY seq LIMIT ?',
            )
            .all(edge.seq, BATCH) as Victim[]),
        );
      }
    }
    if (max_age_days > 0 && victims.length < BATCH) {
      const cutoff = this.ctx.clock.now() - max_age_days * DAY_MS;
      const after = victims.at(-1)?.seq ?? 0;
      victims.push(
        ...(db
          .prepare(
            // only the oldest rows are looked at: seq follows creation, so a full scan would find no more
            `SELECT seq, sid, account_sid FROM (SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?)
             WHERE date_created < ? AND next_at IS NULL ORDER BY seq`,
          )
          .all(after, BATCH - victims.length, cutoff) as Victim[]),
      );
    }
    if (victims.length === 0) return 0;
    const delHooks = db.prepare("DELETE FROM webhooks WHERE message_sid = ? AND state <> 'pending'");
    const delMessage = db.prepare('DELETE FROM messages WHERE seq = ?');
    db.transaction(() => {
      for (const v of victims) {
        delHooks.run(v.sid);
        delMessage.run(v.seq);
      }
    })();
    this.pruned += victims.length;
    const events: SandboxEvent[] = victims.map((v) => ({
      type: 'message.deleted',
      sid: v.sid,
      accountSid: v.account_sid,
    }));
    for (const e of events) this.ctx.events.publish(e);
    return victims.length;
  }
}
