// The durable outbox and log of every webhook the sandbox sends. A webhook is signed and stored in
// the same transaction as the change that causes it, so a restart never loses one; the dispatcher
// then delivers what is pending. The inbox shows these rows as the webhook log.
import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db.js';
import { twilioSignature } from './signature.js';

/**
 * status: a status callback (retried with backoff). inbound: the number's SmsUrl. fallback: its
 * SmsFallbackUrl after the SmsUrl failed. redirect: a TwiML <Redirect>. event: CloudEvents to an
 * Event Streams sink (event-streams/streams.ts).
 */
export type WebhookKind = 'status' | 'inbound' | 'fallback' | 'redirect' | 'event';
export type WebhookState = 'pending' | 'delivered' | 'failed';
export type HttpMethod = 'GET' | 'POST';

export interface WebhookRow {
  id: number;
  account_sid: string;
  message_sid: string | null;
  kind: WebhookKind;
  /** the URL requested: for GET it carries the parameters in its query string */
  url: string;
  method: HttpMethod;
  /** JSON object of the parameters sent */
  params: string;
  signature: string;
  idempotency_token: string;
  state: WebhookState;
  attempts: number;
  next_attempt_at: number | null;
  response_status: number | null;
  response_body: string | null;
  duration_ms: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  /** the exact JSON body sent (kind `event`); null for form webhooks */
  body: string | null;
  /** the Event Streams sink delivered to (kind `event`) */
  sink_sid: string | null;
}

export interface NewWebhook {
  accountSid: string;
  authToken: string;
  messageSid: string | null;
  kind: WebhookKind;
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
  now: number;
}

export function normalizeMethod(method: string | null | undefined): HttpMethod {
  return method?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** For GET, Twilio appends the parameters to the configured URL and signs that URL alone. */
export function requestUrl(url: string, method: HttpMethod, params: Record<string, string>): string {
  if (method === 'POST') return url;
  const query = new URLSearchParams(params).toString();
  if (query === '') return url;
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  return base + (base.includes('?') ? '&' : '?') + query;
}

const INSERT = `INSERT INTO webhooks (account_sid, message_sid, kind, url, method, params, signature, idempotency_token,
  state, attempts, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`;

const insertStatements = new WeakMap<Db, Statement>();

/** Signs and stores a pending webhook; call inside the transaction of the change it reports. */
export function enqueueWebhook(db: Db, w: NewWebhook): number {
  let insert = insertStatements.get(db);
  if (!insert) insertStatements.set(db, (insert = db.prepare(INSERT)));
  const url = requestUrl(w.url, w.method, w.params);
  const signature = twilioSignature(w.authToken, url, w.method === 'POST' ? w.params : {});
  const token = `${randomBytes(16).toString('hex')}-${w.messageSid ?? 'none'}`;
  const info = insert.run(
    w.accountSid,
    w.messageSid,
    w.kind,
    url,
    w.method,
    JSON.stringify(w.params),
    signature,
    token,
    w.now,
    w.now,
    w.now,
  );
  return Number(info.lastInsertRowid);
}

export interface NewEventDelivery {
  accountSid: string;
  sinkSid: string;
  /** the destination with its bodySHA256 parameter */
  url: string;
  body: string;
  signature: string;
  now: number;
}

/**
 * Stores a pending CloudEvents request to a sink; call inside the transaction of the change it
 * reports. It names no message: a batch may carry several, and a sink that keeps failing must not
 * hold back the messages' status callbacks (Event Streams promise no order).
 */
export function enqueueEventDelivery(db: Db, e: NewEventDelivery): number {
  const info = db
    .prepare(
      `INSERT INTO webhooks (account_sid, message_sid, kind, url, method, params, signature, idempotency_token,
         state, attempts, next_attempt_at, created_at, updated_at, body, sink_sid)
       VALUES (?, NULL, 'event', ?, 'POST', '{}', ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`,
    )
    .run(e.accountSid, e.url, e.signature, randomBytes(16).toString('hex'), e.now, e.now, e.now, e.body, e.sinkSid);
  return Number(info.lastInsertRowid);
}

export function getWebhook(db: Db, id: number): WebhookRow | undefined {
  return db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined;
}

export function webhooksOf(db: Db, messageSid: string): WebhookRow[] {
  return db.prepare('SELECT * FROM webhooks WHERE message_sid = ? ORDER BY id').all(messageSid) as WebhookRow[];
}

/**
 * Pending webhooks that are due, oldest first, at most one per message: a message's callbacks are
 * delivered in the order its status changed, a later one waiting while an earlier one retries.
 * `admit` may pass over a row (its receiver is busy): the rows after it are read instead.
 */
export function dueWebhooks(
  db: Db,
  now: number,
  limit: number,
  busy: ReadonlySet<number>,
  admit: (row: WebhookRow) => boolean = () => true,
): WebhookRow[] {
  const out: WebhookRow[] = [];
  if (limit <= 0) return out;
  const rows = db
    .prepare(
      `SELECT w.* FROM webhooks w WHERE w.state = 'pending' AND w.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM webhooks p WHERE p.state = 'pending' AND p.message_sid = w.message_sid AND p.id < w.id)
       ORDER BY w.next_attempt_at, w.id`,
    )
    .iterate(now) as IterableIterator<WebhookRow>;
  for (const row of rows) {
    if (busy.has(row.id) || !admit(row)) continue;
    out.push(row);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * When the next pending webhook falls due, or undefined when none is pending; with `after`, the
 * first one due later than that (the ones due already wait for a request in flight to end).
 */
export function nextWebhookAt(db: Db, after?: number): number | undefined {
  const row = (
    after === undefined
      ? db.prepare("SELECT MIN(next_attempt_at) AS at FROM webhooks WHERE state = 'pending'").get()
      : db
          .prepare("SELECT MIN(next_attempt_at) AS at FROM webhooks WHERE state = 'pending' AND next_attempt_at > ?")
          .get(after)
  ) as { at: number | null };
  return row.at ?? undefined;
}

export interface AttemptResult {
  state: WebhookState;
  nextAttemptAt: number | null;
  status: number | null;
  body: string | null;
  durationMs: number;
  error: string | null;
  now: number;
}

/** Records one delivery attempt; false when the row no longer exists (the sandbox was reset). */
export function recordAttempt(db: Db, id: number, r: AttemptResult): boolean {
  const info = db
    .prepare(
      `UPDATE webhooks SET state = ?, attempts = attempts + 1, next_attempt_at = ?, response_status = ?,
         response_body = ?, duration_ms = ?, error = ?, updated_at = ? WHERE id = ?`,
    )
    .run(r.state, r.nextAttemptAt, r.status, r.body, r.durationMs, r.error, r.now, id);
  return info.changes > 0;
}
