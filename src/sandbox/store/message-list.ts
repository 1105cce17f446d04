// Listing an account's messages: the filters Twilio's list takes (To, From, DateSent), which index
// answers them, and the keyset page window over it.
import type { KeysetWindow } from '../twilio-api/paging.js';
import type { Db } from './db.js';
import { rangeClause, windowClause, type TimeRange } from './keyset-sql.js';
import { SENDER_HIDDEN } from './message-json.js';
import type { MessageRow } from './messages.js';

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
