// A per-account cap on in-flight requests. Twilio answers 429/20429 when an account has too many
// concurrent requests, so excess requests wait here in arrival order instead of being rejected.
// Limiters are shared by every client for the same account and API origin, because the connector
// may hold several clients for one account (one per credential).

import { abortError } from './abort.js';

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
}

export class ConcurrencyLimiter {
  readonly max: number;
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly onIdle: (() => void) | undefined;

  constructor(max: number, onIdle?: () => void) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxConcurrency must be an integer ≥ 1');
    this.max = max;
    this.onIdle = onIdle;
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      // the slot passes straight to the next waiter, so the count stays the same
      if (next) next.grant(this.releaser());
      else {
        this.active--;
        if (this.active === 0) this.onIdle?.();
      }
    };
  }
}

const shared = new Map<string, ConcurrencyLimiter>();

/** What names the limiter of one account at one API origin with one cap (see limiterFor). */
export function limiterKey(origin: string, accountSid: string, max: number): string {
  return `${origin}|${accountSid}|${max}`;
}

/** The limiter under `key` (from limiterKey), allowing `max` in flight; forgotten again once idle. */
export function limiterFor(key: string, max: number): ConcurrencyLimiter {
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = new ConcurrencyLimiter(max, () => shared.delete(key));
    shared.set(key, limiter);
  }
  return limiter;
}
