// The control API of WhatsApp (not part of Twilio): what Twilio's console and Meta decide and a
// test or the inbox needs to see or change. GET /_sandbox/whatsapp shows the account's senders,
// its WhatsApp Sandbox (number, join code, where its messages are reported) and every user's
// 24-hour window; PUT /_sandbox/whatsapp/senders/{number} registers or withdraws a number as a
// WhatsApp sender; PUT /_sandbox/whatsapp/sandbox sets the sandbox's inbound URL; and
// POST /_sandbox/messages/{Sid}/read is "the user read it".
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { Product, RouteTable } from '../routes/table.js';
import { readMessage } from '../lifecycle/read.js';
import { WINDOW_MS, windowClosesAt } from '../lifecycle/whatsapp-window.js';
import { isCallableUrl, isE164 } from '../messaging/addresses.js';
import { joinCode } from '../messaging/whatsapp.js';
import { settingsOf } from '../realism/state.js';
import { getAccount, type AccountRow } from '../store/accounts.js';
import { messageJson } from '../store/message-json.js';
import {
  listSessions,
  listWhatsappSenders,
  sandboxInbound,
  setSandboxInbound,
  setWhatsappSender,
  WHATSAPP_SANDBOX_NUMBER,
  WHATSAPP_SANDBOX_SENDER,
} from '../store/whatsapp.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';

function fail(reply: FastifyReply, status: number, code: number, message: string): FastifyReply {
  return sendTwilioError(reply, new TwilioRestError(status, code, message), 'json');
}

function object(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !(body instanceof URLSearchParams)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** The account a request is about: `AccountSid` in the query or body, else the sandbox's own. */
function accountOf(ctx: SandboxContext, request: FastifyRequest, fallback: AccountRow): AccountRow | undefined {
  const query = request.query as Record<string, unknown>;
  const given = query['AccountSid'] ?? object(request.body)?.['AccountSid'];
  return typeof given === 'string' && given !== '' ? getAccount(ctx.db, given) : fallback;
}

/** The account's WhatsApp state, windows with their time left in simulated seconds. */
function overview(ctx: SandboxContext, account: AccountRow): Record<string, unknown> {
  const now = ctx.clock.now();
  const inbound = sandboxInbound(ctx.db, account.sid);
  return {
    account_sid: account.sid,
    read_on_reply: settingsOf(ctx).whatsapp.read_on_reply,
    speed_up: ctx.clock.speedUp,
    window_hours: WINDOW_MS / 3_600_000,
    sandbox: {
      phone_number: WHATSAPP_SANDBOX_NUMBER,
      address: WHATSAPP_SANDBOX_SENDER,
      join_code: joinCode(account.sid),
      join_message: `join ${joinCode(account.sid)}`,
      inbound_url: inbound.url,
      inbound_method: inbound.method,
    },
    senders: listWhatsappSenders(ctx.db, account.sid).map((s) => ({
      phone_number: s.phone_number,
      address: `whatsapp:${s.phone_number}`,
      enabled: s.enabled,
    })),
    windows: listSessions(ctx.db, account.sid).map((s) => {
      const closes = windowClosesAt(ctx, account.sid, s.sender, s.user) ?? now;
      return {
        sender: s.sender,
        user: s.user,
        last_inbound_at: new Date(s.last_inbound_at).toISOString(),
        closes_at: new Date(closes).toISOString(),
        open: now < closes,
        // simulated seconds, so a speed-up shows the day the user sees
        seconds_left: Math.max(0, Math.floor(((closes - now) * ctx.clock.speedUp) / 1000)),
      };
    }),
  };
}

/** `main`: the sandbox's own account, the one a request means when it names none. */
export function whatsappControl(main: AccountRow): Product {
  return (routes, ctx) => registerWhatsapp(routes, ctx, main);
}

function registerWhatsapp(routes: RouteTable, ctx: SandboxContext, main: AccountRow): void {
  routes.control('GET', '/_sandbox/whatsapp', (request, reply) => {
    const account = accountOf(ctx, request, main);
    if (!account) return fail(reply, 404, 20404, 'No such account');
    return overview(ctx, account);
  });

  routes.control('PUT', '/_sandbox/whatsapp/senders/:number', (request, reply) => {
    const account = accountOf(ctx, request, main);
    if (!account) return fail(reply, 404, 20404, 'No such account');
    const number = (request.params as { number: string }).number.replace(/^whatsapp:/, '');
    const enabled = object(request.body)?.['enabled'];
    if (typeof enabled !== 'boolean') return fail(reply, 400, 20001, 'Send {"enabled": true} or {"enabled": false}');
    if (!isE164(number) || !setWhatsappSender(ctx.db, account.sid, number, enabled)) {
      return fail(reply, 404, 20404, `${number} is not one of the account's phone numbers`);
    }
    return overview(ctx, account);
  });

  routes.control('PUT', '/_sandbox/whatsapp/sandbox', (request, reply) => {
    const account = accountOf(ctx, request, main);
    if (!account) return fail(reply, 404, 20404, 'No such account');
    const body = object(request.body);
    const url = body?.['inbound_url'];
    const method = body?.['inbound_method'] ?? 'POST';
    if (typeof url !== 'string' || (url !== '' && !isCallableUrl(url))) {
      return fail(reply, 400, 20001, 'inbound_url must be an http(s) URL, or empty for none');
    }
    if (method !== 'POST' && method !== 'GET') return fail(reply, 400, 20001, 'inbound_method must be POST or GET');
    setSandboxInbound(ctx.db, account.sid, { url, method });
    return overview(ctx, account);
  });

  routes.control('POST', '/_sandbox/messages/:sid/read', (request, reply) => {
    const account = accountOf(ctx, request, main);
    if (!account) return fail(reply, 404, 20404, 'No such account');
    const sid = (request.params as { sid: string }).sid;
    const result = readMessage(ctx, account.sid, sid);
    if (result === undefined) return fail(reply, 404, 20404, `No message ${sid}`);
    if (typeof result === 'string') return fail(reply, 409, 20001, `${sid} cannot be marked read: ${result}`);
    return messageJson(result);
  });
}
