// Delivers the webhook outbox: one timer for the earliest due row, a bounded number of requests in
// flight (and of those, a bounded share per receiver), a message's webhooks one at a time and in order. Status callbacks are retried with
// exponential backoff (`webhookRetries`), Event Streams deliveries for four hours (event-retry.ts); inbound webhooks are not retried but fall back to the
// number's SmsFallbackUrl, and their TwiML answer is acted on (see twiml/replies.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxContext, WebhooksPart } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { settingsOf, webhookFault } from '../realism/index.js';
import { onRollback } from '../store/rollbacks.js';
import { handleTwimlOutcome, type TwimlHandling } from '../twiml/replies.js';
import { DestinationSlots, destinationOf } from './destinations.js';
import { eventResult } from './event-retry.js';
import { sendWebhook, type HttpOutcome } from '../webhooks/http.js';
import { dueWebhooks, nextWebhookAt, recordAttempt, type AttemptResult, type WebhookRow } from '../webhooks/outbox.js';

const MAX_IN_FLIGHT = 32;
/** what the log keeps of a response body */
export const LOGGED_BODY = 2048;
/** how much TwiML the sandbox reads */
const TWIML_LIMIT = 64 * 1024;
const MAX_TIMER = 2_147_483_647;
const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 10 * 60_000;

