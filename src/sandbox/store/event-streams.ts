// Event Streams rows: sinks (where events go), subscriptions (which sink gets which types) and the
// types each subscription selects. Lists are keyset-paged newest first by `seq`, like every other
// list in the sandbox.
import type { Db } from './db.js';
import type { KeysetWindow } from '../twilio-api/paging.js';
import { newSid } from '../sids.js';

export type SinkStatus = 'initialized' | 'validating' | 'active' | 'failed';

export interface SinkRow {
  seq: number;
  sid: string;
  account_sid: string;
  description: string;
  sink_type: string;
  /** the configuration as a JSON object text */
  sink_configuration: string;
  status: SinkStatus;
  /** the test_id of the last test event sent (Validate compares against it) */
  test_id: string | null;
  date_created: number;
  date_updated: number;
}

export interface StreamSubscriptionRow {
  seq: number;
  sid: string;
  account_sid: string;
  description: string;
  sink_sid: string;
  date_created: number;
  date_updated: number;
}

export interface SubscribedEventRow {
  seq: number;
  subscription_sid: string;
  account_sid: string;
  type: string;
  schema_version: number;
}

function windowSql(w: KeysetWindow): { where: string; order: string; args: number[] } {
  if (w.below !== undefined) return { where: ' AND seq < ?', order: 'DESC', args: [w.below] };
  if (w.above !== undefined) return { where: ' AND seq > ?', order: 'ASC', args: [w.above] };
  return { where: '', order: 'DESC', args: [] };
}

export function insertSink(
  db: Db,
  s: Pick<SinkRow, 'account_sid' | 'description' | 'sink_type' | 'sink_configuration'>,
  now: number,
): SinkRow {
  const sid = newSid('DG', now);
  db.prepare(
    `INSERT INTO sinks (sid, account_sid, description, sink_type, sink_configuration, status, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, 'initialized', ?, ?)`,
  ).run(sid, s.account_sid, s.description, s.sink_type, s.sink_configuration, now, now);
  return getSink(db, s.account_sid, sid)!;
}

