// Incoming phone numbers owned by sandbox accounts.
import { newSid } from '../sids.js';
import type { Db } from './db.js';

export interface Capabilities {
  voice: boolean;
  sms: boolean;
  mms: boolean;
  fax: boolean;
}

export interface NumberRow {
  seq: number;
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  type: string;
  iso_country: string;
  capabilities: string;
  sms_url: string;
  sms_method: string;
  sms_fallback_url: string;
  sms_fallback_method: string;
  status_callback: string;
  status_callback_method: string;
  date_created: number;
  date_updated: number;
  extra: string;
}

/** `+14155550100` → `(415) 555-0100` for NANP numbers; others unchanged. */
export function formatFriendly(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export interface NewNumber {
  accountSid: string;
  phoneNumber: string;
  friendlyName?: string;
  type?: 'local' | 'mobile' | 'tollfree';
  isoCountry?: string;
  capabilities?: Capabilities;
  now: number;
  fields?: Partial<
    Pick<
      NumberRow,
      | 'sms_url'
      | 'sms_method'
      | 'sms_fallback_url'
      | 'sms_fallback_method'
      | 'status_callback'
      | 'status_callback_method'
    >
  >;
  extra?: Record<string, unknown>;
}

export function insertNumber(db: Db, n: NewNumber): NumberRow {
  const row = {
    sid: newSid('PN'),
    account_sid: n.accountSid,
    phone_number: n.phoneNumber,
    friendly_name: n.friendlyName ?? formatFriendly(n.phoneNumber),
    type: n.type ?? 'local',
    iso_country: n.isoCountry ?? 'US',
    capabilities: JSON.stringify(n.capabilities ?? { voice: true, sms: true, mms: true, fax: false }),
    sms_url: n.fields?.sms_url ?? '',
    sms_method: n.fields?.sms_method ?? 'POST',
    sms_fallback_url: n.fields?.sms_fallback_url ?? '',
    sms_fallback_method: n.fields?.sms_fallback_method ?? 'POST',
    status_callback: n.fields?.status_callback ?? '',
    status_callback_method: n.fields?.status_callback_method ?? 'POST',
    date_created: n.now,
    date_updated: n.now,
    extra: JSON.stringify(n.extra ?? {}),
  };
  const info = db
    .prepare(
      `INSERT INTO incoming_numbers (sid, account_sid, phone_number, friendly_name, type, iso_country, capabilities, sms_url, sms_method,
        sms_fallback_url, sms_fallback_method, status_callback, status_callback_method, date_created, date_updated, extra)
       VALUES (@sid, @account_sid, @phone_number, @friendly_name, @type, @iso_country, @capabilities, @sms_url, @sms_method,
        @sms_fallback_url, @sms_fallback_method, @status_callback, @status_callback_method, @date_created, @date_updated, @extra)`,
    )
    .run(row);
  return { ...row, seq: Number(info.lastInsertRowid) };
}

export function numberByPhone(db: Db, phoneNumber: string): NumberRow | undefined {
  return db.prepare('SELECT * FROM incoming_numbers WHERE phone_number = ?').get(phoneNumber) as NumberRow | undefined;
}

export interface Sender {
  account_sid: string;
  sms: boolean;
}

/**
 * Just what a send checks of its sender: who owns the number and whether it may send SMS. Read
 * on every send: a number bought or released counts from the very next one.
 */
export function senderNumber(db: Db, phoneNumber: string): Sender | undefined {
  const row = db
    .prepare(
      "SELECT account_sid, coalesce(json_extract(capabilities, '$.sms'), 1) != 0 AS sms FROM incoming_numbers WHERE phone_number = ?",
    )
    .get(phoneNumber) as { account_sid: string; sms: number } | undefined;
  return row ? { account_sid: row.account_sid, sms: row.sms === 1 } : undefined;
}

export function numberBySid(db: Db, accountSid: string, sid: string): NumberRow | undefined {
  return db.prepare('SELECT * FROM incoming_numbers WHERE account_sid = ? AND sid = ?').get(accountSid, sid) as
    NumberRow | undefined;
}

/** Every number any account holds in a country: the inventory hides them ("buying removes it"). */
export function ownedNumbers(db: Db, isoCountry: string): Set<string> {
  const rows = db.prepare('SELECT phone_number FROM incoming_numbers WHERE iso_country = ?').all(isoCountry) as {
    phone_number: string;
  }[];
  return new Set(rows.map((r) => r.phone_number));
}

export interface NumberFilters {
  /** SQL LIKE pattern over phone_number (already escaped with `\`) */
  phoneLike?: string;
  friendlyName?: string;
  type?: string;
  beta?: boolean;
  origin?: string;
}

function whereOf(accountSid: string, f: NumberFilters): { sql: string; args: unknown[] } {
  const parts = ['account_sid = ?'];
  const args: unknown[] = [accountSid];
  if (f.phoneLike !== undefined) {
    parts.push("phone_number LIKE ? ESCAPE '\\'");
    args.push(f.phoneLike);
  }
  if (f.friendlyName !== undefined) {
    parts.push('friendly_name = ?');
    args.push(f.friendlyName);
  }
  if (f.type !== undefined) {
    parts.push('type = ?');
    args.push(f.type);
  }
  if (f.beta === false) parts.push("COALESCE(json_extract(extra, '$.beta'), 0) = 0");
  if (f.origin !== undefined) {
    parts.push("COALESCE(json_extract(extra, '$.origin'), 'twilio') = ?");
    args.push(f.origin);
  }
  return { sql: parts.join(' AND '), args };
}

/** One keyset window of an account's numbers, newest first (see twilio-api/paging.ts). */
export function listNumbers(
  db: Db,
  accountSid: string,
  f: NumberFilters,
  w: { below?: number; above?: number; offset: number; limit: number },
): NumberRow[] {
  const { sql, args } = whereOf(accountSid, f);
  if (w.above !== undefined) {
    return db
      .prepare(`SELECT * FROM incoming_numbers WHERE ${sql} AND seq > ? ORDER BY seq ASC LIMIT ?`)
      .all(...args, w.above, w.limit) as NumberRow[];
  }
  return db
    .prepare(`SELECT * FROM incoming_numbers WHERE ${sql} AND seq < ? ORDER BY seq DESC LIMIT ? OFFSET ?`)
    .all(...args, w.below ?? Number.MAX_SAFE_INTEGER, w.limit, w.offset) as NumberRow[];
}

export type NumberColumns = Partial<
  Pick<
    NumberRow,
    | 'friendly_name'
    | 'sms_url'
    | 'sms_method'
    | 'sms_fallback_url'
    | 'sms_fallback_method'
    | 'status_callback'
    | 'status_callback_method'
  >
>;

const UPDATABLE = new Set([
  'friendly_name',
  'sms_url',
  'sms_method',
  'sms_fallback_url',
  'sms_fallback_method',
  'status_callback',
  'status_callback_method',
]);

/** Writes the given columns and merges `extra` into the stored JSON. */
export function updateNumber(
  db: Db,
  row: NumberRow,
  columns: NumberColumns,
  extra: Record<string, unknown>,
  now: number,
): NumberRow {
  const sets: string[] = ['date_updated = @date_updated', 'extra = @extra'];
  const merged = JSON.stringify({ ...(JSON.parse(row.extra) as Record<string, unknown>), ...extra });
  const values: Record<string, unknown> = { sid: row.sid, date_updated: now, extra: merged };
  for (const [k, v] of Object.entries(columns)) {
    if (!UPDATABLE.has(k) || v === undefined) continue;
    sets.push(`${k} = @${k}`);
    values[k] = v;
  }
  db.prepare(`UPDATE incoming_numbers SET ${sets.join(', ')} WHERE sid = @sid`).run(values);
  return { ...row, ...columns, extra: merged, date_updated: now };
}

export function deleteNumber(db: Db, accountSid: string, sid: string): boolean {
  return db.prepare('DELETE FROM incoming_numbers WHERE account_sid = ? AND sid = ?').run(accountSid, sid).changes > 0;
}
