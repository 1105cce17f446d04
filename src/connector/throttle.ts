// Per-connection throttling, "N calls per window" like the managed connector (100 per 60 s by
// default). A sliding-window counter: the previous window's count is weighted by how much of it
// still overlaps, so a burst at a window edge cannot double the allowance.

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

export class Throttle {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly slots = new Map<string, Slot>();

  constructor(limit: number, windowSeconds: number, now: () => number = Date.now) {
    this.limit = limit;
    this.windowMs = windowSeconds * 1000;
    this.now = now;
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
      this.sweep(start);
    } else if (slot.windowStart !== start) {
      slot.previous = start - slot.windowStart === this.windowMs ? slot.current : 0;
      slot.current = 0;
      slot.windowStart = start;
    }
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

  /** Drops connections idle for two windows so the map does not grow without bound. */
  private sweep(start: number): void {
    if (this.slots.size < 10_000) return;
    for (const [key, slot] of this.slots) if (start - slot.windowStart > this.windowMs) this.slots.delete(key);
  }
}
