// Every webhook subscribe passes here before it stores anything. One account's subscriptions are
// bounded: each status change fans out to every matching subscription (one callback POST and one
// outbox row each), so an unbounded count lets one caller turn a single send into thousands of
// deliveries. A subscribe identical to one the account already has (same kind, callback URL and
// filters) gets that one back instead of a copy, as a workflow engine that subscribes again expects.
// Checking and storing run one after another per account in this process, so concurrent subscribes
// can neither pass the limit together nor store the same subscription twice.
import type { Subscription, SubscriptionKind } from '../../store/index.js';
import { ApiError } from '../errors.js';
import type { TriggerContext } from './context.js';

/** How many subscriptions one account may have unless `--max-subscriptions` says otherwise. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;

const KINDS: readonly SubscriptionKind[] = ['received', 'status', 'optout'];

/** What makes two subscriptions the same: they would deliver the same events to the same place. */
export type SubscriptionShape = Pick<
  Subscription,
  'kind' | 'account_sid' | 'callback_url' | 'phone_number' | 'auto_reply' | 'statuses'
> & { stream?: unknown };

function same(a: Subscription, b: SubscriptionShape): boolean {
  return (
    a.kind === b.kind &&
    a.callback_url === b.callback_url &&
    a.phone_number === b.phone_number &&
    a.auto_reply === b.auto_reply &&
    JSON.stringify(a.statuses) === JSON.stringify(b.statuses) &&
    (a.stream === undefined) === (b.stream === undefined) &&
    // one whose Event Streams subscribe never finished is not reused: reconciliation removes it
    (a.stream === undefined || a.stream.subscription_sid !== null)
  );
}

export class Admission {
  readonly limit: number;
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(limit: number = DEFAULT_MAX_SUBSCRIPTIONS) {
    this.limit = limit;
  }

  /**
   * The account's subscription identical to `wanted`, if there is one; otherwise runs `create`
   * (which stores it) and returns undefined. Refuses with SUBSCRIPTION_LIMIT_REACHED when the
   * account already has `limit` subscriptions.
   */
  admit(
    ctx: TriggerContext,
    wanted: SubscriptionShape,
    create: () => Promise<void>,
  ): Promise<Subscription | undefined> {
    return this.serially(wanted.account_sid, async () => {
      const existing: Subscription[] = [];
      for (const kind of KINDS) existing.push(...(await ctx.store.listSubscriptions(wanted.account_sid, kind)));
      const found = existing.find((s) => same(s, wanted));
      if (found !== undefined) return found;
      if (existing.length >= this.limit) throw limitReached(this.limit);
      await create();
      return undefined;
    });
  }

  private serially<T>(key: string, run: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(run, run);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // the last one out forgets the account, so the map holds only accounts subscribing right now
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

function limitReached(limit: number): ApiError {
  return new ApiError(
    'SUBSCRIPTION_LIMIT_REACHED',
    `This account already has ${limit} subscriptions, the most this connector keeps per account: delete the ones no longer used (DELETE /subscriptions/{id}), or have the connector's operator raise --max-subscriptions (CONNECTOR_MAX_SUBSCRIPTIONS)`,
  );
}
