// The opt-out block list and each Messaging Service's Advanced Opt-Out settings. A block is kept
// per (account, sender, phone): the sender is the number the phone texted or, when that number is
// in a Messaging Service, the service, which then blocks every sender of its pool. On WhatsApp the
// number and the phone are `whatsapp:` addresses, so a block stays on the channel it was made on.
import type { Db } from './db.js';
import { serviceOfNumber } from './services.js';

export interface OptOutRow {
  account_sid: string;
  /** a phone number (E.164), a WhatsApp sender (`whatsapp:+…`) or a Messaging Service SID */
  sender: string;
  phone_number: string;
  /** the keyword that made it (upper case), null when opted out through the control API */
  keyword: string | null;
  message_sid: string | null;
  date_created: number;
}

const WHATSAPP = 'whatsapp:';

/**
 * Databases that may hold a block. Every send asks whether its recipient is blocked, and almost no
 * sandbox has a block at all: until one is made (or found on disk), that question costs no query.
 * Only optOut() adds blocks, and a stale "maybe" after the list is emptied only costs the query.
 */
const mayHoldBlocks = new WeakMap<Db, boolean>();

function anyBlocks(db: Db): boolean {
  let known = mayHoldBlocks.get(db);
  if (known === undefined) {
    known = db.prepare('SELECT 1 FROM opt_outs LIMIT 1').get() !== undefined;
    mayHoldBlocks.set(db, known);
  }
  return known;
}

/** Adds (or refreshes) a block; returns the row as stored. */
export function optOut(db: Db, row: OptOutRow): OptOutRow {
  mayHoldBlocks.set(db, true);
  db.prepare(
    `INSERT INTO opt_outs (account_sid, sender, phone_number, keyword, message_sid, date_created)
     VALUES (@account_sid, @sender, @phone_number, @keyword, @message_sid, @date_created)
     ON CONFLICT (account_sid, sender, phone_number) DO UPDATE SET
       keyword = excluded.keyword, message_sid = excluded.message_sid, date_created = excluded.date_created`,
  ).run(row);
  return row;
}

/** Lifts a block; true when there was one. */
export function optIn(db: Db, accountSid: string, sender: string, phone: string): boolean {
  return (
    db
      .prepare('DELETE FROM opt_outs WHERE account_sid = ? AND sender = ? AND phone_number = ?')
      .run(accountSid, sender, phone).changes > 0
  );
}

export function isOptedOut(db: Db, accountSid: string, sender: string, phone: string): boolean {
  return (
    db
      .prepare('SELECT 1 FROM opt_outs WHERE account_sid = ? AND sender = ? AND phone_number = ?')
      .get(accountSid, sender, phone) !== undefined
  );
}

/**
 * True when a message from `from` (or through `serviceSid`) to `to` is blocked: by a block on that
 * number, on the service it belongs to, or on the service the message goes through.
 */
export function sendBlocked(
  db: Db,
  accountSid: string,
  from: string,
  to: string,
  serviceSid: string | null | undefined,
): boolean {
  if (!anyBlocks(db)) return false;
  const any = db
    .prepare('SELECT 1 FROM opt_outs WHERE account_sid = ? AND phone_number = ? LIMIT 1')
    .get(accountSid, to);
  if (any === undefined) return false;
  const senders = new Set<string>([from]);
  if (serviceSid) senders.add(serviceSid);
  // a WhatsApp sender (`whatsapp:+1…`) is in the service its number is in
  const phone = from.startsWith(WHATSAPP) ? from.slice(WHATSAPP.length) : from;
  const number = db.prepare('SELECT sid FROM incoming_numbers WHERE phone_number = ?').get(phone) as
    { sid: string } | undefined;
  const own = number && serviceOfNumber(db, number.sid);
  if (own !== undefined) senders.add(own);
  for (const s of senders) if (isOptedOut(db, accountSid, s, to)) return true;
  return false;
}

export function listOptOuts(
  db: Db,
  filter: { accountSid?: string; sender?: string; phone?: string } = {},
): OptOutRow[] {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.accountSid !== undefined) {
    where.push('account_sid = ?');
    args.push(filter.accountSid);
  }
  if (filter.sender !== undefined) {
    where.push('sender = ?');
    args.push(filter.sender);
  }
  if (filter.phone !== undefined) {
    where.push('phone_number = ?');
    args.push(filter.phone);
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  return db
    .prepare(`SELECT * FROM opt_outs ${clause} ORDER BY date_created DESC, sender, phone_number LIMIT 1000`)
    .all(...args) as OptOutRow[];
}

/** Empties the block list; returns how many blocks were lifted. */
export function clearOptOuts(db: Db): number {
  return db.prepare('DELETE FROM opt_outs').run().changes;
}

/** A service's stored Advanced Opt-Out settings (JSON), undefined when it never had any. */
export function storedAdvancedOptOut(db: Db, serviceSid: string): unknown {
  const row = db.prepare('SELECT config FROM service_opt_out WHERE service_sid = ?').get(serviceSid) as
    { config: string } | undefined;
  return row === undefined ? undefined : (JSON.parse(row.config) as unknown);
}

export function saveAdvancedOptOut(db: Db, serviceSid: string, config: object): void {
  db.prepare(
    `INSERT INTO service_opt_out (service_sid, config) VALUES (?, ?)
     ON CONFLICT (service_sid) DO UPDATE SET config = excluded.config`,
  ).run(serviceSid, JSON.stringify(config));
}
