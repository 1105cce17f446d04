// The endpoints Twilio calls: inbound messages (the SmsUrl of subscribed numbers, for the received
// and opt-out triggers) and status callbacks (of messages sent with tracking). Each request's
// X-Twilio-Signature is checked first, against the URL Twilio called, with the current credential of
// the account the request names (the auth token Twilio last accepted from a subscriber, see
// proven.ts): never with whichever stored token happens to validate, so a token someone else stored
// cannot sign events for the account. A missing or wrong signature gets 403, and nothing else is
// read or stored. A valid one is committed to the outbox — one event per subscription — before Twilio gets its answer, and
// delivered afterwards, so a crash after the answer loses nothing and Twilio's retries add nothing.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewOutboxEvent } from '../../store/index.js';
import { computeSignature, validateSignature } from '../../twilio/index.js';
import type { SealedConnection, TriggerContext } from './context.js';
import type { DeliveryPayload } from './delivery.js';
import { openForward, sealForward } from './forward-token.js';
import { channelNumber, inboundMessage, param, statusEvent, type WebhookParams } from './message-event.js';
import { OPT_OUT_EVENT, optOutEvent } from './opt-out.js';
import { signingCredentials } from './proven.js';
import { requestUrlOf } from './public-url.js';
import { RECEIVED_PATH, STATUS_PATH } from './subscriptions.js';

/** The query parameter carrying a token for the caller's own StatusCallback, which still gets its callbacks. */
export const FORWARD_PARAM = 'forward';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function twiml(reply: FastifyReply, inner = ''): FastifyReply {
  return reply
    .code(200)
    .type('text/xml; charset=utf-8')
    .send(`<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`);
}

function formParams(request: FastifyRequest): WebhookParams | undefined {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return undefined;
  for (const v of Object.values(b as Record<string, unknown>)) {
    if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) return undefined;
  }
  return b as WebhookParams;
}

/**
 * The account's current credential when it (or, just after a rotation, the previous one) signed this
 * request; undefined otherwise. Runs before anything else is read: a request without a signature
 * costs no store read, and a forged one costs one (the account's credentials).
 */
async function verify(
  ctx: TriggerContext,
  request: FastifyRequest,
  params: WebhookParams,
  accountSid: string,
): Promise<SealedConnection | undefined> {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature === '') return undefined;
  const credentials = await signingCredentials(ctx, accountSid, Date.now());
  if (credentials.length === 0) return undefined;
  const url = requestUrlOf(request, ctx.publicUrl, ctx.trustProxy);
  // forwarded callbacks are signed with the current one, whichever Twilio used
  return credentials.some((c) => validateSignature(c.password, signature, url, params)) ? credentials[0] : undefined;
}

function forbidden(reply: FastifyReply): FastifyReply {
  return reply.code(403).type('text/plain; charset=utf-8').send('Invalid or missing X-Twilio-Signature');
}

/** How many order keys one account's forwarded status callbacks share. */
export const FORWARD_QUEUES = 16;

/**
 * The order key of a forwarded status callback. Every claim visits each order key with a pending
 * event, and the destinations are the caller's to choose: one key per destination would let an
 * account that sends with ever new, unreachable status_callbacks slow every account's deliveries
 * while those forwards are retried. So an account's forwards share FORWARD_QUEUES keys, a
 * destination always the same one: its callbacks still arrive in order, and one that keeps failing
 * holds back only the account's destinations that share its key.
 */
