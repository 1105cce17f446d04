// The polling trigger `GET /triggers/messages/received`, in the Logic Apps polling protocol: 202 with
// Location and Retry-After while nothing is new, 200 {"value":[…]} with the next Location when
// something is. The cursor (the newest message seen) travels in the Location URL, so the connector
// stores nothing. Twilio lists newest first: we read small pages down to the cursor's message, so a
// quiet poll costs one small request, and equal timestamps or arrivals during a read cannot make a
// message be missed or repeated. The cursor is the caller's to craft, so one poll reads at most
// MAX_PAGES upstream pages: when the cursor's message is further down, the answer is 202 with
// Retry-After: 0 and a Location that resumes the descent at the last page read, and a later poll
// hands the messages out, oldest first, once it reaches the cursor; the newer ones follow from the
// top on the polls after that.
import type { FastifyInstance } from 'fastify';
import type { Message } from '../../shared/wire/message.js';
import type { Page } from '../../twilio/index.js';
import { parseFilterDate } from '../../shared/dates.js';
import { validation } from '../errors.js';
import { baseUrlOf } from './public-url.js';
import type { TriggerContext } from './context.js';
import { provenConnection } from './proven.js';

const PATH = '/triggers/messages/received';
const PAGE_SIZE = 20;
/** at most this many messages per answer; the rest come with the next poll */
const MAX_BATCH = 200;
/** upstream pages one poll may read, whatever the cursor says */
export const MAX_PAGES = MAX_BATCH / PAGE_SIZE;

interface Cursor {
  /** newest message already returned; null when the number had no messages at the first poll */
  sid: string | null;
  /** its date_created in ms: a fallback stop if that message was deleted */
  at: number;
  /** Twilio's next-page link where an unfinished descent to the cursor stopped */
  resume?: string;
}

function encodeCursor(c: Cursor): string {
  const parts: unknown[] = [c.sid, c.at];
  if (c.resume !== undefined) parts.push(c.resume);
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(text: string, accountSid: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && (typeof v[0] === 'string' || v[0] === null) && typeof v[1] === 'number') {
      const cursor: Cursor = { sid: v[0] as string | null, at: v[1] };
      const resume: unknown = v[2];
      if (resume === undefined) return cursor;
      // only a page of this account's message list: the link is followed with the caller's credentials
      const listPath = `/2010-04-01/Accounts/${accountSid}/Messages.json?`;
      if (typeof resume === 'string' && resume.length <= 2000 && resume.startsWith(listPath)) {
        return { ...cursor, resume };
      }
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
    const connection = await provenConnection(ctx, request);
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
    const waiting = (c: Cursor, retryAfter = ctx.pollIntervalSeconds) =>
      reply.code(202).header('location', location(c)).header('retry-after', String(retryAfter)).send();

    const cursor = rawCursor === undefined ? undefined : decodeCursor(rawCursor, connection.accountSid);
    const first: Page<Message> | null =
      cursor?.resume !== undefined
        ? await client.nextPage<Message>({ next_page_uri: cursor.resume } as Page<Message>)
        : await client.messages.list({ ...filter, PageSize: cursor === undefined ? 1 : PAGE_SIZE });
    if (first === null) return waiting({ sid: cursor?.sid ?? null, at: cursor?.at ?? 0 }, 0);
    let page = first;
    const newest = page.items[0];
    if (cursor === undefined) {
      // first poll: start from now, never flood a workflow with the backlog
      return waiting(newest === undefined ? { sid: null, at: 0 } : { sid: newest.sid, at: createdMs(newest) });
    }
    const base: Cursor = { sid: cursor.sid, at: cursor.at };
    if (newest === undefined || (cursor.resume === undefined && newest.sid === cursor.sid)) return waiting(base);

    const fresh: Message[] = [];
    let pages = 1;
    collect: for (;;) {
      for (const m of page.items) {
        if (m.sid === cursor.sid || (cursor.sid !== null && createdMs(m) < cursor.at)) break collect;
        fresh.push(m);
      }
      if (page.next_page_uri === null) break;
      if (pages >= MAX_PAGES) {
        // the cursor is further down than one poll reads: carry on at once from this page (read
        // again, so the messages just above a cursor at the top of the next page are not lost)
        return waiting({ ...base, resume: page.uri }, 0);
      }
      const next = await client.nextPage(page);
      if (next === null) break;
      page = next;
      pages++;
    }
    if (fresh.length === 0) return waiting(base);
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
