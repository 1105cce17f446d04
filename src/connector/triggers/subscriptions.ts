// Webhook trigger subscriptions. `POST /subscriptions/messages/received` points the number's SmsUrl
// at the connector (remembering what it was; the last unsubscribe puts it back), or with
// `mode: "event-streams"` leaves the number alone and listens through an Event Streams sink
// (event-streams.ts). `POST /subscriptions/messages/status` fans status callbacks of tracked sends
// out, or with `scope: "account"` every status change of the account through Event Streams (the
// opt-out trigger, opt-out.ts, listens on a number as the received one does). `DELETE
// /subscriptions/{id}` removes any of them; `GET /subscriptions/dead-letters` lists events whose
// delivery was given up.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Subscription } from '../../store/index.js';
import type { Connection } from '../auth.js';
import { ApiError, fromUpstream, validation } from '../errors.js';
import type { SealedConnection, TriggerContext } from './context.js';
import { attachToNumber, findNumber, pointNumber, wantedNumber } from './number-hook.js';
import { provenConnection } from './proven.js';
import { baseUrlOf } from './public-url.js';
import { MESSAGE_STATUSES } from '../schemas/triggers.js';
import { closeStream, EVENTS_PATH, openStream } from './event-streams.js';

export const RECEIVED_PATH = '/twilio/messages/received';
export const STATUS_PATH = '/twilio/messages/status';

const STATUSES: ReadonlySet<string> = new Set(MESSAGE_STATUSES);
const E164 = /^\+[1-9]\d{1,14}$/;

export function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw validation('The body must be a JSON object');
  return b as Record<string, unknown>;
}

export async function callbackUrl(ctx: TriggerContext, b: Record<string, unknown>): Promise<string> {
  const raw = b['callbackUrl'];
  if (typeof raw !== 'string' || raw === '')
    throw validation('Field callbackUrl is required: the URL events are posted to');
  if (raw.length > 2000)
    throw validation('Field callbackUrl must be an absolute http(s) URL of at most 2000 characters');
  const refusal = await ctx.outbound.check(raw, 'callbackUrl');
  if (refusal?.rule === 'scheme') throw validation(`Field ${refusal.message}`);
  if (refusal !== undefined) throw new ApiError('CALLBACK_URL_REFUSED', refusal.message);
  return raw;
}

function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return '';
  }
}

export function seal(ctx: TriggerContext, c: Connection): string {
  if (ctx.box === undefined) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'Subscriptions keep your auth token to verify Twilio’s webhooks; set CONNECTOR_SECRET_KEY (64 hex characters) so it is stored encrypted',
      { status: 503 },
    );
  }
  if (c.username !== c.accountSid) {
    throw validation(
      'Subscriptions need the connection’s Account SID and Auth Token (Twilio signs webhooks with the auth token, not an API key)',
    );
  }
  const sealed: SealedConnection = { accountSid: c.accountSid, username: c.username, password: c.password };
  return ctx.box.seal(JSON.stringify(sealed));
}

/** What subscribing answers (the Subscription model). */
export function subscriptionJson(ctx: TriggerContext, request: FastifyRequest, sub: Subscription) {
  return {
    id: sub.id,
    kind: sub.kind,
    callbackUrl: sub.callback_url,
    ...(sub.phone_number === null ? {} : sub.kind === 'status' ? { from: sub.phone_number } : { to: sub.phone_number }),
    ...(sub.auto_reply === null ? {} : { autoReply: sub.auto_reply }),
    ...(sub.statuses === null ? {} : { statuses: sub.statuses }),
    ...(sub.kind === 'received' ? { mode: sub.stream ? 'event-streams' : 'sms-url' } : {}),
    ...(sub.kind === 'status' ? { scope: sub.stream ? 'account' : 'connector' } : {}),
    location: `${baseUrlOf(request, ctx.publicUrl, ctx.trustProxy)}/subscriptions/${sub.id}`,
  };
}

