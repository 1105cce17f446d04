// The endpoint an Event Streams sink of the connector delivers to: `POST /twilio/events/{id}`, one
// path per connector subscription. The body (one CloudEvent, or an array when batched) must carry
// Twilio's signature over the URL with its `bodySHA256`, made with the current credential of the
// subscription's account (or the one before it, just after a rotation); anything else gets 403 and nothing is stored. A verified test event
// completes the subscribe handshake; a messaging event is committed to the outbox (one per
// CloudEvent id, so Twilio's at-least-once duplicates add nothing) before Twilio gets its 2xx.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { rfc2822 } from '../../shared/dates.js';
import type { NewOutboxEvent, Subscription } from '../../store/index.js';
import { validateSignatureWithBody } from '../../twilio/index.js';
import type { TriggerContext } from './context.js';
import type { DeliveryPayload } from './delivery.js';
import { EVENTS_PATH, INBOUND_TYPE, STATUS_TYPE_PREFIX } from './event-streams.js';
import type { MessageEvent, StatusEvent } from './message-event.js';
import { signingCredentials } from './proven.js';
import { requestUrlOf } from './public-url.js';

const TEST_TYPE = 'com.twilio.eventstreams.test-event';
/** a batch is at most this many events; more is not a Twilio delivery */
const MAX_EVENTS = 1000;

interface CloudEvent {
  id: string;
  type: string;
  time: string | undefined;
  data: Record<string, unknown>;
}

