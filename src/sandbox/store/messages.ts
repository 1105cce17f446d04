// Message rows: the one place that inserts, reads and renders them (Twilio's Message JSON), so the
// REST API, the lifecycle, inbound texts and the inbox agree on every field.
import { rfc2822, rfc2822OrNull } from '../../shared/dates.js';
import type { MessageDirection, MessageStatus } from '../../shared/wire/message.js';
import { newSid } from '../sids.js';
import type { KeysetWindow } from '../twilio-api/paging.js';
import type { Db } from './db.js';
import { timelineEntry } from './timeline.js';

export type { MessageStatus };
export type Direction = MessageDirection;

export interface MessageRow {
  seq: number;
  sid: string;
  account_sid: string;
  to_addr: string;
  from_addr: string;
  body: string;
  status: MessageStatus;
  direction: Direction;
  num_segments: number;
  num_media: number;
  encoding: string;
  price: string | null;
  price_unit: string;
  error_code: number | null;
  error_message: string | null;
  messaging_service_sid: string | null;
  status_callback: string | null;
  application_sid: string | null;
  validity_period: number | null;
  send_at: number | null;
  date_created: number;
  date_updated: number;
  date_sent: number | null;
  next_at: number | null;
  next_status: string | null;
  fate: string | null;
  extra: string;
  /** status history, see timeline.ts */
  timeline: string;
}

export interface NewMedia {
  url: string;
  contentType: string;
}

export type NewMessage = Omit<MessageRow, 'seq' | 'sid' | 'date_updated' | 'extra' | 'num_media' | 'timeline'> & {
  sid?: string;
  media?: NewMedia[];
  extra?: Record<string, unknown>;
};

/** Every column but seq, in the order the INSERT binds them. */
export const INSERT_COLUMNS = [
  'sid',
  'account_sid',
  'to_addr',
  'from_addr',
  'body',
  'status',
  'direction',
  'num_segments',
  'num_media',
  'encoding',
  'price',
  'price_unit',
  'error_code',
  'error_message',
  'messaging_service_sid',
  'status_callback',
  'application_sid',
  'validity_period',
  'send_at',
  'date_created',
  'date_updated',
  'date_sent',
  'next_at',
  'next_status',
  'fate',
  'extra',
  'timeline',
] as const satisfies readonly (keyof MessageRow)[];

// positional parameters: binding by name looks up every name on the row object
const INSERT_SQL = `INSERT INTO messages (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`;

/**
 * The INSERT's arguments in INSERT_COLUMNS order, read field by field: a loop over the column
 * names would look each one up by key on every insert. (A test checks the two orders agree.)
 */
export function insertArgs(r: MessageRow): (string | number | null)[] {
  return [
    r.sid,
    r.account_sid,
    r.to_addr,
    r.from_addr,
    r.body,
    r.status,
    r.direction,
    r.num_segments,
    r.num_media,
    r.encoding,
    r.price,
    r.price_unit,
    r.error_code,
    r.error_message,
    r.messaging_service_sid,
    r.status_callback,
    r.application_sid,
    r.validity_period,
    r.send_at,
    r.date_created,
    r.date_updated,
    r.date_sent,
    r.next_at,
    r.next_status,
    r.fate,
    r.extra,
    r.timeline,
  ];
}

