// /2010-04-01/Accounts/{AccountSid}/Messages: send (create), list, fetch, redact or cancel (update)
// and delete. New messages are handed to the lifecycle through their next_at / next_status columns.
import type { SandboxContext } from '../context.js';
import { enqueueStatusCallback } from '../lifecycle/index.js';
import { dateRange } from '../messaging/date-filter.js';
import { UNSUBSCRIBED_FATE, unsubscribed } from '../messaging/opt-out.js';
import { validateCreate, type CreatePlan } from '../messaging/validate.js';
import { admitMessage } from '../realism/index.js';
import { isSid } from '../sids.js';
import { messageJson } from '../store/message-json.js';
import { listMessages, type MessageFilter } from '../store/message-list.js';
import { sendBlocked } from '../store/opt-outs.js';
import {
  cancelMessage,
  deleteMessage,
  getMessage,
  insertMessage,
  messageSeq,
  redactMessage,
  type MessageRow,
  type MessageStatus,
} from '../store/messages.js';
import { TwilioRestError, notFound } from '../twilio-wire/errors.js';
import { parsePaging, readPage } from './paging.js';
import type { RouteTable } from '../routes/table.js';
import { API_PREFIX, type TwilioRequest } from '../routes/twilio.js';
import type { Representation } from '../twilio-wire/wire.js';

/**
 * Statuses during which a message may be neither deleted nor redacted (redaction is for
 * "post-flight" records). `sent` is not among them: the message has left for the carrier, and
 * with carriers that send no receipt it stays `sent` for good.
 */
const IN_FLIGHT: ReadonlySet<MessageStatus> = new Set(['queued', 'sending', 'accepted', 'scheduled', 'receiving']);

const instance = (m: MessageRow): Representation => ({ type: 'instance', element: 'Message', data: messageJson(m) });

function find(ctx: SandboxContext, req: TwilioRequest): MessageRow {
  const sid = req.params['Sid'] ?? '';
  const row = isSid(sid, 'SM|MM') ? getMessage(ctx.db, req.account.sid, sid) : undefined;
  if (!row) throw notFound(req.path);
  return row;
}

function announce(ctx: SandboxContext, m: MessageRow): void {
  ctx.events.publish({ type: 'message', sid: m.sid, status: m.status, accountSid: m.account_sid });
}

function createExtra(plan: CreatePlan): Record<string, unknown> {
  const extra: Record<string, unknown> = plan.senderPending ? { sender_pending: true } : {};
  if (plan.content) extra['content'] = plan.content;
  return extra;
}

function create(ctx: SandboxContext, req: TwilioRequest): { status: number; rep: Representation } {
  const now = ctx.clock.now();
  const plan = validateCreate(ctx.db, req.account.sid, req.form, now);
  const status: MessageStatus = plan.sendAt !== undefined ? 'scheduled' : plan.service ? 'accepted' : 'queued';
  // a phone that opted out of this sender: refused at once from a number, failed after acceptance
  // when a Messaging Service sends (Twilio checks once it has picked the sender)
  const blocked = sendBlocked(ctx.db, req.account.sid, plan.from, plan.to, plan.service?.sid);
  if (blocked && !plan.service) throw unsubscribed();
  // fault injection and the sender's queue have the last word (21611 when it is full)
  const first = admitMessage(
    ctx,
    {
      to_addr: plan.to,
      from_addr: plan.from,
      media: plan.media,
      num_segments: plan.segments,
      validity_period: plan.validityPeriod,
      date_created: now,
      send_at: plan.sendAt ?? null,
      next_at: plan.sendAt ?? now + ctx.clock.delay(ctx.config.statusDelay),
      next_status: status === 'queued' ? 'sending' : blocked && status === 'accepted' ? 'failed' : 'queued',
      fate: blocked ? UNSUBSCRIBED_FATE : null,
    },
    now,
  );
  const row = insertMessage(ctx.db, {
    account_sid: req.account.sid,
    to_addr: plan.to,
    from_addr: plan.from,
    body: plan.body,
    status,
    direction: 'outbound-api',
    num_segments: plan.segments,
    encoding: plan.encoding,
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: plan.service?.sid ?? null,
    status_callback: plan.statusCallback,
    application_sid: plan.applicationSid,
    validity_period: plan.validityPeriod,
    send_at: plan.sendAt ?? null,
    date_created: now,
    date_sent: null,
    ...first,
    media: plan.media,
    extra: createExtra(plan),
  });
  ctx.lifecycle.poke(row.next_at ?? undefined);
  // remembered once committed only: a rolled-back insert's seq may be given to another message
  ctx.writes.afterCommit(() => ctx.lifecycle.track(row));
  announce(ctx, row);
  return { status: 201, rep: instance(row) };
}

