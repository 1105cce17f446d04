// The polling trigger `GET /triggers/messages/received`, in the Logic Apps polling protocol: 202 with
// Location and Retry-After while nothing is new, 200 {"value":[…]} with the next Location when
// something is. The cursor (the newest message seen) travels in the Location URL, so the connector
// stores nothing. Twilio lists newest first: we read small pages down to the cursor's message, so a
// quiet poll costs one small request, and equal timestamps or arrivals during a read cannot make a
// message be missed or repeated.
import type { FastifyInstance } from 'fastify';
import type { Message } from '../../shared/wire/message.js';
import { parseFilterDate } from '../../shared/dates.js';
import { validation } from '../errors.js';
import { baseUrlOf } from './public-url.js';
import type { TriggerContext } from './context.js';

const PATH = '/triggers/messages/received';
const PAGE_SIZE = 20;
/** at most this many messages per answer; the rest come with the next poll */
const MAX_BATCH = 200;

interface Cursor {
  /** newest message already returned; null when the number had no messages at the first poll */
  sid: string | null;
  /** its date_created in ms: a fallback stop if that message was deleted */
  at: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sid, c.at])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && (typeof v[0] === 'string' || v[0] === null) && typeof v[1] === 'number') {
      return { sid: v[0] as string | null, at: v[1] };
    }
  } catch {
    // fall through to the error
  }
  throw validation('Query parameter Cursor is not one this connector issued; start again without it');
}

function createdMs(m: Message): number {
  return parseFilterDate(m.date_created)?.ms ?? 0;
}

export function registerPolling(app: FastifyInstance, ctx: TriggerContext): void {
  app.get(PATH, { config: { operation: 'OnMessageReceivedPoll' } }, async (request, reply) => {
    const connection = ctx.authenticate(request);
    const q = request.query as Record<string, unknown>;
    const filter: { To?: string; From?: string } = {};
    for (const key of ['To', 'From'] as const) {
      const v = q[key];
      if (v === undefined || v === '') continue;
      if (typeof v !== 'string' || v.length > 300) throw validation(`Query parameter ${key} must be one phone number`);
      filter[key] = v;
    }
    // `Cursor` as published; `cursor` too, as links issued by early versions spelt it
    const rawCursor = q['Cursor'] ?? q['cursor'];
    if (rawCursor !== undefined && typeof rawCursor !== 'string')
      throw validation('Query parameter Cursor must appear once');
    const client = ctx.clientFor(connection);

    const location = (c: Cursor): string => {
      const params = new URLSearchParams({ ...filter, Cursor: encodeCursor(c) });
      return `${baseUrlOf(request, ctx.publicUrl, ctx.trustProxy)}${PATH}?${params.toString()}`;
    };
    const waiting = (c: Cursor) =>
      reply.code(202).header('location', location(c)).header('retry-after', String(ctx.pollIntervalSeconds)).send();

    let page = await client.messages.list({ ...filter, PageSize: rawCursor === undefined ? 1 : PAGE_SIZE });
    const newest = page.items[0];
    if (rawCursor === undefined) {
      // first poll: start from now, never flood a workflow with the backlog
      return waiting(newest === undefined ? { sid: null, at: 0 } : { sid: newest.sid, at: createdMs(newest) });
    }
    const cursor = decodeCursor(rawCursor);
    if (newest === undefined || newest.sid === cursor.sid) return waiting(cursor);

    const fresh: Message[] = [];
    collect: for (;;) {
      for (const m of page.items) {
        if (m.sid === cursor.sid || (cursor.sid !== null && createdMs(m) < cursor.at)) break collect;
        fresh.push(m);
      }
      const next = await client.nextPage(page);
      if (next === null) break;
      page = next;
    }
    // oldest first; a huge gap is handed out in batches, each batch's newest becomes the cursor
    fresh.reverse();
    const batch = fresh.slice(0, MAX_BATCH);
    const last = batch[batch.length - 1] as Message;
    const nextCursor = { sid: last.sid, at: createdMs(last) };
    const value = batch.filter((m) => m.direction === 'inbound');
    if (value.length === 0) return waiting(nextCursor);
    return reply.code(200).header('location', location(nextCursor)).send({ value });
  });
}