function forwardOrderKey(accountSid: string, destination: string): string {
  return `forward:${accountSid}:${parseInt(destination.slice(0, 8), 16) % FORWARD_QUEUES}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function registerTwilioEndpoints(app: FastifyInstance, ctx: TriggerContext): void {
  app.post(RECEIVED_PATH, { config: { operation: 'TwilioInboundWebhook' } }, async (request, reply) => {
    const params = formParams(request);
    const accountSid = params && param(params, 'AccountSid');
    const to = params && param(params, 'To');
    if (params === undefined || accountSid === undefined || to === undefined) return forbidden(reply);
    if ((await verify(ctx, request, params, accountSid)) === undefined) return forbidden(reply);
    // a WhatsApp message (a keyword too) to `whatsapp:+1…` is for the subscriptions of the number
    // +1…; subscriptions listening through Event Streams hear of the message there
    const subs = (await ctx.store.listSubscriptions(accountSid, 'received', channelNumber(to))).filter(
      (s) => s.stream === undefined,
    );
    const optOutSubs = await ctx.store.listSubscriptions(accountSid, 'optout', channelNumber(to));

    const message = inboundMessage(params, Date.now());
    // Twilio retries a webhook with the same I-Twilio-Idempotency-Token; the message SID is as good
    const dedupe =
      message.sid !== ''
        ? message.sid
        : (param(params, 'I-Twilio-Idempotency-Token') ?? digest(JSON.stringify(params)));
    const events: NewOutboxEvent[] = subs.map((s) => ({
      account_sid: accountSid,
      subscription_id: s.id,
      order_key: `${s.id}|${to}`,
      dedupe_key: dedupe,
      callback_url: s.callback_url,
      payload: JSON.stringify({ type: 'json', event: 'message.received', body: message } satisfies DeliveryPayload),
    }));
    const optOut = optOutSubs.length > 0 ? optOutEvent(params) : undefined;
    if (optOut !== undefined) {
      for (const s of optOutSubs) {
        events.push({
          account_sid: accountSid,
          subscription_id: s.id,
          order_key: `${s.id}|${to}`,
          dedupe_key: dedupe,
          callback_url: s.callback_url,
          payload: JSON.stringify({ type: 'json', event: OPT_OUT_EVENT, body: optOut } satisfies DeliveryPayload),
        });
      }
    }
    await ctx.store.enqueue(events, Date.now());
    ctx.wake();
    const autoReply = subs.find((s) => s.auto_reply !== null)?.auto_reply;
    return twiml(reply, autoReply == null ? '' : `<Message>${escapeXml(autoReply)}</Message>`);
  });

  app.post(STATUS_PATH, { config: { operation: 'TwilioStatusWebhook' } }, async (request, reply) => {
    const params = formParams(request);
    const accountSid = params && param(params, 'AccountSid');
    if (params === undefined || accountSid === undefined) return forbidden(reply);
    const connection = await verify(ctx, request, params, accountSid);
    if (connection === undefined) return forbidden(reply);
    const statusSubs = await ctx.store.listSubscriptions(accountSid, 'status');

    const event = statusEvent(params, Date.now());
    const dedupe = `${event.sid}:${event.status}`;
    const orderKey = event.from ?? event.to;
    const events: NewOutboxEvent[] = statusSubs
      .filter((s) => s.stream === undefined)
      .filter((s) => s.statuses === null || s.statuses.includes(event.status))
      .filter((s) => s.phone_number === null || s.phone_number === channelNumber(event.from ?? ''))
      .map((s) => ({
        account_sid: accountSid,
        subscription_id: s.id,
        order_key: `${s.id}|${orderKey}`,
        dedupe_key: dedupe,
        callback_url: s.callback_url,
        payload: JSON.stringify({ type: 'json', event: 'message.status', body: event } satisfies DeliveryPayload),
      }));
    const token = (request.query as Record<string, unknown>)[FORWARD_PARAM];
    const forward = typeof token === 'string' ? openForward(await ctx.trust.key(), accountSid, token) : undefined;
    if (forward !== undefined) {
      // the caller's own callback gets Twilio's parameters, signed for its URL as Twilio would
      const destination = digest(`${accountSid}\n${forward}`);
      const copy: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(params)) copy[k] = typeof v === 'string' ? v : [...v];
      events.push({
        account_sid: accountSid,
        subscription_id: `forward:${destination}`,
        order_key: forwardOrderKey(accountSid, destination),
        dedupe_key: dedupe,
        callback_url: forward,
        payload: JSON.stringify({
          type: 'form',
          params: copy,
          signature: computeSignature(connection.password, forward, copy),
        } satisfies DeliveryPayload),
      });
    }
    await ctx.store.enqueue(events, Date.now());
    ctx.wake();
    return reply.code(204).send();
  });
}

/**
 * The StatusCallback to give Twilio for a message whose status changes the subscriptions should see;
 * the caller's own callback rides along as a token only this connector's store can have minted.
 */
export function trackedStatusCallback(
  connectorBaseUrl: string,
  callerCallback: { key: Buffer; accountSid: string; url: string } | undefined,
): string {
  const url = connectorBaseUrl.replace(/\/+$/, '') + STATUS_PATH;
  if (callerCallback === undefined || callerCallback.url === '') return url;
  const token = sealForward(callerCallback.key, callerCallback.accountSid, callerCallback.url);
  return `${url}?${new URLSearchParams({ [FORWARD_PARAM]: token }).toString()}`;
}
