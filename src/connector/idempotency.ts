// Idempotency-Key on SendMessage: the first request with a key is sent once and its answer kept
// (24 h); repeats get that answer back, concurrent duplicates wait for the first instead of sending
// again, and reusing a key for a different body is refused (422). State lives in the connector
// store so several instances agree; an in-process map only shortens the wait. A claim whose process
// died before recording the outcome is leased, not held for the day: see idempotencyLeaseMs.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdempotencyClaim, IdempotencyLease, IdempotencyStore } from '../store/types.js';
import { ApiError } from './errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The shortest lease on an in-flight claim. */
export const IDEMPOTENCY_MIN_LEASE_MS = 10 * 60 * 1000;

/**
 * How long an in-flight claim holds its key before a retry with the same body may take it over:
 * 10 minutes, or 20 × the upstream timeout when that is longer. A send lasts at most four attempts
 * of about three timeouts each plus three retry pauses of up to 5 s, so a live send is never taken
 * over; only one whose process died (or hung) is.
 */
export function idempotencyLeaseMs(upstreamTimeoutMs: number): number {
  return Math.max(IDEMPOTENCY_MIN_LEASE_MS, 20 * upstreamTimeoutMs);
}

export interface Outcome {
  status: number;
  /** the JSON body of the answer */
  body: string;
  contentType: string;
  /** headers of the first answer only (a replay is the stored body) */
  headers?: Record<string, string>;
  /** true when the request surely did not reach Twilio, so the key may be used again */
  release?: boolean;
}

export interface IdempotentResult extends Outcome {
  replayed: boolean;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hash of what makes two requests "the same": key order and absent fields do not matter. */
export function requestHash(operation: string, body: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonical(body)).digest('hex');
}

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export class Idempotency {
  private readonly store: IdempotencyStore;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly local = new Map<string, Promise<unknown>>();

  constructor(store: IdempotencyStore, options: { waitMs: number; pollMs?: number; leaseMs?: number }) {
    this.store = store;
    this.waitMs = options.waitMs;
    this.pollMs = options.pollMs ?? 50;
    this.leaseMs = options.leaseMs ?? IDEMPOTENCY_MIN_LEASE_MS;
  }

  async run(scope: string, key: string, hash: string, send: () => Promise<Outcome>): Promise<IdempotentResult> {
    const deadline = Date.now() + this.waitMs;
    const localKey = `${scope}\n${key}`;
    for (;;) {
      const lease = { ms: this.leaseMs, token: randomUUID() };
      const claim: IdempotencyClaim = await this.store.claimIdempotencyKey(scope, key, hash, IDEMPOTENCY_TTL_MS, lease);
      if (claim.state === 'new') return this.first(scope, key, lease.token, localKey, send);
      if (claim.requestHash !== hash) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request body; use a new key for a new message',
        );
      }
      if (claim.state === 'done') {
        return { status: claim.status, body: claim.body, contentType: claim.contentType, replayed: true };
      }
      if (Date.now() >= deadline) {
        throw new ApiError(
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is still being processed; retry in a moment',
          { headers: { 'retry-after': '1' } },
        );
      }
      const running = this.local.get(localKey);
      if (running) await running.catch(() => undefined);
      else await sleep(this.pollMs);
    }
  }

  private async first(
    scope: string,
    key: string,
    token: string,
    localKey: string,
    send: () => Promise<Outcome>,
  ): Promise<IdempotentResult> {
    const work = (async (): Promise<IdempotentResult> => {
      let outcome: Outcome;
      try {
        outcome = await send();
      } catch (err) {
        await this.store.releaseIdempotencyKey(scope, key, token);
        throw err;
      }
      if (outcome.release) await this.store.releaseIdempotencyKey(scope, key, token);
      else {
        await this.store.completeIdempotencyKey(scope, key, outcome.status, outcome.body, outcome.contentType, token);
      }
      return { ...outcome, replayed: false };
    })();
    this.local.set(localKey, work);
    try {
      return await work;
    } finally {
      this.local.delete(localKey);
    }
  }
}

interface Entry {
  hash: string;
  expires: number;
  /** while in flight: when another request with the same body may take the claim over */
  leaseUntil?: number;
  token?: string;
  done?: { status: number; body: string; contentType: string };
}

const MEMORY_SWEEP_AT = 10_000;

/** In-process store for embedding and tests; the durable stores live in src/store. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly key = randomBytes(32);
  private sweepAt = MEMORY_SWEEP_AT;

  sharedKey(): Promise<Buffer> {
    return Promise.resolve(this.key);
  }

  claimIdempotencyKey(
    scope: string,
    key: string,
    hash: string,
    ttlMs: number,
    lease?: IdempotencyLease,
  ): Promise<IdempotencyClaim> {
    const id = `${scope}\n${key}`;
    const now = Date.now();
    if (this.entries.size >= this.sweepAt) this.sweep(now);
    const entry = this.entries.get(id);
    const abandoned =
      entry !== undefined &&
      !entry.done &&
      entry.hash === hash &&
      entry.leaseUntil !== undefined &&
      entry.leaseUntil <= now;
    if (!entry || entry.expires <= now || abandoned) {
      const fresh: Entry = { hash, expires: now + ttlMs };
      if (lease !== undefined) {
        fresh.leaseUntil = now + lease.ms;
        fresh.token = lease.token;
      }
      this.entries.set(id, fresh);
      return Promise.resolve({ state: 'new' });
    }
    if (!entry.done) return Promise.resolve({ state: 'in-flight', requestHash: entry.hash });
    return Promise.resolve({ state: 'done', requestHash: entry.hash, ...entry.done });
  }

  completeIdempotencyKey(
    scope: string,
    key: string,
    status: number,
    body: string,
    contentType: string,
    token?: string,
  ): Promise<void> {
    const entry = this.entries.get(`${scope}\n${key}`);
    if (entry && (token === undefined || entry.token === token)) {
      entry.done = { status, body, contentType };
      delete entry.leaseUntil;
    }
    return Promise.resolve();
  }

  releaseIdempotencyKey(scope: string, key: string, token?: string): Promise<void> {
    const id = `${scope}\n${key}`;
    const entry = this.entries.get(id);
    if (entry && !entry.done && (token === undefined || entry.token === token)) this.entries.delete(id);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.entries) if (entry.expires <= now) this.entries.delete(id);
    // a map full of live keys is swept again only once it has doubled, not on every claim
    this.sweepAt = Math.max(MEMORY_SWEEP_AT, 2 * this.entries.size);
  }
}
