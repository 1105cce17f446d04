// Triggers that listen through Event Streams instead of a number's SmsUrl: one sink and one
// subscription upstream per connector subscription (a sink takes one subscription), made active
// through Twilio's Test/Validate handshake, and removed together on unsubscribe. Every sink this
// connector creates is marked so that a start-up reconciliation can find the ones it no longer
// knows (left behind by a crash or a lost database) and remove them, and only them: the sink's
// description is `twilio-connector <store tag> <subscription id>`, where the tag is derived from
// this store's own key, so another connector (or anything else) on the same account is never touched.
import { createHmac } from 'node:crypto';
import type { EventStreamsResource } from '../../twilio/index.js';
import type { StreamBinding, Subscription } from '../../store/index.js';
import { ApiError, fromUpstream } from '../errors.js';
import type { TriggerContext } from './context.js';
import { signingCredentials } from './proven.js';

export const EVENTS_PATH = '/twilio/events';

/** How long subscribing waits for Twilio's test event to reach the connector. */
const HANDSHAKE_MS = 15_000;
/** A subscription still without its upstream subscription after this long was cut short by a crash. */
const ABANDONED_MS = 5 * 60_000;

export const STATUS_TYPES = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'read'] as const;
export const INBOUND_TYPE = 'com.twilio.messaging.inbound-message.received';
export const STATUS_TYPE_PREFIX = 'com.twilio.messaging.message.';

const MARKER = /^twilio-connector ([0-9a-f]{12}) ([0-9A-Za-z-]{1,64})$/;

/** This store's tag in sink descriptions: stable across restarts and instances sharing the store. */
export async function storeTag(ctx: Pick<TriggerContext, 'store'>): Promise<string> {
  return createHmac('sha256', await ctx.store.sharedKey())
    .update('event-streams sink marker')
    .digest('hex')
    .slice(0, 12);
}

export function sinkDescription(tag: string, subscriptionId: string): string {
  return `twilio-connector ${tag} ${subscriptionId}`;
}

/** The subscription id a sink description of this store names, or undefined for anyone else's sink. */
export function markedSubscription(description: string, tag: string): string | undefined {
  const m = MARKER.exec(description);
  return m !== null && m[1] === tag ? m[2] : undefined;
}

/**
 * Test events the connector is waiting for, by subscription id: the CloudEvents endpoint hands a
 * verified test event's `test_id` to the subscribe request that asked Twilio for it.
 */
export class Handshakes {
  private readonly waiting = new Map<string, (testId: string) => void>();

  wait(subscriptionId: string, ms = HANDSHAKE_MS): { testId: Promise<string | undefined>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const testId = new Promise<string | undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
      this.waiting.set(subscriptionId, (id) => resolve(id));
    }).finally(() => {
      clearTimeout(timer);
      this.waiting.delete(subscriptionId);
    });
    return { testId, cancel: () => this.waiting.get(subscriptionId)?.('') };
  }

  /** True when a subscribe request was waiting for this test event. */
  deliver(subscriptionId: string, testId: string): boolean {
    const resolve = this.waiting.get(subscriptionId);
    if (resolve === undefined) return false;
    resolve(testId);
    return true;
  }
}

/** The Event Streams types a subscription listens to. */
export function typesOf(sub: Pick<Subscription, 'kind' | 'statuses'>): string[] {
  if (sub.kind === 'received') return [INBOUND_TYPE];
  const wanted = STATUS_TYPES.filter((s) => sub.statuses === null || sub.statuses.includes(s));
  return wanted.map((s) => STATUS_TYPE_PREFIX + s);
}

/**
 * Creates the sink and subscription of `sub` (already stored, with an empty binding): sink, Test,
 * the test event's id back through Validate, then the subscription. On failure removes what it
 * made and throws the error to answer with.
 */
