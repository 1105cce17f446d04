// Delivers the outbox: each leased event is POSTed to its callback URL; 2xx settles it, anything
// else schedules a retry with exponential backoff until the event is older than the retry window,
// when it becomes a dead letter. Events of one order key go strictly one after another (the store
// only hands out the head), so a callback that is down receives everything, in order, once it is up.
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Dispatcher } from 'undici';
import type { ConnectorStore, OutboxEvent } from '../../store/index.js';

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
  /** per attempt; default 10 s */
  timeoutMs?: number;
  /** how long a claimed event stays leased to this worker (a crashed one frees it then); default 3 × timeoutMs */
  leaseMs?: number;
  /** how often to look for due events without being woken; default 1 s */
  pollMs?: number;
  dispatcher?: Dispatcher;
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
  stop(): Promise<void>;
}

export function retryDelay(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

async function deliver(e: OutboxEvent, timeoutMs: number, dispatcher: Dispatcher | undefined): Promise<string | null> {
  const payload = JSON.parse(e.payload) as DeliveryPayload;
  const headers: Record<string, string> = {
    'user-agent': 'twilio-connector',
    'idempotency-key': `${e.subscription_id}:${e.dedupe_key}`,
  };
  let body: string;
  if (payload.type === 'json') {
    headers['content-type'] = 'application/json';
    headers['x-connector-event'] = payload.event;
    body = JSON.stringify(payload.body);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    if (payload.signature !== null) headers['x-twilio-signature'] = payload.signature;
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(payload.params)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
    body = form.toString();
  }
  try {
    const res = await httpRequest(e.callback_url, {
      method: 'POST',
      headers,
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(dispatcher === undefined ? {} : { dispatcher }),
    });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300 ? null : `HTTP ${res.statusCode}`;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : 'request failed';
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
  const owner = randomUUID();
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function drain(): Promise<void> {
    for (;;) {
      const due = await store.claimDue(owner, Date.now(), leaseMs, 16);
      if (due.length === 0 || stopped) return;
      // distinct order keys: safe to deliver side by side
      await Promise.all(
        due.map(async (e) => {
          const error = await deliver(e, timeoutMs, options.dispatcher);
          const now = Date.now();
          if (error === null) return store.markDelivered(e.id, owner, now);
          const next = now + retryDelay(e.attempts, base, max);
          return store.markFailed(e.id, owner, error, next - e.created_at > windowMs ? null : next, now);
        }),
      );
    }
  }

  function run(): void {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = drain()
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        running = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          run();
        } else timer = setTimeout(run, pollMs);
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

  run();
  return {
    wake: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(maintenance);
      await running;
    },
  };
}
