// The steps of planned courses (course.ts) still to announce: their rows are already written in
// their final state, so all that is left at each step's time is the `message` event the inbox and
// other listeners wait for. Steps wait in lanes, one per step number and delay since the create:
// messages are created in time order, so each lane fills in time order and adding or taking a step
// costs O(1). A change of delays (another speed-up) opens new lanes instead of disordering old ones.
import type { SandboxEvent } from '../events.js';

export interface Announcement {
  at: number;
  event: SandboxEvent;
}

/**
 * Past this many waiting steps (some 100,000 messages on their way), new courses are not announced:
 * the messages still move on time for every reader, only their live events are skipped.
 */
export const MAX_ANNOUNCEMENTS = 300_000;

interface Queued extends Announcement {
  /** the step's number in its course, so that steps due together go out in order */
  step: number;
}

class Lane {
  private items: Queued[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  get first(): Queued | undefined {
    return this.items[this.head];
  }

  push(a: Queued): void {
    const items = this.items;
    // in order but for clock corrections: walk back over the few later ones
    let i = items.length;
    while (i > this.head && items[i - 1]!.at > a.at) i--;
    if (i === items.length) items.push(a);
    else items.splice(i, 0, a);
  }

  shift(): Queued {
    const a = this.items[this.head]!;
    this.head++;
    // drop the consumed front now and then, not on every step
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return a;
  }
}

export class AnnouncementQueue {
  private readonly lanes = new Map<string, Lane>();
  private count = 0;
  private readonly capacity: number;

  constructor(capacity = MAX_ANNOUNCEMENTS) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.count;
  }

  /** When the earliest waiting step is due, if any. */
  get nextAt(): number | undefined {
    let at: number | undefined;
    for (const lane of this.lanes.values()) {
      const first = lane.first;
      if (first !== undefined && (at === undefined || first.at < at)) at = first.at;
    }
    return at;
  }

  /**
   * The steps of one course, in order, `from` being when its first one was counted from (the
   * create): all of them, or none when they do not fit (a course is never announced in part).
   */
  pushCourse(from: number, steps: readonly Announcement[]): boolean {
    if (this.count + steps.length > this.capacity) return false;
    for (let i = 0; i < steps.length; i++) {
      const a = steps[i]!;
      const key = `${i}:${a.at - from}`;
      let lane = this.lanes.get(key);
      if (!lane) this.lanes.set(key, (lane = new Lane()));
      lane.push({ at: a.at, event: a.event, step: i });
    }
    this.count += steps.length;
    return true;
  }

  /** Removes and returns the steps due at `now`, by time, each course's in order. */
  takeDue(now: number): SandboxEvent[] {
    const due: Queued[] = [];
    for (const [key, lane] of this.lanes) {
      while (lane.size > 0 && lane.first!.at <= now) due.push(lane.shift());
      if (lane.size === 0) this.lanes.delete(key);
    }
    this.count -= due.length;
    if (due.length > 1) due.sort((a, b) => a.at - b.at || a.step - b.step);
    return due.map((a) => a.event);
  }

  clear(): void {
    this.lanes.clear();
    this.count = 0;
  }
}
