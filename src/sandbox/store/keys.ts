// API key rows (table api_keys): create, read, rename, delete. The secret is stored so that
// authentication can compare it, and shown to the client only in the create response.
import { randomBytes } from 'node:crypto';
import { newSid } from '../sids.js';
import type { ApiKeyRow } from './accounts.js';
import type { Db } from './db.js';
import type { KeysetWindow } from '../twilio-api/paging.js';

/** A key row with the table's rowid, which orders lists and backs page tokens. */
export type KeyListRow = ApiKeyRow & { seq: number };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 alphanumeric characters, the shape of Twilio's key secrets. */
function newSecret(): string {
  const bytes = randomBytes(32);
  let out = '';
  // 62 does not divide 256: the bias is negligible for a local sandbox credential
  for (const b of bytes) out += ALPHABET.charAt(b % ALPHABET.length);
  return out;
}

export function insertKey(db: Db, accountSid: string, friendlyName: string, now: number): KeyListRow {
  const row: ApiKeyRow = {
    sid: newSid('SK'),
    account_sid: accountSid,
    secret: newSecret(),
    friendly_name: friendlyName,
    date_created: now,
    date_updated: now,
  };
  const info = db
    .prepare(
      'INSERT INTO api_keys (sid, account_sid, secret, friendly_name, date_created, date_updated) VALUES (@sid, @account_sid, @secret, @friendly_name, @date_created, @date_updated)',
    )
    .run(row);
  return { ...row, seq: Number(info.lastInsertRowid) };
}

export function keyBySid(db: Db, accountSid: string, sid: string): KeyListRow | undefined {
  return db.prepare('SELECT rowid AS seq, * FROM api_keys WHERE account_sid = ? AND sid = ?').get(accountSid, sid) as
    KeyListRow | undefined;
}

export function listKeys(db: Db, accountSid: string, w: KeysetWindow): KeyListRow[] {
  if (w.above !== undefined) {
    return db
      .prepare('SELECT rowid AS seq, * FROM api_keys WHERE account_sid = ? AND rowid > ? ORDER BY rowid ASC LIMIT ?')
      .all(accountSid, w.above, w.limit) as KeyListRow[];
  }
  return db
    .prepare(
      'SELECT rowid AS seq, * FROM api_keys WHERE account_sid = ? AND rowid < ? ORDER BY rowid DESC LIMIT ? OFFSET ?',
    )
    .all(accountSid, w.below ?? Number.MAX_SAFE_INTEGER, w.limit, w.offset) as KeyListRow[];
}

export function renameKey(db: Db, sid: string, friendlyName: string, now: number): void {
  db.prepare('UPDATE api_keys SET friendly_name = ?, date_updated = ? WHERE sid = ?').run(friendlyName, now, sid);
}

export function deleteKey(db: Db, accountSid: string, sid: string): boolean {
  return db.prepare('DELETE FROM api_keys WHERE account_sid = ? AND sid = ?').run(accountSid, sid).changes > 0;
}
