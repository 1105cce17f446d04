// The read/manage API the inbox UI is built on (/_sandbox/account, /messages, /conversations):
// keyset-paged on messages.seq so every page is an index seek, whatever the size of the store.
import type { FastifyReply } from 'fastify';
import { rfc2822 } from '../../shared/dates.js';
import type { SandboxContext } from '../context.js';
import type { Product, RouteTable } from '../routes/table.js';
import type { AccountRow } from '../store/accounts.js';
import { latestConversations } from '../store/conversations.js';
import { parseTimeline } from '../store/timeline.js';
import { messageJson } from '../store/message-json.js';
import { mediaOfMessages, type MediaRow } from '../store/media.js';
import { deleteMessage, getMessage, type MessageRow } from '../store/messages.js';
import type { NumberRow } from '../store/numbers.js';
import { templateSendOf } from '../content/template-send.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';
import { webhooksOf } from '../webhooks/outbox.js';
import { normalizeNumber, parseSearch, SearchError, type Filter } from '../ui/search.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function fail(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendTwilioError(reply, new TwilioRestError(status, status === 404 ? 20404 : 20001, message), 'json');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Parses an optional positive integer query value; `null` means present but invalid. */
function positiveInt(value: unknown, max: number): number | undefined | null {
  const s = text(value);
  if (s === undefined || s === '') return undefined;
  if (!/^\d{1,15}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= max ? n : null;
}

function optionalNumber(value: unknown): string | undefined {
  const s = text(value)?.trim();
  return s === undefined || s === '' ? undefined : normalizeNumber(s);
}

/** Webhook parameters are stored as JSON; show whatever is there even if it is not. */
function parseParams(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** One indexed read of a page: all filters hold; `index` names the index when the planner can't tell. */
interface Branch {
  filters: Filter[];
  index?: 'messages_to' | 'messages_from';
}

/** The inbox's reads, of the main account. */
export function inboxApi(account: AccountRow): Product {
  return (routes, ctx) => registerInboxApi(routes, ctx, account);
}

function registerInboxApi(routes: RouteTable, ctx: SandboxContext, account: AccountRow): void {
  const { db } = ctx;
  const item = (m: MessageRow, media: MediaRow[]): Record<string, unknown> => ({
    ...messageJson(m),
    seq: m.seq,
    encoding: m.encoding,
    media: media.map((x) => ({ sid: x.sid, content_type: x.content_type, url: x.url })),
    // what a template send showed besides its text (buttons, a card's lines), as it was when sent
    content: templateSendOf(m.extra) ?? null,
  });

  /**
   * One page of messages matching all `filters`, newest first, below `before`. An OR of two
   * indexed branches (e.g. to=X or from=X) runs as two seeks merged here, so neither scans.
   */
  const page = (branches: Branch[], before: number | undefined, limit: number) => {
    const seen = new Map<number, MessageRow>();
    for (const { filters, index } of branches) {
      const where = ['account_sid = ?', ...filters.map((f) => f.sql)];
      const args: unknown[] = [account.sid, ...filters.flatMap((f) => f.args)];
      if (before !== undefined) {
        where.push('seq < ?');
        args.push(before);
      }
      const rows = db
        .prepare(
          `SELECT * FROM messages${index ? ` INDEXED BY ${index}` : ''} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
        )
        .all(...args, limit + 1) as MessageRow[];
      for (const r of rows) seen.set(r.seq, r);
    }
    const rows = [...seen.values()].sort((a, b) => b.seq - a.seq);
    const more = rows.length > limit;
    const kept = rows.slice(0, limit);
    const media = mediaOfMessages(
      db,
      kept.filter((r) => r.num_media > 0).map((r) => r.sid),
    );
    return {
      messages: kept.map((r) => item(r, media.get(r.sid) ?? [])),
      next_before: more ? (kept[kept.length - 1]?.seq ?? null) : null,
    };
  };

  const numbers = (): NumberRow[] =>
    db.prepare('SELECT * FROM incoming_numbers WHERE account_sid = ? ORDER BY seq').all(account.sid) as NumberRow[];

  routes.control('GET', '/_sandbox/account', () => ({
    sid: account.sid,
    auth_token: account.auth_token,
    friendly_name: account.friendly_name,
    base_url: ctx.baseUrl(),
    numbers: numbers().map((n) => ({
      sid: n.sid,
      phone_number: n.phone_number,
      friendly_name: n.friendly_name,
      sms_url: n.sms_url,
      sms_method: n.sms_method,
      status_callback: n.status_callback,
      capabilities: parseParams(n.capabilities),
    })),
  }));

  routes.control('GET', '/_sandbox/messages', (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const limit = positiveInt(query['limit'], MAX_LIMIT);
    const before = positiveInt(query['before'], Number.MAX_SAFE_INTEGER);
    if (limit === null) return fail(reply, 400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    if (before === null) return fail(reply, 400, 'before must be the positive seq of a message');
    let filters: Filter[];
    try {
      filters = parseSearch(text(query['q']) ?? '');
    } catch (err) {
      if (err instanceof SearchError) return fail(reply, 400, err.message);
      throw err;
    }
    // an unencoded "+" arrives as a space: normalizing forgives it
    const number = optionalNumber(query['number']);
    const peer = optionalNumber(query['with']);
    if (peer !== undefined && number === undefined) return fail(reply, 400, '`with` needs `number`');
    let branches: Branch[] = [{ filters }];
    if (number !== undefined && peer !== undefined) {
      // a thread: each direction reads the counterpart's side, which holds far fewer messages
      branches = [
        {
          filters: [{ sql: 'to_addr = ?', args: [number] }, { sql: 'from_addr = ?', args: [peer] }, ...filters],
          index: 'messages_from',
        },
        {
          filters: [{ sql: 'to_addr = ?', args: [peer] }, { sql: 'from_addr = ?', args: [number] }, ...filters],
          index: 'messages_to',
        },
      ];
    } else if (number !== undefined) {
      branches = [
        { filters: [{ sql: 'to_addr = ?', args: [number] }, ...filters] },
        { filters: [{ sql: 'from_addr = ?', args: [number] }, ...filters] },
      ];
    }
    return page(branches, before, limit ?? DEFAULT_LIMIT);
  });

  routes.control('GET', '/_sandbox/conversations', (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const number = optionalNumber(query['number']);
    const limit = positiveInt(query['limit'], MAX_LIMIT);
    const before = positiveInt(query['before'], Number.MAX_SAFE_INTEGER);
    if (number === undefined) return fail(reply, 400, 'number is required (one of your numbers)');
    if (limit === null) return fail(reply, 400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    if (before === null) return fail(reply, 400, 'before must be the positive seq of a message');
    const size = limit ?? DEFAULT_LIMIT;
    const groups = latestConversations(db, account.sid, number, before ?? Number.MAX_SAFE_INTEGER, size + 1);
    const kept = groups.slice(0, size);
    const rows =
      kept.length === 0
        ? []
        : (db
            .prepare(`SELECT * FROM messages WHERE seq IN (${kept.map(() => '?').join(',')})`)
            .all(...kept.map((g) => g.last_seq)) as MessageRow[]);
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    const media = mediaOfMessages(
      db,
      rows.filter((r) => r.num_media > 0).map((r) => r.sid),
    );
    return {
      conversations: kept.flatMap((g) => {
        const last = bySeq.get(g.last_seq);
        return last
          ? [{ counterpart: g.counterpart, count: g.count, last: item(last, media.get(last.sid) ?? []) }]
          : [];
      }),
      next_before: groups.length > size ? (kept[kept.length - 1]?.last_seq ?? null) : null,
    };
  });

  routes.control('GET', '/_sandbox/messages/:sid', (request, reply) => {
    const { sid } = request.params as { sid: string };
    const m = getMessage(db, account.sid, sid);
    if (!m) return fail(reply, 404, `Message ${sid} was not found`);
    const media = mediaOfMessages(db, [sid]).get(sid) ?? [];
    const events = parseTimeline(m.timeline);
    const webhooks = webhooksOf(db, sid);
    return {
      message: item(m, media),
      sandbox: { fate: m.fate, next_status: m.next_status, next_at: m.next_at === null ? null : rfc2822(m.next_at) },
      events: events.map((e) => ({ status: e.status, error_code: e.error_code, at: rfc2822(e.at), at_ms: e.at })),
      webhooks: webhooks.map((w) => ({
        id: w.id,
        kind: w.kind,
        url: w.url,
        method: w.method,
        params: parseParams(w.params),
        signature: w.signature,
        state: w.state,
        attempts: w.attempts,
        next_attempt_at: w.next_attempt_at === null ? null : rfc2822(w.next_attempt_at),
        response_status: w.response_status,
        response_body: w.response_body,
        duration_ms: w.duration_ms,
        error: w.error,
        created_at: rfc2822(w.created_at),
        updated_at: rfc2822(w.updated_at),
      })),
    };
  });

  routes.control('DELETE', '/_sandbox/messages/:sid', (request, reply) => {
    const { sid } = request.params as { sid: string };
    if (!deleteMessage(db, account.sid, sid)) return fail(reply, 404, `Message ${sid} was not found`);
    ctx.events.publish({ type: 'message.deleted', sid, accountSid: account.sid });
    return reply.code(204).send();
  });

  routes.control('POST', '/_sandbox/messages/clear', () => {
    // as for a reset: what was answered before commits, with its after-commit work, first
    ctx.writes.flush();
    const deleted = db.transaction(() => {
      // pending webhooks stay: the delivery service still owns them
      db.prepare("DELETE FROM webhooks WHERE account_sid = ? AND state <> 'pending'").run(account.sid);
      return db.prepare('DELETE FROM messages WHERE account_sid = ?').run(account.sid).changes;
    })();
    ctx.events.publish({ type: 'reset' });
    return { deleted };
  });
}