/** Inserts a message with its media and its first timeline entry, in one transaction. */
export function insertMessage(db: Db, input: NewMessage): MessageRow {
  const media = input.media ?? [];
  const row: MessageRow = {
    seq: 0,
    sid: input.sid ?? newSid(media.length > 0 ? 'MM' : 'SM'),
    account_sid: input.account_sid,
    to_addr: input.to_addr,
    from_addr: input.from_addr,
    body: input.body,
    status: input.status,
    direction: input.direction,
    num_segments: input.num_segments,
    num_media: media.length,
    encoding: input.encoding,
    price: input.price,
    price_unit: input.price_unit,
    error_code: input.error_code,
    error_message: input.error_message,
    messaging_service_sid: input.messaging_service_sid,
    status_callback: input.status_callback,
    application_sid: input.application_sid,
    validity_period: input.validity_period,
    send_at: input.send_at,
    date_created: input.date_created,
    date_updated: input.date_created,
    date_sent: input.date_sent,
    next_at: input.next_at,
    next_status: input.next_status,
    fate: input.fate,
    extra: input.extra === undefined ? '{}' : JSON.stringify(input.extra),
    timeline: timelineEntry(input.status, input.date_created, input.error_code, true),
  };
  const write = (): MessageRow => {
    const info = db.prepare(INSERT_SQL).run(insertArgs(row));
    const insertMedia = db.prepare(
      'INSERT INTO media (sid, account_sid, message_sid, content_type, url, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const m of media) {
      insertMedia.run(newSid('ME'), row.account_sid, row.sid, m.contentType, m.url, row.date_created, row.date_created);
    }
    row.seq = Number(info.lastInsertRowid);
    return row;
  };
  return db.inTransaction ? write() : db.transaction(write)();
}

export function getMessage(db: Db, accountSid: string, sid: string): MessageRow | undefined {
  return db.prepare('SELECT * FROM messages WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    MessageRow | undefined;
}

export function getMessageBySid(db: Db, sid: string): MessageRow | undefined {
  return db.prepare('SELECT * FROM messages WHERE sid = ?').get(sid) as MessageRow | undefined;
}

/** Twilio's Message JSON (field order as Twilio sends it). */
export function messageJson(m: MessageRow): Record<string, unknown> {
  // Twilio reports no sender and 0 segments until a Messaging Service has picked the sender.
  const pending =
    m.messaging_service_sid !== null &&
    (m.status === 'accepted' || m.status === 'scheduled' || (m.status === 'canceled' && m.date_sent === null));
  const uri = `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}`;
  return {
    account_sid: m.account_sid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.date_created),
    date_sent: rfc2822OrNull(m.date_sent),
    date_updated: rfc2822(m.date_updated),
    direction: m.direction,
    error_code: m.error_code,
    error_message: m.error_message,
    from: pending && senderPending(m) ? null : m.from_addr,
    messaging_service_sid: m.messaging_service_sid,
    num_media: String(m.num_media),
    num_segments: pending ? '0' : String(m.num_segments),
    price: m.price,
    price_unit: m.price_unit,
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: m.to_addr,
    uri: `${uri}.json`,
  };
}

/** True when the sender was left to the Messaging Service (no `From` in the request). */
/** SQL for the rows messageJson shows with `from: null`. */
const SENDER_HIDDEN = `(messaging_service_sid IS NOT NULL AND (status IN ('accepted', 'scheduled') OR (status = 'canceled' AND date_sent IS NULL)) AND json_extract(extra, '$.sender_pending') IS 1)`;

function senderPending(m: MessageRow): boolean {
  return (JSON.parse(m.extra) as { sender_pending?: boolean }).sender_pending === true;
}

/** A time range over a date column: `from` inclusive, `before` exclusive (ms). */
export interface TimeRange {
  from?: number;
  before?: number;
}

export interface MessageFilter {
  to?: string;
  from?: string;
  dateSent?: TimeRange;
  /** with both To and From: the address whose index is read (the other is tested inside it) */
  side?: 'to' | 'from';
}

/** Entries counted per side when choosing one; past this a side is simply "busy". */
const SIDE_PROBE = 1000;

/**
 * Which index answers a To+From filter faster: the side with fewer messages, since the other
 * address is tested on each of that side's entries. Both counts stop at SIDE_PROBE entries.
 */