export class WebhookDispatcher implements WebhooksPart {
  private readonly ctx: SandboxContext;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** a receiver that hangs holds a few slots, not all of them (destinations.ts) */
  private readonly destinations = new DestinationSlots();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  /** pump waits for the open turn of group commit to commit */
  private awaitingCommit = false;

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const unsubscribe = this.ctx.events.subscribe((e) => {
      if (e.type === 'reset') this.poke();
    });
    // a rolled-back turn drops the look pump was waiting for: look again
    const stopRollbacks = onRollback(this.ctx.db, () => {
      this.awaitingCommit = false;
      this.poke();
    });
    this.unsubscribe = () => {
      unsubscribe();
      stopRollbacks();
    };
    this.poke();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    // requests cut short stay pending and go out again after a restart
    this.abort.abort();
    await Promise.allSettled(this.inFlight.values());
  }

  poke(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.pump();
    });
  }

  async drain(): Promise<void> {
    for (;;) {
      this.pump();
      if (this.inFlight.size === 0) return;
      await Promise.race(this.inFlight.values());
    }
  }

  private pump(): void {
    if (!this.running) return;
    // a turn of group commit may hold webhooks it wrote and could still roll back: look once it commits
    if (this.ctx.writes.pending) {
      if (!this.awaitingCommit) {
        this.awaitingCommit = true;
        this.ctx.writes.afterCommit(() => {
          this.awaitingCommit = false;
          this.pump();
        });
      }
      return;
    }
    const { db, clock, config } = this.ctx;
    const now = clock.now();
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free > 0) {
      const rows = dueWebhooks(db, now, free, new Set(this.inFlight.keys()), (row) =>
        this.destinations.take(destinationOf(row.url)),
      );
      // a lease: if the process dies mid-request, the row falls due again once the request would have timed out
      const lease = db.prepare('UPDATE webhooks SET next_attempt_at = ? WHERE id = ?');
      try {
        db.transaction(() => {
          for (const row of rows) lease.run(now + config.webhookTimeout + 1000, row.id);
        })();
      } catch (err) {
        // none of them starts: their receivers' shares are free again
        for (const row of rows) this.destinations.give(destinationOf(row.url));
        throw err;
      }
      for (const row of rows) {
        const p = this.deliver(row).finally(() => {
          this.inFlight.delete(row.id);
          this.destinations.give(destinationOf(row.url));
          this.poke();
        });
        this.inFlight.set(row.id, p);
      }
    }
    this.schedule(now);
  }

  /** Arms the timer for the first webhook due after `looked`, the time pump last looked for due ones. */
  private schedule(looked: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    // webhooks due when pump looked and not sent wait for a request in flight (the dispatcher's or
    // their receiver's share is taken): its end pumps again, so only a later one needs the timer
    const at = nextWebhookAt(this.ctx.db, looked);
    if (at === undefined) return;
    const wait = Math.min(MAX_TIMER, Math.max(0, at - this.ctx.clock.now()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
    this.timer.unref();
  }

  private async deliver(row: WebhookRow): Promise<void> {
    const twiml = row.kind !== 'status' && row.kind !== 'event';
    // chaos: a dropped webhook fails as if no answer came; a slow one is held back first
    const fault = webhookFault(settingsOf(this.ctx));
    if (fault && 'delayMs' in fault)
      await sleep(fault.delayMs, undefined, { signal: this.abort.signal }).catch(() => {});
    const outcome: HttpOutcome =
      fault && 'drop' in fault
        ? { status: null, body: null, contentType: null, durationMs: 0, error: 'Dropped by a sandbox chaos rule' }
        : await sendWebhook(row, {
            timeoutMs: this.ctx.config.webhookTimeout,
            bodyLimit: twiml ? TWIML_LIMIT : LOGGED_BODY,
            signal: this.abort.signal,
          });
    if (this.abort.signal.aborted) {
      // cut short by stop(): due again as soon as the sandbox runs again, with the same token
      this.ctx.db
        .prepare("UPDATE webhooks SET next_attempt_at = ? WHERE id = ? AND state = 'pending'")
        .run(this.ctx.clock.now(), row.id);
      return;
    }
    const now = this.ctx.clock.now();
    const events: SandboxEvent[] = [];
    let follow: Pick<TwimlHandling, 'webhooks' | 'replies'> = { webhooks: 0, replies: [] };
    const recorded = this.ctx.db.transaction(() => {
      let result: AttemptResult;
      if (twiml) {
        const handled = handleTwimlOutcome(this.ctx, row, outcome, now, events);
        follow = handled;
        result = { ...base(outcome, now), state: handled.state, nextAttemptAt: null, error: handled.error };
      } else {
        result = row.kind === 'event' ? eventResult(row, outcome, now, this.ctx) : this.statusResult(row, outcome, now);
      }
      return recordAttempt(this.ctx.db, row.id, result) ? result : undefined;
    })();
    // the replies are in the database whether or not the attempt was recorded
    for (const reply of follow.replies) {
      // once committed: a group-commit turn this transaction joined may still roll back
      this.ctx.writes.afterCommit(() => this.ctx.lifecycle.track(reply));
    }
    if (follow.replies.length > 0) this.ctx.lifecycle.poke();
    if (!recorded) return;
    this.ctx.events.publish({ type: 'webhook', id: row.id, messageSid: row.message_sid, state: recorded.state });
    for (const e of events) this.ctx.events.publish(e);
  }

  private statusResult(row: WebhookRow, outcome: HttpOutcome, now: number): AttemptResult {
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    if (ok) return { ...base(outcome, now), state: 'delivered', nextAttemptAt: null, error: null };
    const error = outcome.error ?? `HTTP ${outcome.status}`;
    const attempts = row.attempts + 1;
    if (attempts > this.ctx.config.webhookRetries) {
      return { ...base(outcome, now), state: 'failed', nextAttemptAt: null, error };
    }
    const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempts - 1));
    return {
      ...base(outcome, now),
      state: 'pending',
      nextAttemptAt: now + Math.ceil(this.ctx.clock.delay(backoff)),
      error,
    };
  }
}

export function base(outcome: HttpOutcome, now: number): Omit<AttemptResult, 'state' | 'nextAttemptAt' | 'error'> {
  return {
    status: outcome.status,
    body: outcome.body === null ? null : outcome.body.slice(0, LOGGED_BODY),
    durationMs: outcome.durationMs,
    now,
  };
}
