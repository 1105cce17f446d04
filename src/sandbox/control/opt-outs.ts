// The opt-out block list and Advanced Opt-Out through the sandbox's control API (not Twilio's: Twilio
// offers neither over REST). GET /_sandbox/opt-outs lists the blocks, POST /_sandbox/opt-outs opts a
// phone out of a sender as if it had texted STOP (without the messages), POST /_sandbox/opt-ins lifts
// a block, DELETE /_sandbox/opt-outs clears the list; GET|PUT|PATCH
// /_sandbox/services/{Sid}/opt-out reads and sets a Messaging Service's Advanced Opt-Out.
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import {
  ADVANCED_DEFAULTS,
  AdvancedOptOutError,
  mergeAdvanced,
  type AdvancedOptOut,
} from '../messaging/opt-out-keywords.js';
import { isSid } from '../sids.js';
import { isWhatsapp, whatsappNumber } from '../messaging/whatsapp.js';
import { numberByPhone } from '../store/numbers.js';
import { serviceOfNumber } from '../store/services.js';
import { advancedOptOut } from '../messaging/opt-out.js';
import { clearOptOuts, listOptOuts, optIn, optOut, saveAdvancedOptOut, type OptOutRow } from '../store/opt-outs.js';
import type { RouteTable } from '../routes/table.js';
import { TwilioRestError } from '../twilio-wire/errors.js';

const E164 = /^\+[1-9]\d{1,14}$/;

const bad = (message: string): TwilioRestError => new TwilioRestError(400, 20001, message);

function optOutJson(row: OptOutRow): Record<string, unknown> {
  return {
    account_sid: row.account_sid,
    sender: row.sender,
    sender_type: row.sender.startsWith('MG')
      ? 'messaging_service'
      : isWhatsapp(row.sender)
        ? 'whatsapp_sender'
        : 'phone_number',
    phone_number: row.phone_number,
    keyword: row.keyword,
    message_sid: row.message_sid,
    date_created: new Date(row.date_created).toISOString(),
  };
}

/** One string field of a JSON object or form body. */
function field(body: unknown, key: string): string | undefined {
  if (body instanceof URLSearchParams) return body.get(key) ?? undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const v = (body as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

interface Target {
  accountSid: string;
  /** the scope of the block: the number, or its Messaging Service */
  sender: string;
  phone: string;
}

/**
 * The block a request names: `sender` is one of the sandbox's numbers (a block made through a
 * number in a Messaging Service covers the service, as a STOP would) or a Messaging Service SID.
 * A WhatsApp block names the WhatsApp addresses (`whatsapp:+…`) of the number and of the user.
 */
function target(ctx: SandboxContext, body: unknown): Target {
  if (!(body instanceof URLSearchParams) && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw bad('Send a JSON object (or a form) with sender and phone_number');
  }
  const sender = field(body, 'sender') ?? '';
  const phone = field(body, 'phone_number') ?? '';
  if (!E164.test(whatsappNumber(phone))) {
    throw bad('phone_number must be the phone in E.164 form, e.g. +14155550123 (whatsapp:+14155550123 on WhatsApp)');
  }
  if (isSid(sender, 'MG')) {
    const row = ctx.db.prepare('SELECT account_sid FROM services WHERE sid = ?').get(sender) as
      { account_sid: string } | undefined;
    if (!row) throw new TwilioRestError(404, 20404, `The Messaging Service ${sender} was not found`);
    return { accountSid: row.account_sid, sender, phone };
  }
  if (!E164.test(whatsappNumber(sender))) {
    throw bad("sender must be one of the sandbox's phone numbers (E.164) or a Messaging Service SID (MG…)");
  }
  if (isWhatsapp(sender) !== isWhatsapp(phone)) {
    throw bad('sender and phone_number must be on the same channel: both whatsapp: addresses, or neither');
  }
  const number = numberByPhone(ctx.db, whatsappNumber(sender));
  if (!number) throw new TwilioRestError(404, 20404, `The number ${sender} is not one of the sandbox's phone numbers.`);
  const service = serviceOfNumber(ctx.db, number.sid);
  return { accountSid: number.account_sid, sender: service ?? sender, phone };
}

function findService(ctx: SandboxContext, request: FastifyRequest): string {
  const sid = (request.params as { Sid?: string }).Sid ?? '';
  const row = isSid(sid, 'MG') ? ctx.db.prepare('SELECT sid FROM services WHERE sid = ?').get(sid) : undefined;
  if (row === undefined) throw new TwilioRestError(404, 20404, `The Messaging Service ${sid} was not found`);
  return sid;
}

export function registerOptOuts(routes: RouteTable, ctx: SandboxContext): void {
  const changed = (accountSid: string): void => ctx.events.publish({ type: 'opt-out', accountSid });

  routes.control('GET', '/_sandbox/opt-outs', (request) => {
    const q = request.query as Record<string, unknown>;
    const filter: { sender?: string; phone?: string } = {};
    if (typeof q['sender'] === 'string' && q['sender'] !== '') filter.sender = q['sender'];
    if (typeof q['phone_number'] === 'string' && q['phone_number'] !== '') filter.phone = q['phone_number'];
    return { opt_outs: listOptOuts(ctx.db, filter).map(optOutJson) };
  });

  routes.control('POST', '/_sandbox/opt-outs', (request, reply) => {
    const t = target(ctx, request.body);
    const row = optOut(ctx.db, {
      account_sid: t.accountSid,
      sender: t.sender,
      phone_number: t.phone,
      keyword: null,
      message_sid: null,
      date_created: ctx.clock.now(),
    });
    changed(t.accountSid);
    return reply.code(201).send(optOutJson(row));
  });

  routes.control('POST', '/_sandbox/opt-ins', (request) => {
    const t = target(ctx, request.body);
    const lifted = optIn(ctx.db, t.accountSid, t.sender, t.phone);
    if (lifted) changed(t.accountSid);
    return { sender: t.sender, phone_number: t.phone, lifted };
  });

  routes.control('DELETE', '/_sandbox/opt-outs', () => {
    const cleared = clearOptOuts(ctx.db);
    ctx.events.publish({ type: 'opt-out', accountSid: '' });
    return { cleared };
  });

  routes.control('GET', '/_sandbox/services/:Sid/opt-out', (request) =>
    advancedOptOut(ctx.db, findService(ctx, request)),
  );

  const change =
    (base: (sid: string) => AdvancedOptOut) =>
    (request: FastifyRequest): AdvancedOptOut => {
      const sid = findService(ctx, request);
      let next: AdvancedOptOut;
      try {
        next = mergeAdvanced(base(sid), request.body);
      } catch (err) {
        if (err instanceof AdvancedOptOutError) throw bad(err.message);
        throw err;
      }
      saveAdvancedOptOut(ctx.db, sid, next);
      return next;
    };
  routes.control(
    'PUT',
    '/_sandbox/services/:Sid/opt-out',
    change(() => ({ ...ADVANCED_DEFAULTS })),
  );
  routes.control(
    'PATCH',
    '/_sandbox/services/:Sid/opt-out',
    change((sid) => advancedOptOut(ctx.db, sid)),
  );
}
