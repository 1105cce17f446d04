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
// Twilio's To and From filters match an address exactly, and a WhatsApp message is addressed
// `whatsapp:+1…`: a poll filtered on a plain number therefore watches two lists, the number's and its
// WhatsApp address's, each with its own position in the cursor and its share of the page budget.
import type { FastifyInstance } from 'fastify';
import type { Message } from '../../shared/wire/message.js';
import type { Page } from '../../twilio/index.js';
import { parseFilterDate } from '../../shared/dates.js';
import { validation } from '../errors.js';
import { baseUrlOf } from './public-url.js';
import type { TriggerClient, TriggerContext } from './context.js';
import { channelNumber } from './message-event.js';
import { decodeCursor, encodeCursor, type Cursor } from './polling-cursor.js';
import { provenConnection } from './proven.js';

const PATH = '/triggers/messages/received';
const PAGE_SIZE = 20;
/** at most this many messages per answer; the rest come with the next poll */
const MAX_BATCH = 200;
/** upstream pages one poll may read, whatever the cursor says */
export const MAX_PAGES = MAX_BATCH / PAGE_SIZE;

type Filter = { To?: string; From?: string };

/** What one watched list gave this poll. */
type Descent =
  /** the list had no position yet: it starts from its newest message, handing out nothing */
  | { kind: 'started'; cursor: Cursor }
  /** the list was read down to its position: these messages are new, oldest first */
  | { kind: 'read'; base: Cursor; fresh: Message[] }
  /** the descent stopped before the position (page budget spent, or a page gone): carry on at once */
  | { kind: 'unfinished'; cursor: Cursor };

/** A message the poll hands out: the Message model, plus what WhatsApp adds when it came over WhatsApp. */
type PolledMessage = Message | (Message & { channel: 'whatsapp'; whatsapp: { wa_id: string } });

function createdMs(m: Message): number {
  return parseFilterDate(m.date_created)?.ms ?? 0;
}

/** The lists a poll watches: the filter as given and, for plain numbers, their WhatsApp addresses. */
function listsOf(filter: Filter): Filter[] {
  const given = Object.entries(filter) as [keyof Filter, string][];
  if (given.length === 0 || given.some(([, v]) => v.includes(':'))) return [filter];
  const whatsapp: Filter = {};
  for (const [k, v] of given) whatsapp[k] = `whatsapp:${v}`;
  return [filter, whatsapp];
}

async function descend(
  client: TriggerClient,
  filter: Filter,
  cursor: Cursor | undefined,
  maxPages: number,
): Promise<Descent> {
  const first: Page<Message> | null =
    cursor?.resume !== undefined
      ? await client.nextPage<Message>({ next_page_uri: cursor.resume } as Page<Message>)
      : await client.messages.list({ ...filter, PageSize: cursor === undefined ? 1 : PAGE_SIZE });
  if (first === null) return { kind: 'unfinished', cursor: { sid: cursor?.sid ?? null, at: cursor?.at ?? 0 } };
  let page = first;
  const newest = page.items[0];
  if (cursor === undefined) {
    // first poll: start from now, never flood a workflow with the backlog
    return {
      kind: 'started',
      cursor: newest === undefined ? { sid: null, at: 0 } : { sid: newest.sid, at: createdMs(newest) },
    };
  }
  const base: Cursor = { sid: cursor.sid, at: cursor.at };
  if (newest === undefined || (cursor.resume === undefined && newest.sid === cursor.sid)) {
    return { kind: 'read', base, fresh: [] };
  }
  const fresh: Message[] = [];
  let pages = 1;
  collect: for (;;) {
    for (const m of page.items) {
      if (m.sid === cursor.sid || (cursor.sid !== null && createdMs(m) < cursor.at)) break collect;
      fresh.push(m);
    }
    if (page.next_page_uri === null) break;
    if (pages >= maxPages) {
      // the cursor is further down than one poll reads: carry on at once from this page (read
      // again, so the messages just above a cursor at the top of the next page are not lost)
      return { kind: 'unfinished', cursor: { ...base, resume: page.uri } };
    }
    const next = await client.nextPage(page);
    if (next === null) break;
    page = next;
    pages++;
  }
  return { kind: 'read', base, fresh: fresh.reverse() };
}

/** The lists' new messages in one sequence, oldest first; each list keeps its own order. */
function oldestFirst(lists: readonly Message[][]): { message: Message; list: number }[] {
  const heads = lists.map(() => 0);
  const out: { message: Message; list: number }[] = [];
  for (;;) {
    let best = -1;
    let bestAt = 0;
    for (const [i, list] of lists.entries()) {
      const head = list[heads[i] as number];
      if (head === undefined) continue;
      const at = createdMs(head);
      if (best < 0 || at < bestAt) [best, bestAt] = [i, at];
    }
    if (best < 0) return out;
    out.push({ message: (lists[best] as Message[])[heads[best] as number] as Message, list: best });
    heads[best] = (heads[best] as number) + 1;
  }
}

/**
 * What the REST list can say about a WhatsApp message: its channel and the user's WhatsApp ID (their
 * number without `+`). The rest of what Twilio's inbound webhook adds (profile name, message type,
 * buttons, location, replies, referrals) is not in the Message resource.
 */
function polled(m: Message): PolledMessage {
  const from = m.from ?? '';
  if (!from.startsWith('whatsapp:') && !m.to.startsWith('whatsapp:')) return m;
  const user = m.direction === 'inbound' ? from : m.to;
  return { ...m, channel: 'whatsapp', whatsapp: { wa_id: channelNumber(user).replace(/^\+/, '') } };
}

export function registerPolling(app: FastifyInstance, ctx: TriggerContext): void {
  app.get(PATH, { config: { operation: 'OnMessageReceivedPoll' } }, async (request, reply) => {
    const connection = await provenConnection(ctx, request);
    const q = request.query as Record<string, unknown>;
    const filter: Filter = {};
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
    const lists = listsOf(filter);

    const location = (cursors: readonly Cursor[]): string => {
      const params = new URLSearchParams({ ...filter, Cursor: encodeCursor(cursors) });
      return `${baseUrlOf(request, ctx.publicUrl, ctx.trustProxy)}${PATH}?${params.toString()}`;
    };
    const waiting = (cursors: readonly Cursor[], retryAfter: number) =>
      reply.code(202).header('location', location(cursors)).header('retry-after', String(retryAfter)).send();

    const cursors =
      rawCursor === undefined
        ? lists.map(() => undefined)
        : decodeCursor(rawCursor, connection.accountSid, lists.length);
    const maxPages = Math.max(1, Math.floor(MAX_PAGES / lists.length));
    const descents = await Promise.all(lists.map((f, i) => descend(client, f, cursors[i], maxPages)));

    const next = descents.map((d) => (d.kind === 'read' ? d.base : d.cursor));
    const unfinished = descents.some((d) => d.kind === 'unfinished');
    // a huge gap is handed out in batches, each list's newest handed-out message becomes its cursor
    const batch = oldestFirst(descents.map((d) => (d.kind === 'read' ? d.fresh : []))).slice(0, MAX_BATCH);
    for (const { message, list } of batch) next[list] = { sid: message.sid, at: createdMs(message) };
    const value = batch.filter(({ message }) => message.direction === 'inbound').map(({ message }) => polled(message));
    if (value.length === 0) return waiting(next, unfinished ? 0 : ctx.pollIntervalSeconds);
    if (unfinished) reply.header('retry-after', '0');
    return reply.code(200).header('location', location(next)).send({ value });
  });
}
