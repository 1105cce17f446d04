// Whether an account has a "message status changed" subscription, which decides if SendMessage
// routes a message's status callback through the connector. Asked on every send, so the answer is
// cached per account for a short time instead of costing each send a store query; subscribing and
// unsubscribing in this process drop the account's entry at once. Other instances sharing the same
// PostgreSQL database notice a change within `ttlMs`.
import { Lru } from './lru.js';

/** How long an account's answer is reused: an instance that did not see a subscribe may miss sends this long. */
export const STATUS_WATCH_TTL_MS = 10_000;

export type StatusSource = (accountSid: string) => Promise<boolean>;

interface Entry {
  answer: Promise<boolean>;
  expires: number;
}

export class StatusWatch {
  private source: StatusSource | undefined;
  private readonly entries = new Lru<string, Entry>(10_000);

  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs = STATUS_WATCH_TTL_MS, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /** Where answers come from: the triggers, when they are served (without them no send is tracked). */
  attach(source: StatusSource): void {
    this.source = source;
    this.entries.clear();
  }

  /** True when the account has at least one status subscription (as of at most `ttlMs` ago). */
  async has(accountSid: string): Promise<boolean> {
    const source = this.source;
    if (source === undefined) return false;
    const at = this.now();
    const known = this.entries.get(accountSid);
    if (known !== undefined && known.expires > at) return known.answer;
    // concurrent sends share one query; a failed query is not remembered
    const answer = source(accountSid);
    const entry: Entry = { answer, expires: at + this.ttlMs };
    this.entries.set(accountSid, entry);
    answer.catch(() => {
      if (this.entries.get(accountSid) === entry) this.entries.delete(accountSid);
    });
    return answer;
  }

  /** The account's subscriptions changed here: the next send asks the store again. */
  invalidate(accountSid: string): void {
    this.entries.delete(accountSid);
  }
}
