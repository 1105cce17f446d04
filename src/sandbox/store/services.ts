// Messaging Services and their sender pools. Settings without a column of their own live in
// `extra` as JSON, so new Twilio fields do not need a migration.
import { newSid } from '../sids.js';
import type { KeysetWindow } from '../twilio-api/paging.js';
import type { Db } from './db.js';
import type { NumberRow } from './numbers.js';

export interface ServiceRow {
  seq: number;
  sid: string;
  account_sid: string;
  friendly_name: string;
  inbound_request_url: string | null;
  inbound_method: string;
  fallback_url: string | null;
  status_callback: string | null;
  date_created: number;
  date_updated: number;
  extra: string;
}

/** Settings kept in `extra`, with Twilio's defaults. */
export interface ServiceExtra {
  fallback_method: string;
  sticky_sender: boolean;
  mms_converter: boolean;
  smart_encoding: boolean;
  scan_message_content: string;
  fallback_to_long_code: boolean;
  area_code_geomatch: boolean;
  synchronous_validation: boolean;
  validity_period: number;
  usecase: string;
  use_inbound_webhook_on_number: boolean;
}

export const SERVICE_DEFAULTS: ServiceExtra = {
  fallback_method: 'POST',
  sticky_sender: true,
  mms_converter: true,
  smart_encoding: true,
  scan_message_content: 'inherit',
  fallback_to_long_code: true,
  area_code_geomatch: true,
  synchronous_validation: false,
  validity_period: 14400,
  usecase: 'undeclared',
  use_inbound_webhook_on_number: false,
};

export type ServiceColumns = Pick<
  ServiceRow,
  'friendly_name' | 'inbound_request_url' | 'inbound_method' | 'fallback_url' | 'status_callback'
>;

export function serviceExtra(row: ServiceRow): ServiceExtra {
  return { ...SERVICE_DEFAULTS, ...(JSON.parse(row.extra) as Partial<ServiceExtra>) };
}

export function insertService(
  db: Db,
  accountSid: string,
  columns: ServiceColumns,
  extra: Partial<ServiceExtra>,
  now: number,
): ServiceRow {
  const row = {
    sid: newSid('MG'),
    account_sid: accountSid,
    ...columns,
    date_created: now,
    date_updated: now,
    extra: JSON.stringify(extra),
  };
  const info = db
    .prepare(
      `INSERT INTO services (sid, account_sid, friendly_name, inbound_request_url, inbound_method, fallback_url,
        status_callback, date_created, date_updated, extra)
       VALUES (@sid, @account_sid, @friendly_name, @inbound_request_url, @inbound_method, @fallback_url,
        @status_callback, @date_created, @date_updated, @extra)`,
    )
    .run(row);
  return { ...row, seq: Number(info.lastInsertRowid) };
}

