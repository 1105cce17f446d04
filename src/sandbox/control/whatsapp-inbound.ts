// POST /_sandbox/inbound with `whatsapp:` addresses: a WhatsApp user writes to a sender. To one of
// the account's numbers (registered as a WhatsApp sender) it is reported where an SMS to that
// number would be; to Twilio's WhatsApp Sandbox number it belongs to the account whose sandbox the
// user joined (`join <code>` joins one) and is reported to that account's sandbox URL. Every such
// message opens or refreshes the user's 24-hour window with the sender and, unless switched off,
// marks what the sender delivered to them as read. The webhook carries WhatsApp's parameters.
// STOP, START and HELP are acted on as for SMS, on the WhatsApp addresses (messaging/opt-out.ts).
import type { FastifyReply } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { readOnReply } from '../lifecycle/read.js';
import { isE164 } from '../messaging/addresses.js';
import { handleKeyword } from '../messaging/opt-out.js';
import { OPT_OUT_TYPE } from '../messaging/opt-out-keywords.js';
import { isWhatsapp, joinCode, whatsappNumber } from '../messaging/whatsapp.js';
import { settingsOf } from '../realism/state.js';
import { getAccount, type AccountRow } from '../store/accounts.js';
import { messageJson } from '../store/message-json.js';
import { numberByPhone } from '../store/numbers.js';
import {
  joinSandbox,
  sandboxInbound,
  sandboxOfUser,
  touchSession,
  WHATSAPP_SANDBOX_NUMBER,
  whatsappSender,
} from '../store/whatsapp.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';
import { inboundTarget } from '../webhooks/inbound-target.js';
import { normalizeMethod, type HttpMethod } from '../webhooks/outbox.js';
import {
  WHATSAPP_INBOUND_FIELDS,
  whatsappInboundParams,
  type WhatsappInboundField,
} from '../webhooks/whatsapp-params.js';
import { bad, spaceHint, type InboundInput } from './inbound.js';
import { enqueueArrivalWebhook, insertInbound } from './inbound-message.js';
import { SANDBOX_MEMBERSHIP_MS } from '../lifecycle/whatsapp-window.js';

const MAX_BODY = 1600;
const MAX_MEDIA = 10;
const MAX_FIELD = 1600;
const JOIN = /^\s*join\s+(\S+)\s*$/i;

/** Names a user gets when the request gives none: WhatsApp always reports a profile name. */
const PROFILE_NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Tim Berners-Lee'];

export function isWhatsappInbound(input: InboundInput): boolean {
  return isWhatsapp(input.to) || isWhatsapp(input.from);
}

type Fields = Partial<Record<WhatsappInboundField, string>>;

/** The WhatsApp fields of the request: strings, each given once. */
function readFields(body: unknown): Fields | TwilioRestError {
  const fields: Fields = {};
  for (const key of WHATSAPP_INBOUND_FIELDS) {
    const values =
      body instanceof URLSearchParams
        ? body.getAll(key)
        : ([(body as Record<string, unknown>)[key]].filter((v) => v !== undefined && v !== null) as unknown[]);
    if (values.length === 0) continue;
    const v = values[0];
    if (values.length > 1 || typeof v !== 'string') return bad(20001, `${key} must be one string`);
    if (v.length > MAX_FIELD) return bad(20001, `${key} must be at most ${MAX_FIELD} characters`);
    fields[key] = v;
  }
  return fields;
}

/** What WhatsApp reports as the kind of message, when the request does not say. */
function messageType(input: InboundInput, fields: Fields): string {
  if (fields.ButtonPayload !== undefined || fields.ButtonText !== undefined) return 'button';
  if (fields.ListId !== undefined) return 'interactive';
  if (fields.Latitude !== undefined) return 'location';
  const type = input.media[0]?.content_type;
  if (type === undefined) return 'text';
  for (const kind of ['image', 'video', 'audio'] as const) if (type.startsWith(`${kind}/`)) return kind;
  return 'document';
}

