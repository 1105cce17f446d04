// Per-connection throttling, "N calls per window" like the managed connector (100 per 60 s by
// default). A sliding-window counter: the previous window's count is weighted by how much of it
// still overlaps, so a burst at a window edge cannot double the allowance.
//
// Calls are counted before Twilio has accepted the credential, so every distinct wrong token is a
// new entry: the cost of one call must not grow with how many there are. Entries are kept in the
// order their window last started, so the idle ones are at the front and each call looks at no more
// than a couple of them; past `maxEntries` the entry idle longest goes (it starts over, which only
// ever favours that one connection).

export interface ThrottleDecision {
  allowed: boolean;
  /** seconds until a call would be allowed again (0 when allowed) */
  retryAfter: number;
  remaining: number;
}

interface Slot {
  windowStart: number;
  current: number;
  previous: number;
}

/** How many connections are counted at once unless told otherwise. */
export const THROTTLE_MAX_ENTRIES = 50_000;

/** Idle entries one call removes at most: enough to drain them faster than new ones arrive. */
const SWEEP_STEP = 2;

export class Throttle {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;
  /** ordered by windowStart (each entry moves to the end when its window starts) */
  private readonly slots = new Map<string, Slot>();
  private examined = 0;

  constructor(
    limit: number,
    windowSeconds: number,
    now: () => number = Date.now,
    maxEntries: number = THROTTLE_MAX_ENTRIES,
  ) {
    this.limit = limit;
    this.windowMs = windowSeconds * 1000;
    this.now = now;
    this.maxEntries = maxEntries;
  }

  /** Connections counted right now. */
  get size(): number {
    return this.slots.size;
  }

  /** Entries looked at by cleanup since the throttle was made (a measure of its work, for tests). */
  get visited(): number {
    return this.examined;
  }

  /** Counts one call for `key` when it is allowed. A limit of 0 disables throttling. */
  take(key: string): ThrottleDecision {
    if (this.limit <= 0) return { allowed: true, retryAfter: 0, remaining: Number.POSITIVE_INFINITY };
    const now = this.now();
    const start = now - (now % this.windowMs);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { windowStart: start, current: 0, previous: 0 };
      this.slots.set(key, slot);
    } else if (slot.windowStart !== start) {
      slot.previous = start - slot.windowStart === this.windowMs ? slot.current : 0;
      slot.current = 0;
      slot.windowStart = start;
      this.slots.delete(key);
      this.slots.set(key, slot);
    }
    this.sweep(start, slot);
    const overlap = 1 - (now - start) / this.windowMs;
    const used = slot.previous * overlap + slot.current;
    if (used + 1 > this.limit) {
      return { allowed: false, retryAfter: this.retryAfter(slot, now), remaining: 0 };
    }
    slot.current++;
    return { allowed: true, retryAfter: 0, remaining: Math.max(0, Math.floor(this.limit - used - 1)) };
  }

  /** Earliest time the weighted count drops below the limit: within this window or at its end. */
  private retryAfter(slot: Slot, now: number): number {
    const end = slot.windowStart + this.windowMs;
    let waitMs = end - now;
    if (slot.previous > 0 && slot.current + 1 <= this.limit) {
      // previous * (1 - (t - start)/window) + current + 1 <= limit  ⇒  solve for t
      const t = slot.windowStart + this.windowMs * (1 - (this.limit - slot.current - 1) / slot.previous);
      waitMs = Math.min(waitMs, t - now);
    }
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  /**
   * Drops entries idle for two windows (nothing of theirs counts any more) from the front, a few
   * per call, and the front one whenever there are more than `maxEntries`.
   */
  private sweep(start: number, keep: Slot): void {
    for (let i = 0; i < SWEEP_STEP || this.slots.size > this.maxEntries; i++) {
      const first = this.slots.entries().next();
      if (first.done === true) return;
      const [key, slot] = first.value;
      this.examined++;
      if (slot === keep) return;
      if (start - slot.windowStart <= this.windowMs && this.slots.size <= this.maxEntries) return;
      this.slots.delete(key);
    }
  }
}