export function getService(db: Db, accountSid: string, sid: string): ServiceRow | undefined {
  return db.prepare('SELECT * FROM services WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    ServiceRow | undefined;
}

export function updateService(
  db: Db,
  row: ServiceRow,
  columns: Partial<ServiceColumns>,
  extra: Partial<ServiceExtra>,
  now: number,
): ServiceRow {
  const next: ServiceRow = {
    ...row,
    ...columns,
    date_updated: now,
    extra: JSON.stringify({ ...(JSON.parse(row.extra) as object), ...extra }),
  };
  db.prepare(
    `UPDATE services SET friendly_name = @friendly_name, inbound_request_url = @inbound_request_url,
      inbound_method = @inbound_method, fallback_url = @fallback_url, status_callback = @status_callback,
      date_updated = @date_updated, extra = @extra WHERE sid = @sid`,
  ).run(next);
  return next;
}

export function deleteService(db: Db, accountSid: string, sid: string): boolean {
  return db.prepare('DELETE FROM services WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0;
}

function windowSql(w: KeysetWindow, column: string): { where: string; order: string; args: number[] } {
  if (w.below !== undefined) return { where: ` AND ${column} < ?`, order: 'DESC', args: [w.below] };
  if (w.above !== undefined) return { where: ` AND ${column} > ?`, order: 'ASC', args: [w.above] };
  return { where: '', order: 'DESC', args: [] };
}

export function listServices(db: Db, accountSid: string, w: KeysetWindow): ServiceRow[] {
  const { where, order, args } = windowSql(w, 'seq');
  return db
    .prepare(`SELECT * FROM services WHERE account_sid = ?${where} ORDER BY seq ${order} LIMIT ? OFFSET ?`)
    .all(accountSid, ...args, w.limit, w.offset) as ServiceRow[];
}

export function serviceSeq(db: Db, accountSid: string, sid: string): number | undefined {
  const row = db.prepare('SELECT seq FROM services WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
    { seq: number } | undefined;
  return row?.seq;
}

/** A pool entry: the number row plus when it joined the service. */
export type PoolNumber = NumberRow & { service_sid: string; joined: number };

const POOL_SELECT = `SELECT n.*, s.service_sid AS service_sid, s.date_created AS joined
  FROM service_numbers s JOIN incoming_numbers n ON n.sid = s.number_sid`;

export function addServiceNumber(db: Db, serviceSid: string, numberSid: string, now: number): void {
  db.prepare('INSERT INTO service_numbers (service_sid, number_sid, date_created) VALUES (?, ?, ?)').run(
    serviceSid,
    numberSid,
    now,
  );
}

/** The service a number already belongs to, if any (a number serves one service at a time). */
export function serviceOfNumber(db: Db, numberSid: string): string | undefined {
  const row = db.prepare('SELECT service_sid FROM service_numbers WHERE number_sid = ?').get(numberSid) as
    { service_sid: string } | undefined;
  return row?.service_sid;
}

export function getServiceNumber(db: Db, serviceSid: string, numberSid: string): PoolNumber | undefined {
  return db.prepare(`${POOL_SELECT} WHERE s.service_sid = ? AND s.number_sid = ?`).get(serviceSid, numberSid) as
    PoolNumber | undefined;
}

export function removeServiceNumber(db: Db, serviceSid: string, numberSid: string): boolean {
  return (
    db.prepare('DELETE FROM service_numbers WHERE service_sid = ? AND number_sid = ?').run(serviceSid, numberSid)
      .changes > 0
  );
}

/** Pool members, newest first by seq of the number (the order paging relies on). */
export function listServiceNumbers(db: Db, serviceSid: string, w: KeysetWindow): PoolNumber[] {
  const { where, order, args } = windowSql(w, 'n.seq');
  return db
    .prepare(`${POOL_SELECT} WHERE s.service_sid = ?${where} ORDER BY n.seq ${order} LIMIT ? OFFSET ?`)
    .all(serviceSid, ...args, w.limit, w.offset) as PoolNumber[];
}

const WHATSAPP = 'whatsapp:';

/** A pool number registered as a WhatsApp sender (the default; withdrawn with `whatsapp: false`). */
function sendsWhatsapp(n: NumberRow): boolean {
  return (JSON.parse(n.extra) as { whatsapp?: unknown }).whatsapp !== false;
}

/**
 * Chooses the sender for a message to `to`: with sticky sender, the number that last wrote to that
 * recipient; otherwise (or the first time) the longest-serving number of the pool that can reach
 * it: SMS-capable for a phone, a registered WhatsApp sender for a `whatsapp:` user. WhatsApp
 * messages are stored from `whatsapp:<number>`, so that is the address stickiness compares.
 */
export function pickSender(db: Db, service: ServiceRow, to: string): NumberRow | undefined {
  const pool = db
    .prepare(`${POOL_SELECT} WHERE s.service_sid = ? ORDER BY s.date_created, n.seq`)
    .all(service.sid) as PoolNumber[];
  const whatsapp = to.startsWith(WHATSAPP);
  const capable = whatsapp
    ? pool.filter(sendsWhatsapp)
    : pool.filter((n) => (JSON.parse(n.capabilities) as { sms?: boolean }).sms !== false);
  // no WhatsApp sender in the pool: the first number, which the sender check then refuses (63007)
  if (capable.length === 0) return whatsapp ? pool[0] : undefined;
  if (serviceExtra(service).sticky_sender) {
    const last = db
      .prepare(
        `SELECT from_addr FROM messages INDEXED BY messages_to WHERE account_sid = ? AND to_addr = ?
          AND messaging_service_sid = ? ORDER BY seq DESC LIMIT 1`,
      )
      .get(service.account_sid, to, service.sid) as { from_addr: string } | undefined;
    const address = (n: NumberRow): string => (whatsapp ? `${WHATSAPP}${n.phone_number}` : n.phone_number);
    const sticky = last && capable.find((n) => address(n) === last.from_addr);
    if (sticky) return sticky;
  }
  return capable[0];
}