export function registerSubscriptions(app: FastifyInstance, ctx: TriggerContext): void {
  const created = (request: FastifyRequest, sub: Subscription) => subscriptionJson(ctx, request, sub);

  /**
   * A subscription delivered through Event Streams: an identical one of the account is reused (a
   * workflow engine that subscribes again gets the same sink, admission.ts); otherwise it is stored
   * first, so a crash part-way leaves a record that reconciliation finds, then its sink and
   * subscription are made.
   */
  const streamSubscription = async (
    request: FastifyRequest,
    connection: Connection,
    fields: Pick<Subscription, 'kind' | 'callback_url' | 'phone_number' | 'statuses' | 'credentials'>,
  ): Promise<Subscription> => {
    const sub: Subscription = {
      id: randomUUID(),
      account_sid: connection.accountSid,
      number_sid: null,
      auto_reply: null,
      created_at: Date.now(),
      ...fields,
      stream: { sink_sid: null, subscription_sid: null },
    };
    const same = await ctx.admission.admit(ctx, sub, () => ctx.store.createSubscription(sub));
    if (same !== undefined) return same;
    const destination = `${baseUrlOf(request, ctx.publicUrl, ctx.trustProxy)}${EVENTS_PATH}/${sub.id}`;
    try {
      sub.stream = await openStream(ctx, ctx.eventsFor(connection), sub, destination);
    } catch (err) {
      await ctx.store.deleteSubscription(sub.id);
      throw err;
    }
    ctx.subscriptionsChanged(connection.accountSid);
    return sub;
  };

  app.post(
    '/subscriptions/messages/received',
    { config: { operation: 'OnMessageReceived' } },
    async (request, reply) => {
      // the credential is proven before anything else: the callback's host is resolved only for
      // a caller Twilio accepts, so the route never looks up names for strangers
      const connection = await provenConnection(ctx, request, { remember: true });
      const b = body(request);
      const callback = await callbackUrl(ctx, b);
      const to = wantedNumber(b['to']);
      const autoReply = b['autoReply'];
      if (autoReply !== undefined && autoReply !== null && (typeof autoReply !== 'string' || autoReply.length > 1600)) {
        throw validation('Field autoReply must be text of at most 1600 characters');
      }
      const mode = b['mode'] ?? 'sms-url';
      if (mode !== 'sms-url' && mode !== 'event-streams') {
        throw validation('Field mode must be sms-url (take over the number’s SmsUrl) or event-streams');
      }
      if (mode === 'event-streams' && typeof autoReply === 'string' && autoReply !== '') {
        throw validation('Field autoReply needs mode sms-url: Event Streams cannot answer the sender');
      }
      const credentials = seal(ctx, connection);
      const client = ctx.clientFor(connection);
      const number = await findNumber(client, to);
      if (mode === 'event-streams') {
        const sub = await streamSubscription(request, connection, {
          kind: 'received',
          callback_url: callback,
          phone_number: number.phone_number,
          statuses: null,
          credentials,
        });
        const out = created(request, sub);
        return reply.code(201).header('location', out.location).send(out);
      }
      const sub: Subscription = {
        id: randomUUID(),
        kind: 'received',
        account_sid: connection.accountSid,
        callback_url: callback,
        phone_number: number.phone_number,
        number_sid: number.sid,
        auto_reply: typeof autoReply === 'string' && autoReply !== '' ? autoReply : null,
        statuses: null,
        credentials,
        created_at: Date.now(),
      };
      const hookUrl = baseUrlOf(request, ctx.publicUrl, ctx.trustProxy) + RECEIVED_PATH;
      const same = await ctx.admission.admit(ctx, sub, () => attachToNumber(ctx, client, sub, number, hookUrl));
      if (same !== undefined) await pointNumber(client, number, hookUrl);
      const out = created(request, same ?? sub);
      return reply.code(201).header('location', out.location).send(out);
    },
  );

  app.post(
    '/subscriptions/messages/status',
    { config: { operation: 'OnMessageStatusChanged' } },
    async (request, reply) => {
      // the credential is proven before anything else: the callback's host is resolved only for
      // a caller Twilio accepts, so the route never looks up names for strangers
      const connection = await provenConnection(ctx, request, { remember: true });
      const b = body(request);
      const callback = await callbackUrl(ctx, b);
      let statuses: string[] | null = null;
      const raw = b['statuses'];
      if (raw !== undefined && raw !== null) {
        if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s) => typeof s === 'string' && STATUSES.has(s))) {
          throw validation(`Field statuses must be a non-empty list of message statuses: ${[...STATUSES].join(', ')}`);
        }
        statuses = [...new Set(raw as string[])];
      }
      const one = b['status'];
      if (one !== undefined && one !== null && one !== '') {
        if (typeof one !== 'string' || !STATUSES.has(one)) {
          throw validation(`Field status must be one of ${[...STATUSES].join(', ')}`);
        }
        statuses = [...new Set([...(statuses ?? []), one])];
      }
      const from = b['from'];
      if (from !== undefined && from !== null && from !== '' && (typeof from !== 'string' || !E164.test(from))) {
        throw validation('Field from must be one of your Twilio numbers in E.164 form, e.g. +14155550123');
      }
      const scope = b['scope'] ?? 'connector';
      if (scope !== 'connector' && scope !== 'account') {
        throw validation(
          'Field scope must be connector (messages sent through this connector) or account (every message of the account)',
        );
      }
      if (scope === 'account') {
        const sub = await streamSubscription(request, connection, {
          kind: 'status',
          callback_url: callback,
          phone_number: typeof from === 'string' && from !== '' ? from : null,
          statuses,
          credentials: seal(ctx, connection),
        });
        const out = created(request, sub);
        return reply.code(201).header('location', out.location).send(out);
      }
      const sub: Subscription = {
        id: randomUUID(),
        kind: 'status',
        account_sid: connection.accountSid,
        callback_url: callback,
        // status subscriptions keep their sender filter here
        phone_number: typeof from === 'string' && from !== '' ? from : null,
        number_sid: null,
        auto_reply: null,
        statuses,
        credentials: seal(ctx, connection),
        created_at: Date.now(),
      };
      const same = await ctx.admission.admit(ctx, sub, async () => {
        await ctx.store.createSubscription(sub);
        ctx.subscriptionsChanged(connection.accountSid);
      });
      const out = created(request, same ?? sub);
      return reply.code(201).header('location', out.location).send(out);
    },
  );

  app.get('/subscriptions/dead-letters', { config: { operation: 'ListDeadLetters' } }, async (request) => {
    const connection = await provenConnection(ctx, request);
    const dead = await ctx.store.listOutbox(connection.accountSid, 'dead', 500);
    return {
      value: dead.map((e) => ({
        id: e.id,
        subscription_id: e.subscription_id,
        // callback URLs often carry a signature in their query (Logic Apps' `sig`): show only where they lead
        callback_url: withoutQuery(e.callback_url),
        attempts: e.attempts,
        last_error: e.last_error,
        created_at: new Date(e.created_at).toISOString(),
        payload: JSON.parse(e.payload) as unknown,
      })),
    };
  });

  app.delete('/subscriptions/:id', { config: { operation: 'DeleteSubscription' } }, async (request, reply) => {
    // before anything is looked up or removed: a wrong token must not strand the number's SmsUrl
    const connection = await provenConnection(ctx, request);
    const { id } = request.params as { id: string };
    const existing = await ctx.store.getSubscription(id);
    // unsubscribing is idempotent: a workflow engine deleting a flow must succeed even when the
    // subscription is already gone (or is not this account's, which it may not learn about)
    if (existing === undefined || existing.account_sid !== connection.accountSid) return reply.code(204).send();
    if (existing.stream !== undefined) {
      // upstream first: if Twilio cannot be reached the subscription stays, so a retry removes both
      try {
        await closeStream(ctx.eventsFor(connection), existing.stream);
      } catch (err) {
        throw fromUpstream(err);
      }
    }
    const result = await ctx.store.deleteSubscription(id);
    ctx.subscriptionsChanged(connection.accountSid);
    const hook = result?.lastOnNumber;
    if (hook !== undefined) {
      try {
        await ctx.clientFor(connection).incomingPhoneNumbers.update(hook.number_sid, {
          SmsUrl: hook.previous_sms_url,
          SmsMethod: hook.previous_sms_method === 'GET' ? 'GET' : 'POST',
        });
      } catch (err) {
        // keep the hook so a later unsubscribe or an operator can still restore it
        await ctx.store.saveNumberHook(hook, Date.now());
        throw fromUpstream(err);
      }
    }
    return reply.code(204).send();
  });
}
