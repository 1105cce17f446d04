// Event Streams delivery: turns a message's status change or arrival into a CloudEvent for every
// active webhook sink subscribed to its type, and queues each delivery in the webhook outbox (kind
// `event`) inside the caller's transaction, so the event is as durable as the change it reports. The
// lifecycle and the inbound path call it where they queue status callbacks and SmsUrl webhooks.
// Which accounts subscribe to which types is cached: a step of an account with no subscription
// costs one map lookup.
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { getAccount } from '../store/accounts.js';
import { targetsOf, type StreamTarget } from '../store/event-streams.js';
import type { MessageRow } from '../store/messages.js';
import { newSid } from '../sids.js';
import { twilioSignature } from '../webhooks/signature.js';
import { enqueueEventDelivery } from '../webhooks/outbox.js';
import {
  INBOUND_EVENT_TYPE,
  INBOUND_MESSAGE_SCHEMA,
  MESSAGE_STATUS_SCHEMA,
  STATUS_EVENT_TYPES,
  schemaUrl,
} from './catalog.js';

/** A CloudEvents 1.0 event as Twilio delivers it. */
export interface CloudEvent {
  specversion: '1.0';
  type: string;
  source: string;
  id: string;
  dataschema: string;
  datacontenttype: 'application/json';
  time: string;
  data: Record<string, unknown>;
}

/** The fields of a message an event reports; whole rows and the lifecycle's step rows both fit. */
export type EventMessage = Pick<
  MessageRow,
  'sid' | 'account_sid' | 'to_addr' | 'from_addr' | 'status' | 'num_segments' | 'num_media' | 'error_code'
> &
  Partial<Pick<MessageRow, 'messaging_service_sid' | 'body'>>;

export interface SinkConfiguration {
  destination: string;
  method: 'POST';
  batch_events: boolean;
}

/** Reads a stored webhook sink configuration (validated when the sink was created). */
export function webhookConfiguration(text: string): SinkConfiguration {
  const c = JSON.parse(text) as { destination: string; batch_events?: boolean };
  return { destination: c.destination, method: 'POST', batch_events: c.batch_events === true };
}

/**
 * The URL Twilio requests: the destination with `bodySHA256` (the hex SHA-256 of the exact body)
 * added to its query. `signed` is that URL without user-info (which the request sends as an
 * Authorization header instead): the signature covers it.
 */
export function signedDestination(destination: string, body: string): { url: string; signed: string } {
  const u = new URL(destination);
  u.hash = '';
  u.searchParams.append('bodySHA256', createHash('sha256').update(body, 'utf8').digest('hex'));
  const url = u.href;
  u.username = '';
  u.password = '';
  return { url, signed: u.href };
}

const upper = (s: string): string => s.toUpperCase();

function statusData(m: EventMessage, type: string, time: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    messageSid: m.sid,
    timestamp: time,
    accountSid: m.account_sid,
    eventName: type,
    apiVersion: '2010-04-01',
    from: m.from_addr,
    to: m.to_addr,
    messageStatus: upper(m.status),
  };
  if (m.messaging_service_sid) data['messagingServiceSid'] = m.messaging_service_sid;
  if (m.error_code !== null) data['errorCode'] = m.error_code;
  data['tags'] = {};
  data['numberOfSegments'] = m.num_segments;
  data['dateUpdated'] = time;
  return data;
}

/** What an arrival was, beyond the message: the opt-out keyword it carried, if any. */
export interface Arrival {
  optOutType?: 'STOP' | 'START' | 'HELP' | undefined;
}

function inboundData(m: EventMessage, time: string, arrival: Arrival): Record<string, unknown> {
  const data: Record<string, unknown> = {
    messageSid: m.sid,
    timestamp: time,
    accountSid: m.account_sid,
    eventName: INBOUND_EVENT_TYPE,
    from: m.from_addr,
    to: m.to_addr,
    body: m.body ?? '',
    numMedia: m.num_media,
    numSegments: m.num_segments,
    recipients: [],
  };
  if (m.messaging_service_sid) data['messagingServiceSid'] = m.messaging_service_sid;
  // unlike the webhook's OptOutType (Advanced Opt-Out only), the event names any keyword
  if (arrival.optOutType !== undefined) data['optOutType'] = arrival.optOutType;
  return data;
}