function coordinate(v: string | undefined, limit: number): boolean {
  if (v === undefined || !/^-?\d{1,3}(\.\d+)?$/.test(v)) return false;
  return Math.abs(Number(v)) <= limit;
}

function validate(input: InboundInput, fields: Fields): TwilioRestError | undefined {
  if (input.to === '') return bad(21604, "A 'To' phone number is required.");
  if (input.from === '') return bad(21603, "A 'From' phone number is required.");
  if (isWhatsapp(input.to) !== isWhatsapp(input.from)) {
    return bad(21910, "Invalid 'From' and 'To' pair. 'From' and 'To' should be of the same channel");
  }
  const to = whatsappNumber(input.to);
  const from = whatsappNumber(input.from);
  if (!isE164(to)) {
    return bad(21211, spaceHint('To', to) ?? `The 'To' address ${input.to} is not whatsapp:+ and an E.164 number.`);
  }
  if (!isE164(from)) {
    return bad(
      21212,
      spaceHint('From', from) ?? `The 'From' address ${input.from} is not whatsapp:+ and an E.164 number.`,
    );
  }
  if ((fields.Latitude === undefined) !== (fields.Longitude === undefined)) {
    return bad(20001, 'A location needs both Latitude and Longitude');
  }
  if (fields.Latitude !== undefined && !(coordinate(fields.Latitude, 90) && coordinate(fields.Longitude, 180))) {
    return bad(20001, 'Latitude must be a number from -90 to 90 and Longitude from -180 to 180');
  }
  if (fields.MessageType !== undefined && !/^[a-z_]{1,32}$/.test(fields.MessageType)) {
    return bad(20001, 'MessageType must be a WhatsApp message type such as text, image, location or button');
  }
  const hasContent =
    input.body !== '' ||
    input.media.length > 0 ||
    fields.Latitude !== undefined ||
    fields.ButtonPayload !== undefined ||
    fields.ListId !== undefined;
  if (!hasContent) return bad(21602, 'Message body is required (or media, a location, a button or a list choice).');
  if (input.body.length > MAX_BODY) {
    return bad(21617, `The concatenated message body exceeds the ${MAX_BODY} character limit.`);
  }
  if (input.media.length > MAX_MEDIA) return bad(21623, `At most ${MAX_MEDIA} MediaUrl are allowed.`);
  return undefined;
}

interface Route {
  account: AccountRow;
  url: string;
  method: HttpMethod;
  serviceSid: string | null;
  /** the account whose sandbox a `join <code>` joins */
  joins: boolean;
}

/** Which account the message belongs to and where it is reported. */
function route(ctx: SandboxContext, input: InboundInput, now: number): Route | TwilioRestError {
  const to = whatsappNumber(input.to);
  if (to === WHATSAPP_SANDBOX_NUMBER) {
    const code = JOIN.exec(input.body)?.[1]?.toLowerCase();
    let account: AccountRow | undefined;
    if (code !== undefined) {
      const sids = ctx.db.prepare('SELECT sid FROM accounts ORDER BY date_created').all() as { sid: string }[];
      const sid = sids.find((a) => joinCode(a.sid) === code)?.sid;
      account = sid === undefined ? undefined : getAccount(ctx.db, sid);
      if (!account) return bad(20404, `No account's WhatsApp Sandbox has the join code '${code}'.`, 404);
    } else {
      const member = sandboxOfUser(ctx.db, input.from);
      if (member && now - member.joined_at < ctx.clock.delay(SANDBOX_MEMBERSHIP_MS)) {
        account = getAccount(ctx.db, member.account_sid);
      }
      if (!account) {
        return bad(
          63015,
          `${input.from} has not joined a WhatsApp Sandbox (or joined more than three days ago): send 'join <code>' first; GET /_sandbox/whatsapp shows the code.`,
        );
      }
    }
    const target = sandboxInbound(ctx.db, account.sid);
    return {
      account,
      url: target.url,
      method: normalizeMethod(target.method),
      serviceSid: null,
      joins: code !== undefined,
    };
  }
  const number = numberByPhone(ctx.db, to);
  const account = number ? getAccount(ctx.db, number.account_sid) : undefined;
  if (!number || !account) return bad(20404, `The number ${to} is not one of the sandbox's phone numbers.`, 404);
  if (whatsappSender(ctx.db, to)?.enabled !== true) {
    return bad(
      63007,
      `${to} is not registered as a WhatsApp sender: PUT /_sandbox/whatsapp/senders/${encodeURIComponent(to)} with {"enabled": true} registers it.`,
    );
  }
  const target = inboundTarget(ctx.db, number);
  return { account, url: target.url, method: target.method, serviceSid: target.serviceSid, joins: false };
}