function list(ctx: SandboxContext, req: TwilioRequest): Representation {
  const paging = parsePaging(req.query);
  const filter: MessageFilter = {};
  const to = req.query.get('To');
  const from = req.query.get('From');
  if (to !== null && to !== '') filter.to = to;
  if (from !== null && from !== '') filter.from = from;
  const dateSent = dateRange(req.query, 'DateSent');
  if (dateSent) filter.dateSent = dateSent;
  const { rows, meta } = readPage({
    path: `${API_PREFIX}/Accounts/${req.account.sid}/Messages.json`,
    query: req.query,
    paging,
    seqOfSid: (sid) => messageSeq(ctx.db, req.account.sid, sid),
    fetch: (w) => listMessages(ctx.db, req.account.sid, filter, w),
  });
  return {
    type: 'list',
    key: 'messages',
    element: 'Messages',
    itemElement: 'Message',
    items: rows.map(messageJson),
    meta,
  };
}

const invalidUpdate = (): TwilioRestError => new TwilioRestError(400, 30400, 'Parameters are not valid');
const incomplete = (): TwilioRestError =>
  new TwilioRestError(400, 20009, 'Cannot delete this resource before it is complete');

function update(ctx: SandboxContext, req: TwilioRequest): Representation {
  const m = find(ctx, req);
  const body = req.form.get('Body');
  const status = req.form.get('Status');
  if ((body === null) === (status === null)) throw invalidUpdate();
  const now = ctx.clock.now();
  let next: MessageRow;
  if (status !== null) {
    if (status !== 'canceled') throw invalidUpdate();
    if (m.status !== 'scheduled') throw new TwilioRestError(400, 30409, 'This message cannot be canceled');
    // The receiver hears about the cancel like any other status change, in the same transaction.
    next = ctx.db.transaction(() => {
      const canceled = cancelMessage(ctx.db, m, now);
      enqueueStatusCallback(ctx.db, canceled, now);
      return canceled;
    })();
    ctx.lifecycle.poke();
    ctx.webhooks.poke();
  } else {
    if (body !== '') throw invalidUpdate();
    if (IN_FLIGHT.has(m.status)) throw incomplete();
    next = redactMessage(ctx.db, m, now);
  }
  announce(ctx, next);
  return instance(next);
}

function remove(ctx: SandboxContext, req: TwilioRequest): null {
  const m = find(ctx, req);
  if (IN_FLIGHT.has(m.status)) throw incomplete();
  deleteMessage(ctx.db, req.account.sid, m.sid);
  ctx.events.publish({ type: 'message.deleted', sid: m.sid, accountSid: m.account_sid });
  return null;
}

export function registerMessages(routes: RouteTable, ctx: SandboxContext): void {
  routes.api2010('POST', '/Accounts/:AccountSid/Messages', (req) => create(ctx, req));
  routes.api2010('GET', '/Accounts/:AccountSid/Messages', (req) => list(ctx, req));
  routes.api2010('GET', '/Accounts/:AccountSid/Messages/:Sid', (req) => instance(find(ctx, req)));
  routes.api2010('POST', '/Accounts/:AccountSid/Messages/:Sid', (req) => update(ctx, req));
  routes.api2010('DELETE', '/Accounts/:AccountSid/Messages/:Sid', (req) => remove(ctx, req));
}
