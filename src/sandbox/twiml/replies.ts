// Acts on the answer to an inbound webhook (or its fallback or a <Redirect>): a failed request or
// bad TwiML sends the fallback URL (the number's, or its Messaging Service's); each <Message>
// becomes an `outbound-reply` message that runs through the lifecycle; a <Redirect> queues a
// request for more TwiML. Runs inside the transaction that records the attempt, so the log and
// its consequences commit together.
import type { SandboxContext } from '../context.js';
import type { SandboxEvent } from '../events.js';
import { normalizeRecipient } from '../messaging/addresses.js';
import { countSegments } from '../messaging/segments.js';
import { checkSender } from '../messaging/validate.js';
import { getAccount } from '../store/accounts.js';
import { getMessageBySid, insertMessage, type MessageRow } from '../store/messages.js';
import { numberByPhone } from '../store/numbers.js';
import { sendBlocked } from '../store/opt-outs.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import type { HttpOutcome } from '../webhooks/http.js';
import { inboundTarget } from '../webhooks/inbound-target.js';
import { enqueueWebhook, normalizeMethod, type WebhookRow, type WebhookState } from '../webhooks/outbox.js';
import { contentTypeOf } from './media-types.js';
import { parseTwiml, type TwimlMessage } from './parse.js';

/** Redirect chains longer than this are cut off, like Twilio's loop protection. */
const MAX_REDIRECTS = 10;

export interface TwimlHandling {
  state: WebhookState;
  error: string | null;
  webhooks: number;
  /** the replies created, for the lifecycle to take on once committed */
  replies: MessageRow[];
}

export function handleTwimlOutcome(
  ctx: SandboxContext,
  row: WebhookRow,
  outcome: HttpOutcome,
  now: number,
  events: SandboxEvent[],
): TwimlHandling {
  const inbound = row.message_sid ? getMessageBySid(ctx.db, row.message_sid) : undefined;
  const result: TwimlHandling = { state: 'delivered', error: null, webhooks: 0, replies: [] };
  const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  let errorCode: number | undefined;
  if (!ok) {
    errorCode = outcome.status === null && outcome.error?.startsWith('timed out') ? 11205 : 11200;
    const why = outcome.error ?? `the server answered ${outcome.status}`;
    result.error = `${errorCode} HTTP retrieval failure: ${why}`;
  } else {
    const twiml = parseTwiml(outcome.body ?? '');
    if (!twiml.ok) {
      errorCode = twiml.code;
      result.error = `${twiml.code} ${twiml.error}`;
    } else if (inbound) {
      for (const message of twiml.messages) {
        const reply = createReply(ctx, inbound, message, row.url, now);
        if (typeof reply === 'string') {
          result.error = reply;
          continue;
        }
        result.replies.push(reply);
        events.push({ type: 'message', sid: reply.sid, status: reply.status, accountSid: reply.account_sid });
      }
      if (twiml.redirect) {
        const redirects = ctx.db
          .prepare("SELECT COUNT(*) AS n FROM webhooks WHERE message_sid = ? AND kind = 'redirect'")
          .get(inbound.sid) as { n: number };
        const target = resolveUrl(twiml.redirect.url, row.url);
        if (redirects.n >= MAX_REDIRECTS)
          result.error = `Too many redirects (${MAX_REDIRECTS}): not following ${target}`;
        else if (target === undefined) result.error = `Invalid <Redirect> URL: ${twiml.redirect.url}`;
        else result.webhooks += follow(ctx, row, 'redirect', target, twiml.redirect.method, {}, now);
      }
    }
  }
  if (errorCode !== undefined) {
    result.state = 'failed';
    if (row.kind === 'inbound' && inbound) {
      const number = numberByPhone(ctx.db, inbound.to_addr);
      const target = number ? inboundTarget(ctx.db, number) : undefined;
      if (target && target.fallbackUrl !== '') {
        const extra = { ErrorCode: String(errorCode), ErrorUrl: row.url };
        result.webhooks += follow(ctx, row, 'fallback', target.fallbackUrl, target.fallbackMethod, extra, now);
      }
    }
  }
  return result;
}

function follow(
  ctx: SandboxContext,
  row: WebhookRow,
  kind: 'fallback' | 'redirect',
  url: string,
  method: string | undefined,
  extra: Record<string, string>,
  now: number,
): number {
  const authToken = getAccount(ctx.db, row.account_sid)?.auth_token;
  if (authToken === undefined) return 0;
  const params = { ...(JSON.parse(row.params) as Record<string, string>), ...extra };
  enqueueWebhook(ctx.db, {
    accountSid: row.account_sid,
    authToken,
    messageSid: row.message_sid,
    kind,
    url,
    method: normalizeMethod(method),
    params,
    now,
  });
  return 1;
}

function resolveUrl(url: string, base: string): string | undefined {
  try {
    const resolved = new URL(url, base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

/** Creates one reply, or returns why it could not. */
function createReply(
  ctx: SandboxContext,
  inbound: MessageRow,
  message: TwimlMessage,
  base: string,
  now: number,
): MessageRow | string {
  const media: { url: string; contentType: string }[] = [];
  for (const m of message.media) {
    const url = resolveUrl(m, base);
    if (url === undefined) return `Invalid <Media> URL: ${m}`;
    media.push({ url, contentType: contentTypeOf(url) });
  }
  if (message.body === '' && media.length === 0) return '14103 Invalid Body: a <Message> needs a body or media';
  if (message.body.length > 1600) return '21617 The concatenated message body exceeds the 1600 character limit';
  // `to` and `from` are read as the REST API reads them: national formats become E.164, and the
  // sender must be one the account may send from
  const to = message.to === undefined ? inbound.from_addr : normalizeRecipient(message.to);
  if (to === undefined) return `21211 Invalid 'To' Phone Number: ${message.to ?? ''}`;
  let from = inbound.to_addr;
  if (message.from !== undefined) {
    from = normalizeRecipient(message.from) ?? message.from.trim();
    try {
      checkSender(ctx.db, inbound.account_sid, from);
    } catch (err) {
      if (err instanceof TwilioRestError) return `${err.twilioCode} ${err.message}`;
      throw err;
    }
  }
  // the answer to a STOP cannot reach the phone that just opted out
  if (sendBlocked(ctx.db, inbound.account_sid, from, to, inbound.messaging_service_sid)) {
    return '21610 Attempt to send to unsubscribed recipient';
  }
  const action = message.action === undefined ? null : (resolveUrl(message.action, base) ?? null);
  const segments = countSegments(message.body);
  return insertMessage(ctx.db, {
    account_sid: inbound.account_sid,
    to_addr: to,
    from_addr: from,
    body: message.body,
    status: 'queued',
    direction: 'outbound-reply',
    num_segments: media.length > 0 ? 1 : segments.segments,
    encoding: segments.encoding,
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: inbound.messaging_service_sid,
    status_callback: action,
    application_sid: null,
    validity_period: null,
    send_at: null,
    date_created: now,
    date_sent: null,
    next_at: now + Math.ceil(ctx.clock.delay(ctx.config.statusDelay)),
    next_status: 'sending',
    fate: null,
    media,
    extra: action === null ? {} : { status_callback_method: normalizeMethod(message.method) },
  });
}
