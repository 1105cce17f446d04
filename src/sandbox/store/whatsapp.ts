// What the sandbox remembers about WhatsApp: which owned numbers are WhatsApp senders, when each
// user last wrote to each sender (the 24-hour customer-service window), who joined an account's
// WhatsApp Sandbox, and where messages to that shared number are reported. Addresses are kept
// with their `whatsapp:` prefix, as in the messages table.
import type { Db } from './db.js';

/** Twilio's Sandbox for WhatsApp: one number every account may send from once users have joined. */
export const WHATSAPP_SANDBOX_NUMBER = '+14155238886';
export const WHATSAPP_SANDBOX_SENDER = `whatsapp:${WHATSAPP_SANDBOX_NUMBER}`;

/**
 * Whether an owned number is registered as a WhatsApp sender: every number is, unless it was
 * switched off (`extra.whatsapp = false`). Undefined when no account owns the number.
 */
export function whatsappSender(db: Db, phoneNumber: string): { account_sid: string; enabled: boolean } | undefined {
  const row = db
    .prepare(
      "SELECT account_sid, coalesce(json_extract(extra, '$.whatsapp'), 1) != 0 AS enabled FROM incoming_numbers WHERE phone_number = ?",
    )
    .get(phoneNumber) as { account_sid: string; enabled: number } | undefined;
  return row ? { account_sid: row.account_sid, enabled: row.enabled === 1 } : undefined;
}

/** Registers (or withdraws) an account's number as a WhatsApp sender; false when it owns no such number. */
export function setWhatsappSender(db: Db, accountSid: string, phoneNumber: string, enabled: boolean): boolean {
  return (
    db
      .prepare(
        "UPDATE incoming_numbers SET extra = json_set(extra, '$.whatsapp', json(?)) WHERE account_sid = ? AND phone_number = ?",
      )
      .run(enabled ? 'true' : 'false', accountSid, phoneNumber).changes > 0
  );
}

/** An account's numbers with their WhatsApp registration, oldest first. */
export function listWhatsappSenders(db: Db, accountSid: string): { phone_number: string; enabled: boolean }[] {
  const rows = db
    .prepare(
      "SELECT phone_number, coalesce(json_extract(extra, '$.whatsapp'), 1) != 0 AS enabled FROM incoming_numbers WHERE account_sid = ? ORDER BY seq",
    )
    .all(accountSid) as { phone_number: string; enabled: number }[];
  return rows.map((r) => ({ phone_number: r.phone_number, enabled: r.enabled === 1 }));
}

/** Records a user's message to a sender: it opens (or refreshes) their window. */
export function touchSession(db: Db, accountSid: string, sender: string, user: string, at: number): void {
  db.prepare(
    `INSERT INTO whatsapp_sessions (account_sid, sender, user, last_inbound_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (account_sid, sender, user) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)`,
  ).run(accountSid, sender, user, at);
}

/** When the user last wrote to the sender (ms), or undefined when never. */
export function lastInbound(db: Db, accountSid: string, sender: string, user: string): number | undefined {
  const row = db
    .prepare('SELECT last_inbound_at FROM whatsapp_sessions WHERE account_sid = ? AND sender = ? AND user = ?')
    .get(accountSid, sender, user) as { last_inbound_at: number } | undefined;
  return row?.last_inbound_at;
}

/** Every window of an account's sender–user pairs, most recent first (for the inbox). */
export function listSessions(db: Db, accountSid: string): { sender: string; user: string; last_inbound_at: number }[] {
  return db
    .prepare(
      'SELECT sender, user, last_inbound_at FROM whatsapp_sessions WHERE account_sid = ? ORDER BY last_inbound_at DESC LIMIT 1000',
    )
    .all(accountSid) as { sender: string; user: string; last_inbound_at: number }[];
}

export function joinSandbox(db: Db, accountSid: string, user: string, at: number): void {
  db.prepare(
    `INSERT INTO whatsapp_sandbox_members (account_sid, user, joined_at) VALUES (?, ?, ?)
     ON CONFLICT (account_sid, user) DO UPDATE SET joined_at = excluded.joined_at`,
  ).run(accountSid, user, at);
}

export function sandboxJoinedAt(db: Db, accountSid: string, user: string): number | undefined {
  const row = db
    .prepare('SELECT joined_at FROM whatsapp_sandbox_members WHERE account_sid = ? AND user = ?')
    .get(accountSid, user) as { joined_at: number } | undefined;
  return row?.joined_at;
}

/** The account whose sandbox the user joined last (a user belongs to one sandbox at a time). */
export function sandboxOfUser(db: Db, user: string): { account_sid: string; joined_at: number } | undefined {
  return db
    .prepare(
      'SELECT account_sid, joined_at FROM whatsapp_sandbox_members WHERE user = ? ORDER BY joined_at DESC LIMIT 1',
    )
    .get(user) as { account_sid: string; joined_at: number } | undefined;
}

export interface SandboxInbound {
  url: string;
  method: string;
}

const inboundKey = (accountSid: string): string => `whatsapp_sandbox:${accountSid}`;

/** Where the account hears about messages to the WhatsApp Sandbox number ("when a message comes in"). */
export function sandboxInbound(db: Db, accountSid: string): SandboxInbound {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(inboundKey(accountSid)) as
    { value: string } | undefined;
  if (!row) return { url: '', method: 'POST' };
  try {
    const v = JSON.parse(row.value) as Partial<SandboxInbound>;
    return { url: typeof v.url === 'string' ? v.url : '', method: typeof v.method === 'string' ? v.method : 'POST' };
  } catch {
    return { url: '', method: 'POST' };
  }
}

export function setSandboxInbound(db: Db, accountSid: string, inbound: SandboxInbound): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(inboundKey(accountSid), JSON.stringify(inbound));
}

/** Forgets every window and sandbox membership (a reset). */
export function clearWhatsapp(db: Db): void {
  db.exec('DELETE FROM whatsapp_sessions; DELETE FROM whatsapp_sandbox_members;');
}
