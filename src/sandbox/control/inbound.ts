// POST /_sandbox/inbound: a phone texts one of the sandbox's numbers. Stores the inbound message
// (status `received`), answers with its Message JSON, and queues the signed webhook to the number's
// SmsUrl (or its Messaging Service's inbound URL) in the same transaction; the dispatcher sends it and acts on the TwiML reply.
// An opt-out keyword (STOP/START/HELP) is acted on in that transaction too (messaging/opt-out.ts).
import type { FastifyReply } from 'fastify';
import type { SandboxContext } from '../context.js';
import { handleKeyword } from '../messaging/opt-out.js';
import { OPT_OUT_TYPE } from '../messaging/opt-out-keywords.js';
import type { RouteTable } from '../routes/table.js';
import { getAccount } from '../store/accounts.js';
import { messageJson } from '../store/message-json.js';
import { numberByPhone } from '../store/numbers.js';
import { serviceOfNumber } from '../store/services.js';
import { contentTypeOf } from '../twiml/media-types.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';
import { inboundTarget } from '../webhooks/inbound-target.js';
import { inboundParams } from '../webhooks/params.js';
import { enqueueArrivalWebhook, insertInbound } from './inbound-message.js';
import { isWhatsappInbound, receiveWhatsapp } from './whatsapp-inbound.js';

const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_BODY = 1600;
const MAX_MEDIA = 10;

export interface InboundInput {
  from: string;
  to: string;
  body: string;
  media: { url: string; content_type: string }[];
}

/** Reads JSON or form input; strings or lists for MediaUrl (also `MediaUrl[]`). */
export function readInput(body: unknown): InboundInput | TwilioRestError {
  const get = (key: string): unknown[] => {
    if (body instanceof URLSearchParams) return body.getAll(key);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const v = (body as Record<string, unknown>)[key];
      return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
    }
    return [];
  };
  if (!(body instanceof URLSearchParams) && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return bad(20001, 'Send a JSON object or a form with From, To, Body and MediaUrl');
  }
  const one = (key: string): string | TwilioRestError => {
    const values = get(key);
    if (values.length > 1) return bad(20001, `${key} must be given once`);
    const v = values[0];
    if (v === undefined) return '';
    if (typeof v !== 'string') return bad(20001, `${key} must be a string`);
    return v;
  };
  const from = one('From');
  const to = one('To');
  const text = one('Body');
  for (const v of [from, to, text]) if (v instanceof TwilioRestError) return v;
  const urls = [...get('MediaUrl'), ...get('MediaUrl[]')];
  const types = get('MediaContentType');
  const media: InboundInput['media'] = [];
  for (const [i, url] of urls.entries()) {
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)) {
      return bad(21620, `MediaUrl must be http(s) URLs; got ${JSON.stringify(url)}`);
    }
    const type = types[i];
    media.push({ url, content_type: typeof type === 'string' && type !== '' ? type : contentTypeOf(url) });
  }
  return { from: from as string, to: to as string, body: text as string, media };
}

export function bad(code: number, message: string, status = 400): TwilioRestError {
  return new TwilioRestError(status, code, message);
}

/** A number that starts with a space was most often a `+` sent unencoded in form data. */
export function spaceHint(field: 'From' | 'To', value: string): string | undefined {
  return /^\s/.test(value)
    ? `${field} '${value}' starts with a space: a '+' in form data is a space; encode it as %2B or send JSON`
    : undefined;
}

function validate(input: InboundInput): TwilioRestError | undefined {
  if (input.to === '') return bad(21604, "A 'To' phone number is required.");
  if (!E164.test(input.to)) {
    return bad(21211, spaceHint('To', input.to) ?? `The 'To' number ${input.to} is not a valid phone number.`);
  }
  if (input.from === '') return bad(21603, "A 'From' phone number is required.");
  const fromHint = spaceHint('From', input.from);
  if (fromHint) return bad(21212, fromHint);
  if (!E164.test(input.from)) {
    return bad(21212, `The 'From' number ${input.from} is not a valid E.164 phone number (e.g. +14155550123).`);
  }
  if (input.body === '' && input.media.length === 0) return bad(21602, 'Message body is required.');
  if (input.body.length > MAX_BODY) {
    return bad(21617, `The concatenated message body exceeds the ${MAX_BODY} character limit.`);
  }
  if (input.media.length > MAX_MEDIA) return bad(21623, `At most ${MAX_MEDIA} MediaUrl are allowed.`);
  return undefined;
}

export function registerInbound(routes: RouteTable, ctx: SandboxContext): void {
  routes.control('POST', '/_sandbox/inbound', (request, reply): FastifyReply => {
    const input = readInput(request.body);
    if (input instanceof TwilioRestError) return sendTwilioError(reply, input, 'json');
    if (isWhatsappInbound(input)) return receiveWhatsapp(ctx, request.body, input, reply);
    const invalid = validate(input);
    if (invalid) return sendTwilioError(reply, invalid, 'json');
    const number = numberByPhone(ctx.db, input.to);
    const account = number ? getAccount(ctx.db, number.account_sid) : undefined;
    if (!number || !account) {
      const err = bad(20404, `The number ${input.to} is not one of the sandbox's phone numbers.`, 404);
      return sendTwilioError(reply, err, 'json');
    }
    const now = ctx.clock.now();
    const target = inboundTarget(ctx.db, number);
    const { message, keyword, webhookId, streamed } = ctx.db.transaction(() => {
      const message = insertInbound(ctx.db, { accountSid: account.sid, input, serviceSid: target.serviceSid, now });
      // a keyword is acted on even when nobody is told about the message
      const sender = {
        address: number.phone_number,
        serviceSid: serviceOfNumber(ctx.db, number.sid),
        tollFree: number.type === 'tollfree',
      };
      const keyword = handleKeyword(ctx, sender, message, now);
      const arrival = { optOutType: keyword ? OPT_OUT_TYPE[keyword.kind] : undefined };
      const streamed = ctx.streams.enqueue([{ message, inbound: true, arrival }], now).length;
      if (target.url === '') return { message, keyword, webhookId: undefined, streamed };
      const webhookId = enqueueArrivalWebhook(ctx.db, {
        account,
        message,
        target,
        params: inboundParams(message, input.media, number.iso_country),
        optOutType: keyword?.optOutType,
        now,
      });
      return { message, keyword, webhookId, streamed };
    })();
    if (streamed > 0) ctx.webhooks.poke();
    ctx.events.publish({ type: 'message', sid: message.sid, status: message.status, accountSid: message.account_sid });
    const auto = keyword?.reply;
    if (auto) ctx.events.publish({ type: 'message', sid: auto.sid, status: auto.status, accountSid: auto.account_sid });
    if (keyword && keyword.kind !== 'help') ctx.events.publish({ type: 'opt-out', accountSid: message.account_sid });
    if (webhookId !== undefined) {
      ctx.events.publish({ type: 'webhook', id: webhookId, messageSid: message.sid, state: 'pending' });
      ctx.webhooks.poke();
    }
    return reply
      .code(201)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(messageJson(message)));
  });
}
