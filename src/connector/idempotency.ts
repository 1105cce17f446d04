// Idempotency-Key on SendMessage: the first request with a key is sent once and its answer kept
// (24 h); repeats get that answer back, concurrent duplicates wait for the first instead of sending
// again, and reusing a key for a different body is refused (422). State lives in the connector
// store so several instances agree; an in-process map only shortens the wait.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdempotencyClaim, IdempotencyStore } from '../store/types.js';
import { ApiError } from './errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

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
  private readonly local = new Map<string, Promise<unknown>>();

  constructor(store: IdempotencyStore, options: { waitMs: number; pollMs?: number }) {
    this.store = store;
    this.waitMs = options.waitMs;
    this.pollMs = options.pollMs ?? 50;
  }

  async run(scope: string, key: string, hash: string, send: () => Promise<Outcome>): Promise<IdempotentResult> {
    const deadline = Date.now() + this.waitMs;
    const localKey = `${scope}\n${key}`;
    for (;;) {
      const claim: IdempotencyClaim = await this.store.claimIdempotencyKey(scope, key, hash, IDEMPOTENCY_TTL_MS);
      if (claim.state === 'new') return this.first(scope, key, localKey, send);
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
    localKey: string,
    send: () => Promise<Outcome>,
  ): Promise<IdempotentResult> {
    const work = (async (): Promise<IdempotentResult> => {
      let outcome: Outcome;
      try {
        outcome = await send();
      } catch (err) {
        await this.store.releaseIdempotencyKey(scope, key);
        throw err;
      }
      if (outcome.release) await this.store.releaseIdempotencyKey(scope, key);
      else await this.store.completeIdempotencyKey(scope, key, outcome.status, outcome.body, outcome.contentType);
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
  done?: { status: number; body: string; contentType: string };
}

/** In-process store for embedding and tests; the durable stores live in src/store. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  claimIdempotencyKey(scope: string, key: string, hash: string, ttlMs: number): Promise<IdempotencyClaim> {
    const id = `${scope}\n${key}`;
    const now = Date.now();
    if (this.entries.size >= 10_000) this.sweep(now);
    const entry = this.entries.get(id);
    if (!entry || entry.expires <= now) {
      this.entries.set(id, { hash, expires: now + ttlMs });
      return Promise.resolve({ state: 'new' });
    }
    if (!entry.done) return Promise.resolve({ state: 'in-flight', requestHash: entry.hash });
    return Promise.resolve({ state: 'done', requestHash: entry.hash, ...entry.done });
  }

  completeIdempotencyKey(scope: string, key: string, status: number, body: string, contentType: string): Promise<void> {
    const entry = this.entries.get(`${scope}\n${key}`);
    if (entry) entry.done = { status, body, contentType };
    return Promise.resolve();
  }

  releaseIdempotencyKey(scope: string, key: string): Promise<void> {
    this.entries.delete(`${scope}\n${key}`);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.entries) if (entry.expires <= now) this.entries.delete(id);
  }
}
