// Message rows: the one place that inserts, reads and changes them, so the REST API, the lifecycle,
// inbound texts and the inbox agree on every column. Rendering is message-json.ts, listing
// message-list.ts, media media.ts.
import type { MessageDirection, MessageStatus } from '../../shared/wire/message.js';
import { newSid } from '../sids.js';
import type { Db } from './db.js';
import { insertMediaRows, type NewMedia } from './media.js';
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
    insertMediaRows(db, row, media);
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
