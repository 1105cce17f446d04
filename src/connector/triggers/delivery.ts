// Delivers the outbox: each leased event is POSTed to its callback URL; 2xx settles it, anything
// else schedules a retry with exponential backoff until the event is older than the retry window,
// when it becomes a dead letter. Events of one order key go strictly one after another (the store
// only hands out the head), so a callback that is down receives everything, in order, once it is up.
// Subscribers are isolated from each other: attempts run independently (no batch waits for its
// slowest member), each subscription has at most one in flight, one account's subscriptions at
// most half the slots, each attempt has one wall-clock deadline for its answer and body, and only a
// few KiB of any answer are read.
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Dispatcher } from 'undici';
import type { ConnectorStore, OutboxEvent } from '../../store/index.js';
import { isLookupBusy } from '../bounded-lookup.js';
import { isOutboundRefused, OutboundPolicy } from '../outbound-url.js';

/** What an outbox row carries: a JSON event, or a signed form webhook forwarded as Twilio sent it. */
export type DeliveryPayload =
  | { type: 'json'; event: string; body: unknown }
  | { type: 'form'; params: Record<string, string | string[]>; signature: string | null };

export interface DeliveryOptions {
  /** first retry delay; default 5 s */
  baseDelayMs?: number;
  /** longest delay between attempts; default 1 h */
  maxDelayMs?: number;
  /** give up on events older than this; default 25 h (so retries span at least 24 h) */
  retryWindowMs?: number;
  /** wall-clock deadline of one attempt, connecting, answer and body together; default 10 s */
  timeoutMs?: number;
  /** how long a claimed event stays leased to this worker (a crashed one frees it then); default 3 × timeoutMs */
  leaseMs?: number;
  /** how often to look for due events without being woken; default 1 s */
  pollMs?: number;
  /** attempts in flight at once, over all subscriptions; default 64 */
  concurrency?: number;
  /**
   * attempts in flight at once for one account's subscriptions, counted over every instance on the
   * store; default half of `concurrency`, so one account's slow callbacks never take every slot
   */
  perAccountConcurrency?: number;
  /** bytes of a callback's answer read (then discarded) before the connection is dropped; default 4 KiB */
  maxResponseBytes?: number;
  /** on stop, how long attempts in flight may finish before they are cut off; default 2 s */
  shutdownGraceMs?: number;
  /** the outbound URL policy every attempt is checked against; by default private addresses are refused */
  policy?: OutboundPolicy;
  /** how long delivered events are kept for de-duplication; default 7 days */
  keepDeliveredMs?: number;
  /** how often old rows are pruned; default 1 h */
  maintenanceMs?: number;
  /** told about store failures (the worker keeps going); never given callback URLs, which may hold secrets */
  onError?: (err: unknown) => void;
}

export interface DeliveryWorker {
  /** look for work now (after an event was committed) */
  wake(): void;
  /** stops claiming, lets attempts in flight finish within the grace period, and gives the rest back */
  stop(): Promise<void>;
}

export function retryDelay(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

/**
 * How an attempt ended, in words that are safe to show a subscriber: never an address, a port or a
 * system error code, which would let a caller map the connector's network.
 */
export const OUTCOME = {
  refused: 'callback refused by the outbound URL policy',
  unreachable: 'callback unreachable',
  timedOut: 'callback timed out',
  /** never attempted: the connector's own name lookups were busy for the whole retry window */
  congested: 'callback not attempted: the connector was too busy looking up its host',
  answered: (status: number) => `callback answered ${status}`,
} as const;

/** An attempt cut off by shutdown: neither success nor failure, the event goes back to the outbox. */
const INTERRUPTED = Symbol('interrupted');
/** An attempt whose host lookup waited behind other names and never ran: not the subscriber's failure. */
const CONGESTED = Symbol('congested');
const TIMEOUT = Symbol('timeout');

type Outcome = null | string | typeof INTERRUPTED | typeof CONGESTED;

interface AttemptLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  dispatcher: Dispatcher;
}

function requestOf(e: OutboxEvent): { headers: Record<string, string>; body: string } {
  const payload = JSON.parse(e.payload) as DeliveryPayload;
  const headers: Record<string, string> = {
    'user-agent': 'twilio-connector',
    'idempotency-key': `${e.subscription_id}:${e.dedupe_key}`,
  };
  if (payload.type === 'json') {
    headers['content-type'] = 'application/json';
    headers['x-connector-event'] = payload.event;
    return { headers, body: JSON.stringify(payload.body) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  if (payload.signature !== null) headers['x-twilio-signature'] = payload.signature;
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(payload.params)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  return { headers, body: form.toString() };
}

async function attempt(e: OutboxEvent, limits: AttemptLimits, abort: AbortController): Promise<Outcome> {
  const { headers, body } = requestOf(e);
  // one deadline for the whole attempt: undici's own timeouts restart with every chunk, so a
  // callback trickling a byte at a time would otherwise hold its slot indefinitely
  const deadline = setTimeout(() => abort.abort(TIMEOUT), limits.timeoutMs);
  try {
    const res = await httpRequest(e.callback_url, {
      method: 'POST',
      headers,
      body,
      signal: abort.signal,
      dispatcher: limits.dispatcher,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    });
    try {
      // read a little so the connection can be reused; leaving the loop early drops the connection
      let seen = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        seen += chunk.length;
        if (seen > limits.maxResponseBytes) break;
      }
    } catch {
      // the status has answered; what follows it does not change the outcome
    }
    return res.statusCode >= 200 && res.statusCode < 300 ? null : OUTCOME.answered(res.statusCode);
  } catch (err) {
    if (abort.signal.aborted) return abort.signal.reason === TIMEOUT ? OUTCOME.timedOut : INTERRUPTED;
    if (isOutboundRefused(err)) return OUTCOME.refused;
    if (isLookupBusy(err)) return CONGESTED;
    const code = (err as { code?: unknown }).code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return OUTCOME.timedOut;
    }
    return OUTCOME.unreachable;
  } finally {
    clearTimeout(deadline);
  }
}

