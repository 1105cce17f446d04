// GET /_sandbox/templates: what the inbox's Templates panel shows of the main account's Content
// templates: each one's types, variables and where its WhatsApp review stands now, plus when that
// review will next move by itself. Twilio's own ContentAndApprovals list needs the account's
// credentials and says nothing of the next step; the page needs neither, and it must know when to
// look again, since a review that moves on with time publishes no event.
import type { FastifyReply } from 'fastify';
import { channelType } from '../content/render.js';
import { reviewSettings } from '../content/review.js';
import type { Product } from '../routes/table.js';
import type { AccountRow } from '../store/accounts.js';
import { APPROVAL_STATUSES, approvalAt, type ContentRow } from '../store/contents.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendTwilioError } from '../twilio-wire/reply.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function fail(reply: FastifyReply, message: string): FastifyReply {
  return sendTwilioError(reply, new TwilioRestError(400, 20001, message), 'json');
}

/** A positive whole number from the query, undefined when absent, null when it is anything else. */
function positiveInt(value: unknown, max: number): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= max ? n : null;
}

/** A stored JSON object, or an empty one: a row the page cannot read still lists. */
function object(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Real ms until the review moves on by itself (received → pending → decided); null when it will not. */
function nextChangeIn(row: ContentRow, now: number): number | null {
  if (row.approval_name === null || row.approval_status !== null) return null;
  for (const at of [row.approval_pending_at, row.approval_decided_at]) {
    if (at !== null && at > now) return Math.ceil(at - now);
  }
  return null;
}

function templateJson(row: ContentRow, now: number): Record<string, unknown> {
  const types = object(row.types) as Record<string, Record<string, unknown>>;
  const approval = approvalAt(row, now);
  return {
    sid: row.sid,
    friendly_name: row.friendly_name,
    language: row.language,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
    variables: object(row.variables),
    types,
    whatsapp_type: channelType(types, 'whatsapp') ?? null,
    approval: { ...approval, next_change_in_ms: nextChangeIn(row, now) },
  };
}

export function templatesPanelApi(account: AccountRow): Product {
  return (routes, ctx) => {
    routes.control('GET', '/_sandbox/templates', (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const limit = positiveInt(query['limit'], MAX_LIMIT);
      const before = positiveInt(query['before'], Number.MAX_SAFE_INTEGER);
      if (limit === null) return fail(reply, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
      if (before === null) return fail(reply, 'before must be the next_before of the previous page');
      const size = limit ?? DEFAULT_LIMIT;
      const rows = ctx.db
        .prepare(`SELECT * FROM contents WHERE account_sid = ? AND seq < ? ORDER BY seq DESC LIMIT ?`)
        .all(account.sid, before ?? Number.MAX_SAFE_INTEGER, size + 1) as ContentRow[];
      const kept = rows.slice(0, size);
      const now = ctx.clock.now();
      return {
        templates: kept.map((row) => templateJson(row, now)),
        next_before: rows.length > size ? (kept[kept.length - 1]?.seq ?? null) : null,
        statuses: APPROVAL_STATUSES.filter((s) => s !== 'unsubmitted'),
        review: reviewSettings(ctx.db),
      };
    });
  };
}
