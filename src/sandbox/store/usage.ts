// What usage records are computed from: messages aggregated per GMT day in SQL (one range scan of
// the messages_usage index, never a row per message in JS) and the account's phone numbers.
//
// The index leaves out the status, which every lifecycle step changes. Canceled and scheduled
// messages have never been sent, so they have no price: the row (for its status) is read only for
// messages without one, and SQLite reads it lazily, after the price in the index has been tested.
import type { Db } from './db.js';

export const DAY = 86_400_000;

export interface DayUsage {
  /** days since the epoch (GMT) */
  day: number;
  inbound: boolean;
  mms: boolean;
  messages: number;
  segments: number;
  /** price in units of 0.00001, positive */
  cost: number;
}

/** Exported so a test can hold it to the index. */
export const MESSAGE_USAGE_SQL = `SELECT date_created / ${DAY} AS day,
              direction = 'inbound' AS inbound,
              num_media > 0 AS mms,
              COUNT(*) AS messages,
              SUM(num_segments) AS segments,
              SUM(COALESCE(CAST(ROUND(-CAST(price AS REAL) * 100000) AS INTEGER), 0)) AS cost
         FROM messages
        WHERE account_sid = ? AND date_created >= ? AND date_created < ?
          AND (price IS NOT NULL OR status NOT IN ('canceled', 'scheduled'))
        GROUP BY 1, 2, 3`;

/** Per day, direction and kind, over days [fromDay, toDay]. Canceled and still-scheduled messages cost nothing. */
export function messageUsageByDay(db: Db, accountSid: string, fromDay: number, toDay: number): DayUsage[] {
  const rows = db.prepare(MESSAGE_USAGE_SQL).all(accountSid, fromDay * DAY, (toDay + 1) * DAY) as {
    day: number;
    inbound: number;
    mms: number;
    messages: number;
    segments: number | null;
    cost: number | null;
  }[];
  return rows.map((r) => ({
    day: r.day,
    inbound: r.inbound === 1,
    mms: r.mms === 1,
    messages: r.messages,
    segments: r.segments ?? 0,
    cost: r.cost ?? 0,
  }));
}

/** The first day with any usage (message or number), for all-time ranges. */
export function firstUsageDay(db: Db, accountSid: string): number | undefined {
  const row = db
    .prepare(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(date_created) AS t FROM messages WHERE account_sid = ?
         UNION ALL SELECT MIN(date_created) FROM incoming_numbers WHERE account_sid = ?)`,
    )
    .get(accountSid, accountSid) as { t: number | null };
  return row.t === null ? undefined : Math.floor(row.t / DAY);
}

export interface Holding {
  type: string;
  date_created: number;
}

/** The account's numbers: few enough to bill in JS, month by month. */
export function numberHoldings(db: Db, accountSid: string): Holding[] {
  return db
    .prepare('SELECT type, date_created FROM incoming_numbers WHERE account_sid = ?')
    .all(accountSid) as Holding[];
}