export function startDelivery(store: ConnectorStore, options: DeliveryOptions = {}): DeliveryWorker {
  const base = options.baseDelayMs ?? 5_000;
  const max = options.maxDelayMs ?? 3_600_000;
  const windowMs = options.retryWindowMs ?? 25 * 3_600_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // longer than one attempt may take, so a live worker never loses its lease mid-delivery
  const leaseMs = options.leaseMs ?? timeoutMs * 3;
  const pollMs = options.pollMs ?? 1_000;
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const perAccount = Math.max(1, Math.min(concurrency, options.perAccountConcurrency ?? Math.ceil(concurrency / 2)));
  const graceMs = options.shutdownGraceMs ?? 2_000;
  const policy = options.policy ?? new OutboundPolicy({ allowPrivate: () => false });
  const dispatcher = policy.dispatcher({ connectTimeoutMs: timeoutMs });
  const limits: AttemptLimits = { timeoutMs, maxResponseBytes: options.maxResponseBytes ?? 4096, dispatcher };
  const owner = randomUUID();
  const inFlight = new Map<number, { abort: AbortController; done: Promise<void> }>();
  let stopped = false;
  let claiming: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let soon: NodeJS.Timeout | undefined;

  async function settle(e: OutboxEvent, outcome: Outcome): Promise<void> {
    if (outcome === INTERRUPTED) return store.releaseClaim(e.id, owner);
    const now = Date.now();
    if (outcome === null) return store.markDelivered(e.id, owner, now);
    // tried again soon and not counted, so other callers' slow name servers cannot use up its
    // attempts; but no later than any event is retried, so congestion that never clears ends it too
    if (outcome === CONGESTED) {
      const next = now + base;
      if (next - e.created_at > windowMs) return store.abandonClaim(e.id, owner, OUTCOME.congested, now);
      return store.deferClaim(e.id, owner, next);
    }
    // the policy will refuse this address again: retrying would only repeat the refusal
    const next = outcome === OUTCOME.refused ? null : now + retryDelay(e.attempts, base, max);
    return store.markFailed(e.id, owner, outcome, next === null || next - e.created_at > windowMs ? null : next, now);
  }

  function start(e: OutboxEvent): void {
    const abort = new AbortController();
    const done = attempt(e, limits, abort)
      .then((outcome) => settle(e, outcome))
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        inFlight.delete(e.id);
        // its successor in the order key (or another subscriber) may be due now; completions a
        // moment apart share one claim, whose cost grows with the pending rows
        if (soon === undefined && !stopped) {
          soon = setTimeout(() => {
            soon = undefined;
            pump();
          }, 2);
        }
      });
    inFlight.set(e.id, { abort, done });
  }

  async function fill(): Promise<void> {
    while (!stopped && inFlight.size < concurrency) {
      const wanted = concurrency - inFlight.size;
      const due = await store.claimDue(owner, Date.now(), leaseMs, wanted, perAccount);
      if (stopped) {
        await Promise.all(due.map((e) => store.releaseClaim(e.id, owner)));
        return;
      }
      // an attempt that outlived its lease (a stalled event loop) is handed out again: to this
      // worker, it is already being delivered
      for (const e of due) if (!inFlight.has(e.id)) start(e);
      if (due.length < wanted) return;
    }
  }

  function pump(): void {
    if (stopped) return;
    if (claiming !== undefined) {
      again = true;
      return;
    }
    clearTimeout(timer);
    claiming = fill()
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        claiming = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          pump();
        } else timer = setTimeout(pump, pollMs);
      });
  }

  // Delivered events are kept a week (Twilio's retries of old webhooks stay de-duplicated), and
  // expired idempotency keys go too; every instance may do this, the deletes are idempotent.
  const maintain = (): void => {
    const now = Date.now();
    void store
      .pruneOutbox(now - (options.keepDeliveredMs ?? 7 * 86_400_000))
      .then(() => store.pruneIdempotencyKeys(now))
      .catch((err: unknown) => options.onError?.(err));
  };
  const maintenance = setInterval(maintain, options.maintenanceMs ?? 3_600_000);
  maintenance.unref();
  maintain();

  // Webhooks wake the worker as they are committed. Their claim waits for the next turn of the event
  // loop: acknowledgements finished in this turn are written to Twilio first (SQLite's statements
  // run on this thread), and every webhook of the turn shares that one claim.
  let woken = false;
  const wake = (): void => {
    if (woken || stopped) return;
    woken = true;
    setImmediate(() => {
      woken = false;
      pump();
    });
  };

  pump();
  return {
    wake,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(soon);
      clearInterval(maintenance);
      await claiming;
      // attempts that finish within the grace period settle normally; the rest are cut off and
      // their events given back, to be delivered (again, at least once) after the next start
      const cut = setTimeout(() => {
        for (const { abort } of inFlight.values()) abort.abort(INTERRUPTED);
      }, graceMs);
      await Promise.all([...inFlight.values()].map((a) => a.done));
      clearTimeout(cut);
      await dispatcher.destroy();
    },
  };
}
