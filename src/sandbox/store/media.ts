// Media rows of a message: inserted with it, listed, read and deleted on their own, and rendered
// as Twilio's Media JSON.
import { rfc2822 } from '../../shared/dates.js';
import { newSid } from '../sids.js';
import type { Db } from './db.js';
import { rangeClause, windowClause, type TimeRange } from './keyset-sql.js';
import type { KeysetWindow } from '../twilio-api/paging.js';

export interface NewMedia {
  url: string;
  contentType: string;
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

/** Inserts a new message's media; the caller's transaction holds the message row too. */
export function insertMediaRows(
  db: Db,
  message: { sid: string; account_sid: string; date_created: number },
  media: readonly NewMedia[],
): void {
  if (media.length === 0) return;
  const insert = db.prepare(
    'INSERT INTO media (sid, account_sid, message_sid, content_type, url, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const m of media) {
    insert.run(
      newSid('ME'),
      message.account_sid,
      message.sid,
      m.contentType,
      m.url,
      message.date_created,
      message.date_created,
    );
  }
}

/** The media of several messages at once (the inbox's pages), by message SID, each in its order. */
export function mediaOfMessages(db: Db, messageSids: readonly string[]): Map<string, MediaRow[]> {
  const out = new Map<string, MediaRow[]>();
  if (messageSids.length === 0) return out;
  const rows = db
    .prepare(`SELECT * FROM media WHERE message_sid IN (${messageSids.map(() => '?').join(',')}) ORDER BY seq`)
    .all(...messageSids) as MediaRow[];
  for (const r of rows) {
    const list = out.get(r.message_sid);
    if (list) list.push(r);
    else out.set(r.message_sid, [r]);
  }
  return out;
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
