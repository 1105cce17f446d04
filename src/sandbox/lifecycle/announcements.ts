// The steps of planned courses (course.ts) still to announce: their rows are already written in
// their final state, so all that is left at each step's time is the `message` event the inbox and
// other listeners wait for. One lane per step number: messages are created in time order and each
// step comes a fixed delay after the one before, so every lane fills in time order, and adding or
// taking a step costs O(1). (Should a lane's times ever go back, as when the clock's speed-up
// changes, the step is placed in order.)
import type { SandboxEvent } from '../events.js';

export interface Announcement {
  at: number;
  event: SandboxEvent;
}

/**
 * Past this many waiting steps (some 100,000 messages on their way), new ones are not announced:
 * the messages still move on time for every reader, only their live events are skipped.
 */
export const MAX_ANNOUNCEMENTS = 300_000;

class Lane {
  private items: Announcement[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  get first(): Announcement | undefined {
    return this.items[this.head];
  }

  push(a: Announcement): void {
    const items = this.items;
    let i = items.length;
    while (i > this.head && items[i - 1]!.at > a.at) i--;
    if (i === items.length) items.push(a);
    else items.splice(i, 0, a);
  }

  shift(): Announcement {
    const a = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as Announcement;
    // drop the consumed front now and then, not on every step
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return a;
  }
}

export class AnnouncementQueue {
  private readonly lanes: Lane[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** When the earliest waiting step is due, if any. */
  get nextAt(): number | undefined {
    let at: number | undefined;
    for (const lane of this.lanes) {
      const first = lane.first;
      if (first !== undefined && (at === undefined || first.at < at)) at = first.at;
    }
    return at;
  }

  /** Step `n` (1 for the first after the create) of some message; false when the queue is full. */
  push(n: number, a: Announcement): boolean {
    if (this.count >= MAX_ANNOUNCEMENTS) return false;
    while (this.lanes.length < n) this.lanes.push(new Lane());
    this.lanes[n - 1]!.push(a);
    this.count++;
    return true;
  }

  /**
   * Removes and returns the steps due at `now`, lane by lane: a message whose steps are all due
   * has them in order.
   */
  takeDue(now: number): SandboxEvent[] {
    const due: SandboxEvent[] = [];
    for (const lane of this.lanes) {
      while (lane.size > 0 && lane.first!.at <= now) due.push(lane.shift().event);
    }
    this.count -= due.length;
    return due;
  }

  clear(): void {
    this.lanes.length = 0;
    this.count = 0;
  }
}