export function getSink(db: Db, accountSid: string, sid: string): SinkRow | undefined {
  return db.prepare('SELECT * FROM sinks WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    SinkRow | undefined;
}

export function sinkSeq(db: Db, accountSid: string, sid: string): number | undefined {
  return getSink(db, accountSid, sid)?.seq;
}

export interface SinkFilter {
  inUse?: boolean;
  status?: string;
}

export function listSinks(db: Db, accountSid: string, filter: SinkFilter, w: KeysetWindow): SinkRow[] {
  const { where, order, args } = windowSql(w);
  const conditions: string[] = [];
  const values: (string | number)[] = [];
  if (filter.status !== undefined) {
    conditions.push(' AND status = ?');
    values.push(filter.status);
  }
  if (filter.inUse !== undefined) {
    conditions.push(
      ` AND ${filter.inUse ? '' : 'NOT '}EXISTS (SELECT 1 FROM stream_subscriptions u WHERE u.sink_sid = sinks.sid)`,
    );
  }
  return db
    .prepare(
      `SELECT * FROM sinks WHERE account_sid = ?${conditions.join('')}${where} ORDER BY seq ${order} LIMIT ? OFFSET ?`,
    )
    .all(accountSid, ...values, ...args, w.limit, w.offset) as SinkRow[];
}

export function updateSink(
  db: Db,
  sink: SinkRow,
  change: Partial<Pick<SinkRow, 'description' | 'status' | 'test_id'>>,
  now: number,
): SinkRow {
  const next = { ...sink, ...change, date_updated: now };
  db.prepare('UPDATE sinks SET description = ?, status = ?, test_id = ?, date_updated = ? WHERE sid = ?').run(
    next.description,
    next.status,
    next.test_id,
    now,
    sink.sid,
  );
  return next;
}

export function deleteSink(db: Db, accountSid: string, sid: string): boolean {
  return db.prepare('DELETE FROM sinks WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0;
}

export function subscriptionOfSink(db: Db, sinkSid: string): StreamSubscriptionRow | undefined {
  return db.prepare('SELECT * FROM stream_subscriptions WHERE sink_sid = ?').get(sinkSid) as
    StreamSubscriptionRow | undefined;
}

export function insertSubscription(
  db: Db,
  s: Pick<StreamSubscriptionRow, 'account_sid' | 'description' | 'sink_sid'>,
  types: readonly { type: string; schemaVersion: number }[],
  now: number,
): StreamSubscriptionRow {
  const sid = newSid('DF', now);
  db.prepare(
    `INSERT INTO stream_subscriptions (sid, account_sid, description, sink_sid, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(sid, s.account_sid, s.description, s.sink_sid, now, now);
  for (const t of types) upsertSubscribedEvent(db, sid, s.account_sid, t.type, t.schemaVersion);
  return getSubscription(db, s.account_sid, sid)!;
}

export function getSubscription(db: Db, accountSid: string, sid: string): StreamSubscriptionRow | undefined {
  return db.prepare('SELECT * FROM stream_subscriptions WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    StreamSubscriptionRow | undefined;
}

export function listSubscriptions(
  db: Db,
  accountSid: string,
  sinkSid: string | undefined,
  w: KeysetWindow,
): StreamSubscriptionRow[] {
  const { where, order, args } = windowSql(w);
  const bySink = sinkSid === undefined ? '' : ' AND sink_sid = ?';
  return db
    .prepare(
      `SELECT * FROM stream_subscriptions WHERE account_sid = ?${bySink}${where} ORDER BY seq ${order} LIMIT ? OFFSET ?`,
    )
    .all(
      accountSid,
      ...(sinkSid === undefined ? [] : [sinkSid]),
      ...args,
      w.limit,
      w.offset,
    ) as StreamSubscriptionRow[];
}

export function updateSubscription(
  db: Db,
  sub: StreamSubscriptionRow,
  change: Partial<Pick<StreamSubscriptionRow, 'description' | 'sink_sid'>>,
  now: number,
): StreamSubscriptionRow {
  const next = { ...sub, ...change, date_updated: now };
  db.prepare('UPDATE stream_subscriptions SET description = ?, sink_sid = ?, date_updated = ? WHERE sid = ?').run(
    next.description,
    next.sink_sid,
    now,
    sub.sid,
  );
  return next;
}

export function deleteSubscription(db: Db, accountSid: string, sid: string): boolean {
  return (
    db.prepare('DELETE FROM stream_subscriptions WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0
  );
}

export function upsertSubscribedEvent(
  db: Db,
  subscriptionSid: string,
  accountSid: string,
  type: string,
  schemaVersion: number,
): void {
  db.prepare(
    `INSERT INTO subscribed_events (subscription_sid, account_sid, type, schema_version) VALUES (?, ?, ?, ?)
     ON CONFLICT (subscription_sid, type) DO UPDATE SET schema_version = excluded.schema_version`,
  ).run(subscriptionSid, accountSid, type, schemaVersion);
}

export function getSubscribedEvent(db: Db, subscriptionSid: string, type: string): SubscribedEventRow | undefined {
  return db
    .prepare('SELECT * FROM subscribed_events WHERE subscription_sid = ? AND type = ?')
    .get(subscriptionSid, type) as SubscribedEventRow | undefined;
}

export function listSubscribedEvents(db: Db, subscriptionSid: string): SubscribedEventRow[] {
  return db
    .prepare('SELECT * FROM subscribed_events WHERE subscription_sid = ? ORDER BY type')
    .all(subscriptionSid) as SubscribedEventRow[];
}

export function deleteSubscribedEvent(db: Db, subscriptionSid: string, type: string): boolean {
  return (
    db.prepare('DELETE FROM subscribed_events WHERE subscription_sid = ? AND type = ?').run(subscriptionSid, type)
      .changes > 0
  );
}

/** An active webhook sink that receives `type` for an account, with the schema version asked for. */
export interface StreamTarget {
  sink_sid: string;
  sink_configuration: string;
  schema_version: number;
}

/** Every active sink subscribed to `type` for the account. */
export function targetsOf(db: Db, accountSid: string, type: string): StreamTarget[] {
  return db
    .prepare(
      `SELECT k.sid AS sink_sid, k.sink_configuration, e.schema_version
         FROM subscribed_events e
         JOIN stream_subscriptions s ON s.sid = e.subscription_sid
         JOIN sinks k ON k.sid = s.sink_sid
        WHERE e.account_sid = ? AND e.type = ? AND k.status = 'active' AND k.sink_type = 'webhook'
        ORDER BY k.seq`,
    )
    .all(accountSid, type) as StreamTarget[];
}

/** True when the account has any subscribed event at all (the lifecycle's cheap check). */
export function hasSubscribedEvents(db: Db, accountSid: string): boolean {
  return db.prepare('SELECT 1 FROM subscribed_events WHERE account_sid = ? LIMIT 1').get(accountSid) !== undefined;
}