function cloudEvents(raw: string): CloudEvent[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  if (list.length > MAX_EVENTS) return undefined;
  const out: CloudEvent[] = [];
  for (const e of list) {
    if (typeof e !== 'object' || e === null) return undefined;
    const o = e as Record<string, unknown>;
    const data = o['data'];
    if (typeof o['id'] !== 'string' || o['id'] === '' || typeof o['type'] !== 'string') return undefined;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    out.push({
      id: o['id'],
      type: o['type'],
      time: typeof o['time'] === 'string' ? o['time'] : undefined,
      data: data as Record<string, unknown>,
    });
  }
  return out;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const count = (v: unknown, fallback: number): string =>
  String(typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);

function at(e: CloudEvent): string {
  const ms = e.time === undefined ? Number.NaN : Date.parse(e.time);
  return rfc2822(Number.isNaN(ms) ? Date.now() : ms);
}

/** The Message model of an inbound message, from a `Messaging.InboundMessageV1` event. */
function inboundMessage(e: CloudEvent, accountSid: string): MessageEvent {
  const d = e.data;
  const when = at(e);
  return {
    sid: text(d['messageSid']) ?? '',
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: typeof d['body'] === 'string' ? d['body'] : '',
    date_created: when,
    date_updated: when,
    date_sent: when,
    direction: 'inbound',
    error_code: null,
    error_message: null,
    from: text(d['from']),
    to: text(d['to']) ?? '',
    messaging_service_sid: text(d['messagingServiceSid']),
    num_media: count(d['numMedia'], 0),
    num_segments: count(d['numSegments'], 1),
    status: 'received',
    media: [],
    // the inbound event names the channel in its address but carries none of WhatsApp's webhook fields
    channel: text(d['from'])?.startsWith('whatsapp:') === true ? 'whatsapp' : 'sms',
    whatsapp: null,
  };
}

/** A status change, from a `Messaging.MessageStatus` event (Twilio sends the status in upper case). */
function statusChange(e: CloudEvent, accountSid: string): StatusEvent {
  const d = e.data;
  const status = text(d['messageStatus'])?.toLowerCase() ?? e.type.slice(STATUS_TYPE_PREFIX.length);
  const code = d['errorCode'];
  return {
    sid: text(d['messageSid']) ?? '',
    account_sid: accountSid,
    from: text(d['from']),
    to: text(d['to']) ?? '',
    status,
    error_code: typeof code === 'number' || (typeof code === 'string' && code !== '') ? String(code) : null,
    messaging_service_sid: text(d['messagingServiceSid']),
    date_updated: at(e),
  };
}

/** The outbox event a messaging CloudEvent makes for `sub`, or undefined when it is not for it. */
function outboxEvent(sub: Subscription, e: CloudEvent): NewOutboxEvent | undefined {
  const eventAccount = text(e.data['accountSid']);
  if (eventAccount !== null && eventAccount !== sub.account_sid) return undefined;
  let payload: DeliveryPayload;
  let orderKey: string;
  if (sub.kind === 'received' && e.type === INBOUND_TYPE) {
    const message = inboundMessage(e, sub.account_sid);
    if (message.sid === '' || (sub.phone_number !== null && message.to !== sub.phone_number)) return undefined;
    payload = { type: 'json', event: 'message.received', body: message };
    orderKey = message.to;
  } else if (sub.kind === 'status' && e.type.startsWith(STATUS_TYPE_PREFIX)) {
    const change = statusChange(e, sub.account_sid);
    if (change.sid === '') return undefined;
    if (sub.statuses !== null && !sub.statuses.includes(change.status)) return undefined;
    if (sub.phone_number !== null && change.from !== sub.phone_number) return undefined;
    payload = { type: 'json', event: 'message.status', body: change };
    orderKey = change.from ?? change.to;
  } else {
    return undefined;
  }
  return {
    account_sid: sub.account_sid,
    subscription_id: sub.id,
    order_key: `${sub.id}|${orderKey}`,
    dedupe_key: `ce:${e.id}`,
    callback_url: sub.callback_url,
    payload: JSON.stringify(payload),
  };
}

function forbidden(reply: FastifyReply): FastifyReply {
  return reply.code(403).type('text/plain; charset=utf-8').send('Invalid or missing X-Twilio-Signature');
}

export function registerCloudEventsEndpoint(app: FastifyInstance, ctx: TriggerContext): void {
  // the signature covers the exact bytes: this route reads its JSON itself
  void app.register((child, _opts, done) => {
    child.removeContentTypeParser(['application/json']);
    child.addContentTypeParser(
      ['application/json', 'application/cloudevents+json'],
      { parseAs: 'string' },
      (_r, body, done) => done(null, body),
    );
    child.post(`${EVENTS_PATH}/:id`, { config: { operation: 'TwilioEventStreamsWebhook' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const raw = request.body;
      const signature = request.headers['x-twilio-signature'];
      if (typeof raw !== 'string' || typeof signature !== 'string' || signature === '') return forbidden(reply);
      const sub = id.length <= 64 ? await ctx.store.getSubscription(id) : undefined;
      if (sub === undefined || sub.stream === undefined) return forbidden(reply);
      const url = requestUrlOf(request, ctx.publicUrl, ctx.trustProxy);
      // every candidate is checked, so the time taken does not say which one matched
      let signed = false;
      for (const c of await signingCredentials(ctx, sub.account_sid, Date.now())) {
        if (validateSignatureWithBody(c.password, signature, url, raw)) signed = true;
      }
      if (!signed) return forbidden(reply);

      const events = cloudEvents(raw);
      // Twilio discards an event answered 400: a body that is not CloudEvents will not become one
      if (events === undefined) return reply.code(400).type('text/plain; charset=utf-8').send('Not CloudEvents');
      const outbox: NewOutboxEvent[] = [];
      for (const e of events) {
        if (e.type === TEST_TYPE) {
          const testId = text(e.data['test_id']);
          if (testId !== null) ctx.handshakes.deliver(sub.id, testId);
          continue;
        }
        const event = outboxEvent(sub, e);
        if (event !== undefined) outbox.push(event);
      }
      if (outbox.length > 0) {
        await ctx.store.enqueue(outbox, Date.now());
        ctx.wake();
      }
      return reply.code(204).send();
    });
    done();
  });
}