export async function openStream(
  ctx: TriggerContext,
  events: EventStreamsResource,
  sub: Subscription,
  destination: string,
): Promise<StreamBinding> {
  const binding: StreamBinding = { sink_sid: null, subscription_sid: null };
  const tag = await storeTag(ctx);
  try {
    const sink = await events.createWebhookSink(sinkDescription(tag, sub.id), {
      destination,
      method: 'POST',
      batch_events: true,
    });
    binding.sink_sid = sink.sid;
    await ctx.store.setSubscriptionStream(sub.id, binding);
    const handshake = ctx.handshakes.wait(sub.id);
    try {
      await events.testSink(sink.sid);
    } catch (err) {
      handshake.cancel();
      throw err;
    }
    const testId = await handshake.testId;
    if (testId === undefined || testId === '') {
      throw new ApiError(
        'UPSTREAM_TIMEOUT',
        `Twilio’s test event did not reach the connector at ${destination} within ${HANDSHAKE_MS / 1000} s: set --public-url to an address Twilio can reach`,
      );
    }
    const result = await events.validateSink(sink.sid, testId);
    if (result !== 'valid') {
      throw new ApiError('TWILIO_REJECTED', `Twilio did not validate the sink (answer: ${result.slice(0, 40)})`, {
        status: 502,
      });
    }
    const subscription = await events.createSubscription(
      `twilio-connector ${sub.kind} trigger`,
      sink.sid,
      typesOf(sub).map((type) => ({ type })),
    );
    binding.subscription_sid = subscription.sid;
    await ctx.store.setSubscriptionStream(sub.id, binding);
    return binding;
  } catch (err) {
    await closeStream(events, binding).catch(() => undefined);
    throw fromUpstream(err);
  }
}

/** Removes a binding's subscription, then its sink (deleting a subscription leaves the sink). Gone is fine. */
export async function closeStream(events: EventStreamsResource, binding: StreamBinding): Promise<void> {
  const gone = (err: unknown): void => {
    if ((err as { status?: unknown }).status !== 404) throw err;
  };
  if (binding.subscription_sid !== null) await events.removeSubscription(binding.subscription_sid).catch(gone);
  if (binding.sink_sid !== null) {
    // a subscription this connector did not record (cut short after creating it) still holds the sink
    for (const s of await events.listSubscriptions(binding.sink_sid))
      await events.removeSubscription(s.sid).catch(gone);
    await events.removeSink(binding.sink_sid).catch(gone);
  }
}

export interface ReconcileReport {
  accounts: number;
  /** sinks of this store that no subscription knows, removed with their subscriptions */
  removedSinks: number;
  /** subscriptions whose subscribe was cut short, forgotten */
  removedSubscriptions: number;
}

/**
 * For every account the store holds a credential for: removes the sinks (and their subscriptions)
 * this store created but no longer knows, and forgets subscriptions whose subscribe never finished.
 * Other sinks are never touched. An account Twilio cannot be asked about now is skipped.
 */
export async function reconcileStreams(
  ctx: TriggerContext,
  onError: (err: unknown, accountSid: string) => void,
  now = Date.now(),
): Promise<ReconcileReport> {
  const report: ReconcileReport = { accounts: 0, removedSinks: 0, removedSubscriptions: 0 };
  if (ctx.box === undefined) return report;
  const tag = await storeTag(ctx);
  for (const accountSid of await ctx.store.listCredentialAccounts()) {
    const [c] = await signingCredentials(ctx, accountSid, now);
    if (c === undefined) continue;
    try {
      const events = ctx.eventsFor(c);
      const known = new Map<string, Subscription>();
      for (const kind of ['received', 'status'] as const) {
        for (const s of await ctx.store.listSubscriptions(accountSid, kind)) if (s.stream) known.set(s.id, s);
      }
      for (const s of known.values()) {
        if (s.stream?.subscription_sid === null && now - s.created_at > ABANDONED_MS) {
          await ctx.store.deleteSubscription(s.id);
          known.delete(s.id);
          report.removedSubscriptions++;
        }
      }
      for (const sink of await events.listSinks()) {
        const id = markedSubscription(sink.description, tag);
        if (id === undefined) continue;
        const owner = known.get(id);
        if (owner !== undefined && owner.stream?.sink_sid === sink.sid) continue;
        // created by this store for a subscription it no longer has (or a sink it replaced)
        await closeStream(events, { sink_sid: sink.sid, subscription_sid: null });
        report.removedSinks++;
      }
      report.accounts++;
    } catch (err) {
      onError(err, accountSid);
    }
  }
  return report;
}