interface Pending {
  accountSid: string;
  event: CloudEvent;
  target: StreamTarget;
}

/**
 * The sandbox's Event Streams: which types each account subscribes to (cached until a
 * subscription, sink or reset changes it) and the queueing of deliveries.
 */
export class EventStreams {
  private readonly db: Db;
  /** account → the types it subscribes to, for accounts asked about since the last change */
  private readonly subscribed = new Map<string, ReadonlySet<string>>();

  constructor(db: Db) {
    this.db = db;
  }

  /** A sink, subscription or subscribed type changed (or the sandbox was reset): read them again. */
  changed(): void {
    this.subscribed.clear();
  }

  private typesOf(accountSid: string): ReadonlySet<string> {
    let types = this.subscribed.get(accountSid);
    if (types === undefined) {
      const rows = this.db
        .prepare(
          `SELECT DISTINCT e.type FROM subscribed_events e JOIN stream_subscriptions s ON s.sid = e.subscription_sid
             JOIN sinks k ON k.sid = s.sink_sid WHERE e.account_sid = ? AND k.status = 'active'`,
        )
        .all(accountSid) as { type: string }[];
      types = new Set(rows.map((r) => r.type));
      this.subscribed.set(accountSid, types);
    }
    return types;
  }

  /** True when some active sink of the account takes the event of a message entering `status`. */
  wantsStatus(accountSid: string, status: string): boolean {
    const type = STATUS_EVENT_TYPES[status as keyof typeof STATUS_EVENT_TYPES];
    return type !== undefined && this.typesOf(accountSid).has(type);
  }

  /**
   * Queues the events of messages that changed in one transaction (a status step, an arrival);
   * a sink with `batch_events` gets them in one request, the others one request each. Call inside
   * that transaction; returns the outbox ids (poke ctx.webhooks after commit).
   */
  enqueue(messages: readonly { message: EventMessage; inbound: boolean; arrival?: Arrival }[], now: number): number[] {
    const pending: Pending[] = [];
    const time = new Date(now).toISOString();
    for (const { message: m, inbound, arrival } of messages) {
      const type = inbound ? INBOUND_EVENT_TYPE : STATUS_EVENT_TYPES[m.status];
      if (type === undefined || !this.typesOf(m.account_sid).has(type)) continue;
      const schema = inbound ? INBOUND_MESSAGE_SCHEMA : MESSAGE_STATUS_SCHEMA;
      const id = newSid('EZ', now);
      const data = inbound ? inboundData(m, time, arrival ?? {}) : statusData(m, type, time);
      for (const target of targetsOf(this.db, m.account_sid, type)) {
        pending.push({
          accountSid: m.account_sid,
          target,
          event: {
            specversion: '1.0',
            type,
            source: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}.json`,
            id,
            dataschema: schemaUrl(schema.id, target.schema_version),
            datacontenttype: 'application/json',
            time,
            data,
          },
        });
      }
    }
    if (pending.length === 0) return [];
    const bySink = new Map<string, Pending[]>();
    for (const p of pending) {
      const list = bySink.get(p.target.sink_sid);
      if (list) list.push(p);
      else bySink.set(p.target.sink_sid, [p]);
    }
    const ids: number[] = [];
    for (const [sinkSid, list] of bySink) {
      const first = list[0]!;
      const config = webhookConfiguration(first.target.sink_configuration);
      const bodies = config.batch_events
        ? [JSON.stringify(list.map((p) => p.event))]
        : list.map((p) => JSON.stringify(p.event));
      for (const body of bodies) {
        const id = this.deliver(first.accountSid, sinkSid, config.destination, body, now);
        if (id !== undefined) ids.push(id);
      }
    }
    return ids;
  }

  /** Queues one signed request of `body` to a sink (test events use it too). */
  deliver(accountSid: string, sinkSid: string, destination: string, body: string, now: number): number | undefined {
    const authToken = getAccount(this.db, accountSid)?.auth_token;
    if (authToken === undefined) return undefined;
    const { url, signed } = signedDestination(destination, body);
    return enqueueEventDelivery(this.db, {
      accountSid,
      sinkSid,
      url,
      body,
      signature: twilioSignature(authToken, signed),
      now,
    });
  }
}