export function lighterSide(db: Db, accountSid: string, to: string, from: string): 'to' | 'from' {
  const count = (side: 'to' | 'from', addr: string): number =>
    (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages INDEXED BY messages_${side} WHERE account_sid = ? AND ${side}_addr = ? LIMIT ${SIDE_PROBE})`,
        )
        .get(accountSid, addr) as { n: number }
    ).n;
  return count('to', to) <= count('from', from) ? 'to' : 'from';
}

function windowClause(w: KeysetWindow, column: string): { where: string; order: string; args: number[] } {
  if (w.below !== undefined) return { where: ` AND ${column} < ?`, order: 'DESC', args: [w.below] };
  if (w.above !== undefined) return { where: ` AND ${column} > ?`, order: 'ASC', args: [w.above] };
  return { where: '', order: 'DESC', args: [] };
}

/** `+column` keeps SQLite on the seq-ordered index of the other filter: a date index would need a sort. */
function rangeClause(column: string, range: TimeRange | undefined): { where: string; args: number[] } {
  let where = '';
  const args: number[] = [];
  if (range?.from !== undefined) {
    where += ` AND +${column} >= ?`;
    args.push(range.from);
  }
  if (range?.before !== undefined) {
    where += ` AND +${column} < ?`;
    args.push(range.before);
  }
  return { where, args };
}

/**
 * The SQL and arguments of one page window (exported so its query plan can be checked).
 * A date filter without To/From is read in (date_sent, seq) order straight off the date index,
 * so a narrow range deep in the past costs no more than today's; the page tokens then continue
 * after the anchor row's (date_sent, seq). Other filters keep seq order on their own index.
 */
export function messageListQuery(
  accountSid: string,
  f: MessageFilter,
  w: KeysetWindow,
  anchorDateSent?: number | null,
): { sql: string; args: (string | number | null)[] } {
  let where = 'account_sid = ?';
  const args: (string | number | null)[] = [accountSid];
  if (f.to !== undefined) {
    where += ' AND to_addr = ?';
    args.push(f.to);
  }
  if (f.from !== undefined) {
    // a sender the Message JSON does not show yet (`from: null`) matches no From filter
    where += ` AND from_addr = ? AND NOT ${SENDER_HIDDEN}`;
    args.push(f.from);
  }
  const both = f.to !== undefined && f.from !== undefined;
  const table = both ? `messages INDEXED BY messages_${f.side ?? 'to'}` : 'messages';
  const byDate = f.dateSent !== undefined && f.to === undefined && f.from === undefined;
  if (byDate) {
    const { from, before } = f.dateSent!;
    where += ' AND date_sent IS NOT NULL';
    if (from !== undefined) {
      where += ' AND date_sent >= ?';
      args.push(from);
    }
    if (before !== undefined) {
      where += ' AND date_sent < ?';
      args.push(before);
    }
    let order = 'DESC';
    if (w.below !== undefined || w.above !== undefined) {
      const op = w.below !== undefined ? '<' : '>';
      if (w.above !== undefined) order = 'ASC';
      where += ` AND (date_sent, seq) ${op} (?, ?)`;
      args.push(anchorDateSent ?? null, (w.below ?? w.above)!);
    }
    return {
      sql: `SELECT * FROM messages WHERE ${where} ORDER BY date_sent ${order}, seq ${order} LIMIT ? OFFSET ?`,
      args: [...args, w.limit, w.offset],
    };
  }
  const range = rangeClause('date_sent', f.dateSent);
  const win = windowClause(w, 'seq');
  return {
    sql: `SELECT * FROM ${table} WHERE ${where}${range.where}${win.where} ORDER BY seq ${win.order} LIMIT ? OFFSET ?`,
    args: [...args, ...range.args, ...win.args, w.limit, w.offset],
  };
}

/** One page window of an account's messages, newest first (oldest first for an `above` window). */
export function listMessages(db: Db, accountSid: string, f: MessageFilter, w: KeysetWindow): MessageRow[] {
  const anchorSeq = w.below ?? w.above;
  const anchor =
    anchorSeq === undefined
      ? undefined
      : (db.prepare('SELECT date_sent FROM messages WHERE seq = ?').get(anchorSeq) as
          { date_sent: number | null } | undefined);
  const side =
    f.to !== undefined && f.from !== undefined ? (f.side ?? lighterSide(db, accountSid, f.to, f.from)) : undefined;
  const { sql, args } = messageListQuery(accountSid, side ? { ...f, side } : f, w, anchor?.date_sent ?? null);
  return db.prepare(sql).all(...args) as MessageRow[];
}

export function messageSeq(db: Db, accountSid: string, sid: string): number | undefined {
  const row = db.prepare('SELECT seq FROM messages WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    { seq: number } | undefined;
  return row?.seq;
}

/** Records a status change of an API action (cancel) with its timeline entry. */
export function cancelMessage(db: Db, m: MessageRow, now: number): MessageRow {
  const entry = timelineEntry('canceled', now, null);
  db.prepare(
    `UPDATE messages SET status = 'canceled', next_at = NULL, next_status = NULL, date_updated = ?,
       timeline = timeline || ? WHERE sid = ?`,
  ).run(now, entry, m.sid);
  return {
    ...m,
    status: 'canceled',
    next_at: null,
    next_status: null,
    date_updated: now,
    timeline: m.timeline + entry,
  };
}

export function redactMessage(db: Db, m: MessageRow, now: number): MessageRow {
  db.prepare(`UPDATE messages SET body = '', date_updated = ? WHERE sid = ?`).run(now, m.sid);
  return { ...m, body: '', date_updated: now };
}

/** Deletes a message; its media go with it (foreign keys cascade). */
export function deleteMessage(db: Db, accountSid: string, sid: string): boolean {
  return db.prepare('DELETE FROM messages WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0;
}

export interface MediaRow {
  seq: number;
  sid: string;
  account_sid: string;
  message_sid: string;
  content_type: string;
  url: string;
  date_created: number;
  date_updated: number;
}

export function listMedia(
  db: Db,
  accountSid: string,
  messageSid: string,
  dateCreated: TimeRange | undefined,
  w: KeysetWindow,
): MediaRow[] {
  const range = rangeClause('date_created', dateCreated);
  const win = windowClause(w, 'seq');
  const sql = `SELECT * FROM media WHERE message_sid = ? AND account_sid = ?${range.where}${win.where} ORDER BY seq ${win.order} LIMIT ? OFFSET ?`;
  return db.prepare(sql).all(messageSid, accountSid, ...range.args, ...win.args, w.limit, w.offset) as MediaRow[];
}

export function mediaSeq(db: Db, messageSid: string, sid: string): number | undefined {
  const row = db.prepare('SELECT seq FROM media WHERE sid = ? AND message_sid = ?').get(sid, messageSid) as
    { seq: number } | undefined;
  return row?.seq;
}

export function getMedia(db: Db, accountSid: string, messageSid: string, sid: string): MediaRow | undefined {
  return db
    .prepare('SELECT * FROM media WHERE sid = ? AND message_sid = ? AND account_sid = ?')
    .get(sid, messageSid, accountSid) as MediaRow | undefined;
}

export function deleteMedia(db: Db, accountSid: string, messageSid: string, sid: string): boolean {
  return (
    db
      .prepare('DELETE FROM media WHERE sid = ? AND message_sid = ? AND account_sid = ?')
      .run(sid, messageSid, accountSid).changes > 0
  );
}

/** Twilio's Media JSON. */
export function mediaJson(m: MediaRow): Record<string, unknown> {
  return {
    account_sid: m.account_sid,
    content_type: m.content_type,
    date_created: rfc2822(m.date_created),
    date_updated: rfc2822(m.date_updated),
    parent_sid: m.message_sid,
    sid: m.sid,
    uri: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.message_sid}/Media/${m.sid}.json`,
  };
}