function profileName(from: string): string {
  const digits = from.replace(/\D/g, '');
  return PROFILE_NAMES[Number(digits.slice(-3)) % PROFILE_NAMES.length]!;
}

export function receiveWhatsapp(
  ctx: SandboxContext,
  body: unknown,
  input: InboundInput,
  reply: FastifyReply,
): FastifyReply {
  const given = readFields(body);
  if (given instanceof TwilioRestError) return sendTwilioError(reply, given, 'json');
  const invalid = validate(input, given);
  if (invalid) return sendTwilioError(reply, invalid, 'json');
  const now = ctx.clock.now();
  const target = route(ctx, input, now);
  if (target instanceof TwilioRestError) return sendTwilioError(reply, target, 'json');
  const fields: Fields = {
    ...given,
    ProfileName: given.ProfileName ?? profileName(input.from),
    MessageType: given.MessageType ?? messageType(input, given),
  };
  const { account } = target;
  const readOn = settingsOf(ctx).whatsapp.read_on_reply;
  const { message, events, afterCommit, streamed } = ctx.db.transaction(() => {
    const message = insertInbound(ctx.db, {
      accountSid: account.sid,
      input,
      serviceSid: target.serviceSid,
      now,
      extra: { whatsapp: fields },
    });
    if (target.joins) joinSandbox(ctx.db, account.sid, input.from, now);
    touchSession(ctx.db, account.sid, input.to, input.from, now);
    const afterCommit = readOn ? readOnReply(ctx, account.sid, input.to, input.from, now) : undefined;
    // STOP, START and HELP on WhatsApp: blocks and replies on the WhatsApp addresses, as for SMS
    const sender = { address: input.to, serviceSid: target.serviceSid ?? undefined, tollFree: false };
    const keyword = handleKeyword(ctx, sender, message, now);
    const events: SandboxEvent[] = [
      { type: 'message', sid: message.sid, status: message.status, accountSid: account.sid },
    ];
    const auto = keyword?.reply;
    if (auto) events.push({ type: 'message', sid: auto.sid, status: auto.status, accountSid: account.sid });
    if (keyword && keyword.kind !== 'help') events.push({ type: 'opt-out', accountSid: account.sid });
    // Event Streams hear of every arrival, WhatsApp's too, whether or not the number has a webhook
    const arrival = { optOutType: keyword ? OPT_OUT_TYPE[keyword.kind] : undefined };
    const streamed = ctx.streams.enqueue([{ message, inbound: true, arrival }], now).length;
    if (target.url !== '') {
      const id = enqueueArrivalWebhook(ctx.db, {
        account,
        message,
        target,
        params: whatsappInboundParams(message, input.media, fields),
        optOutType: keyword?.optOutType,
        now,
      });
      events.push({ type: 'webhook', id, messageSid: message.sid, state: 'pending' });
    }
    return { message, events, afterCommit, streamed };
  })();
  for (const e of events) ctx.events.publish(e);
  if (streamed > 0 || events.some((e) => e.type === 'webhook')) ctx.webhooks.poke();
  afterCommit?.();
  return reply
    .code(201)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(messageJson(message)));
}
