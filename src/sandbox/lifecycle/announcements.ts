// The steps of planned courses (course.ts) still to announce: their rows are already written in
// their final state, so the only thing left at each step's time is the `message` event the inbox
// and other listeners wait for. A binary min-heap on the step time.
import type { SandboxEvent } from '../events.js';

export interface Announcement {
  at: number;
  event: SandboxEvent;
}

/**
 * Past this many waiting steps (some 100,000 messages on the way), new ones are not announced:
 * the messages still move on time for every reader, only their live events are skipped.
 */
export const MAX_ANNOUNCEMENTS = 300_000;

export class AnnouncementQueue {
  private readonly heap: Announcement[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** When the earliest waiting step is due, if any. */
  get nextAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** False (and nothing queued) when the queue is full. */
  push(a: Announcement): boolean {
    const heap = this.heap;
    if (heap.length >= MAX_ANNOUNCEMENTS) return false;
    let i = heap.length;
    heap.push(a);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= a.at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = a;
    return true;
  }

  /** Removes and returns the steps due at `now`, earliest first. */
  takeDue(now: number): SandboxEvent[] {
    const due: SandboxEvent[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) due.push(this.pop().event);
    return due;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private pop(): Announcement {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
