// Message rows: the one place that inserts, reads and renders them (Twilio's Message JSON), so the
// REST API, the lifecycle, inbound texts and the inbox agree on every field.
import { rfc2822, rfc2822OrNull } from '../../shared/dates.js';
import { newSid } from '../sids.js';
import type { Db } from './db.js';

export type MessageStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'delivered'
  | 'undelivered'
  | 'receiving'
  | 'received'
  | 'accepted'
  | 'scheduled'
  | 'read'
  | 'partially_delivered'
  | 'canceled';

export type Direction = 'inbound' | 'outbound-api' | 'outbound-call' | 'outbound-reply';

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
}

export interface NewMedia {
  url: string;
  contentType: string;
}

export type NewMessage = Omit<MessageRow, 'seq' | 'sid' | 'date_updated' | 'extra' | 'num_media'> & {
  sid?: string;
  media?: NewMedia[];
  extra?: Record<string, unknown>;
};

const INSERT_SQL = `INSERT INTO messages (sid, account_sid, to_addr, from_addr, body, status, direction, num_segments, num_media,
  encoding, price, price_unit, error_code, error_message, messaging_service_sid, status_callback, application_sid,
  validity_period, send_at, date_created, date_updated, date_sent, next_at, next_status, fate, extra)
  VALUES (@sid, @account_sid, @to_addr, @from_addr, @body, @status, @direction, @num_segments, @num_media,
  @encoding, @price, @price_unit, @error_code, @error_message, @messaging_service_sid, @status_callback, @application_sid,
  @validity_period, @send_at, @date_created, @date_updated, @date_sent, @next_at, @next_status, @fate, @extra)`;

/** Inserts a message with its media and its first timeline event, in one transaction. */
export function insertMessage(db: Db, input: NewMessage): MessageRow {
  const media = input.media ?? [];
  const row: Omit<MessageRow, 'seq'> = {
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
    extra: JSON.stringify(input.extra ?? {}),
  };
  return db.transaction(() => {
    const info = db.prepare(INSERT_SQL).run(row);
    const insertMedia = db.prepare(
      'INSERT INTO media (sid, account_sid, message_sid, content_type, url, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const m of media) {
      insertMedia.run(newSid('ME'), row.account_sid, row.sid, m.contentType, m.url, row.date_created, row.date_created);
    }
    db.prepare('INSERT INTO message_events (message_sid, status, error_code, at) VALUES (?, ?, ?, ?)').run(
      row.sid,
      row.status,
      row.error_code,
      row.date_created,
    );
    return { ...row, seq: Number(info.lastInsertRowid) };
  })();
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
    from: m.from_addr,
    messaging_service_sid: m.messaging_service_sid,
    num_media: String(m.num_media),
    num_segments: String(m.num_segments),
    price: m.price,
    price_unit: m.price_unit,
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: m.to_addr,
    uri: `${uri}.json`,
  };
}
