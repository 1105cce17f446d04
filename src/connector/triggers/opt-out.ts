// The opt-out trigger, "When a recipient opts out or back in": `POST /subscriptions/messages/optout`
// listens on a number's SmsUrl as the received trigger does, and each keyword message (STOP, START,
// HELP and their synonyms) becomes one event posted to the callback. Twilio names the keyword in
// `OptOutType` only for Messaging Services with Advanced Opt-Out (which may add keywords of their
// own); otherwise the connector applies Twilio's documented default rule to the body itself.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Subscription } from '../../store/index.js';
import { validation } from '../errors.js';
import { OptOutSubscription } from '../schemas/opt-out.js';
import type { TriggerContext } from './context.js';
import { param, type WebhookParams } from './message-event.js';
import { attachToNumber, findNumber, pointNumber, wantedNumber } from './number-hook.js';
import { provenConnection } from './proven.js';
import { baseUrlOf } from './public-url.js';
import { body, callbackUrl, RECEIVED_PATH, seal, subscriptionJson } from './subscriptions.js';

export type OptOutType = 'opt-out' | 'opt-in' | 'help';

/** The outbox event name of an opt-out event. */
export const OPT_OUT_EVENT = 'message.optout';

/** Twilio's default keywords (REVOKE and OPTOUT since 2025-05-14); the whole body must be one. */
const DEFAULT_KEYWORDS: Readonly<Record<OptOutType, readonly string[]>> = {
  'opt-out': ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
  'opt-in': ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
};

const FIELDS: ReadonlySet<string> = new Set(Object.keys(OptOutSubscription.properties));

const OPT_OUT_TYPES: Readonly<Record<string, OptOutType>> = { STOP: 'opt-out', START: 'opt-in', HELP: 'help' };

/** What the callback receives. */
export interface OptOutEvent {
  type: OptOutType;
  /** the phone that sent the keyword */
  from: string | null;
  /** the number it was sent to */
  to: string;
  body: string;
  message_sid: string;
  messaging_service_sid: string | null;
}

/** The kind of keyword an inbound message is, or undefined for an ordinary message. */
export function optOutType(params: WebhookParams): OptOutType | undefined {
  const named = param(params, 'OptOutType');
  if (named !== undefined && named !== '') return OPT_OUT_TYPES[named.toUpperCase()];
  const word = (param(params, 'Body') ?? '').trim().toUpperCase();
  for (const type of ['opt-out', 'opt-in', 'help'] as const) {
    if (DEFAULT_KEYWORDS[type].includes(word)) return type;
  }
  return undefined;
}

export function optOutEvent(params: WebhookParams): OptOutEvent | undefined {
  const type = optOutType(params);
  if (type === undefined) return undefined;
  const orNull = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
  return {
    type,
    from: orNull(param(params, 'From')),
    to: param(params, 'To') ?? '',
    body: param(params, 'Body') ?? '',
    message_sid: param(params, 'MessageSid') ?? param(params, 'SmsMessageSid') ?? '',
    messaging_service_sid: orNull(param(params, 'MessagingServiceSid')),
  };
}

export function registerOptOutSubscriptions(app: FastifyInstance, ctx: TriggerContext): void {
  app.post('/subscriptions/messages/optout', { config: { operation: 'OnOptOutChanged' } }, async (request, reply) => {
    // the credential is proven before anything else, as for the other triggers: the callback's host
    // is resolved only for a caller Twilio accepts
    const connection = await provenConnection(ctx, request, { remember: true });
    const b = body(request);
    // a misspelt field would otherwise subscribe to something other than what was meant
    const unknown = Object.keys(b).find((k) => !FIELDS.has(k));
    if (unknown !== undefined)
      throw validation(`Unknown field ${unknown}: an opt-out subscription takes callbackUrl and to`);
    const callback = await callbackUrl(ctx, b);
    const to = wantedNumber(b['to']);
    const credentials = seal(ctx, connection);
    const client = ctx.clientFor(connection);
    const number = await findNumber(client, to);
    const sub: Subscription = {
      id: randomUUID(),
      kind: 'optout',
      account_sid: connection.accountSid,
      callback_url: callback,
      phone_number: number.phone_number,
      number_sid: number.sid,
      auto_reply: null,
      statuses: null,
      credentials,
      created_at: Date.now(),
    };
    const hookUrl = baseUrlOf(request, ctx.publicUrl, ctx.trustProxy) + RECEIVED_PATH;
    const same = await ctx.admission.admit(ctx, sub, () => attachToNumber(ctx, client, sub, number, hookUrl));
    if (same !== undefined) await pointNumber(client, number, hookUrl);
    const out = subscriptionJson(ctx, request, same ?? sub);
    return reply.code(201).header('location', out.location).send(out);
  });
}
