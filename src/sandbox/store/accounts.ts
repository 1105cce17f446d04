// Accounts and API keys of the sandbox, and the bootstrap of the main account (and of the number
// it sends from) on every start.
import { randomBytes } from 'node:crypto';
import { newSid } from '../sids.js';
import type { Db } from './db.js';
import { insertNumber, numberByPhone } from './numbers.js';

export interface AccountRow {
  sid: string;
  auth_token: string;
  friendly_name: string;
  status: string;
  type: string;
  date_created: number;
  date_updated: number;
}

export interface ApiKeyRow {
  sid: string;
  account_sid: string;
  secret: string;
  friendly_name: string;
  date_created: number;
  date_updated: number;
}

export function getAccount(db: Db, sid: string): AccountRow | undefined {
  return db.prepare('SELECT * FROM accounts WHERE sid = ?').get(sid) as AccountRow | undefined;
}

export function getApiKey(db: Db, sid: string): ApiKeyRow | undefined {
  return db.prepare('SELECT * FROM api_keys WHERE sid = ?').get(sid) as ApiKeyRow | undefined;
}

export function firstAccount(db: Db): AccountRow | undefined {
  return db
    .prepare("SELECT * FROM accounts WHERE friendly_name = 'Sandbox account' ORDER BY date_created LIMIT 1")
    .get() as AccountRow | undefined;
}

export interface BootstrapInput {
  accountSid: string | undefined;
  authToken: string | undefined;
  now: number;
}

/**
 * Ensures the main account exists. Given credentials win (and update a kept account); otherwise
 * the kept account is reused, or a new one is made.
 */
export function bootstrapAccount(db: Db, input: BootstrapInput): { account: AccountRow; created: boolean } {
  return db.transaction(() => {
    const kept = input.accountSid ? getAccount(db, input.accountSid) : firstAccount(db);
    if (kept) {
      if (input.authToken && input.authToken !== kept.auth_token) {
        db.prepare('UPDATE accounts SET auth_token = ?, date_updated = ? WHERE sid = ?').run(
          input.authToken,
          input.now,
          kept.sid,
        );
        return { account: { ...kept, auth_token: input.authToken }, created: false };
      }
      return { account: kept, created: false };
    }
    const account: AccountRow = {
      sid: input.accountSid ?? newSid('AC'),
      auth_token: input.authToken ?? randomBytes(16).toString('hex'),
      friendly_name: 'Sandbox account',
      status: 'active',
      type: 'Full',
      date_created: input.now,
      date_updated: input.now,
    };
    db.prepare(
      'INSERT INTO accounts (sid, auth_token, friendly_name, status, type, date_created, date_updated) VALUES (@sid, @auth_token, @friendly_name, @status, @type, @date_created, @date_updated)',
    ).run(account);
    return { account, created: true };
  })();
}

/** How many numbers past the configured one a start looks at before giving up. */
const START_NUMBER_TRIES = 1000;

/**
 * The number the main account starts with: the configured one when it is free or already the
 * account's. When another account of the same data file holds it (the sandbox was restarted with a
 * different account SID), that account keeps it and this one gets the next free number after it
 * (+14155550101, …), so a restart never takes a number away and the same account gets the same
 * number every time. Free numbers are given to the account; the answer always can send SMS and MMS.
 */
export function ensureStartNumber(db: Db, accountSid: string, configured: string, now: number): string {
  return db.transaction(() => {
    const digits = configured.slice(1);
    const width = digits.length;
    for (let i = 0; i < START_NUMBER_TRIES; i++) {
      const next = (BigInt(digits) + BigInt(i)).toString();
      if (next.length > width) break;
      const candidate = `+${next}`;
      // Twilio's test numbers answer by their own rules whoever holds them
      if (i > 0 && candidate.startsWith('+1500555')) continue;
      const held = numberByPhone(db, candidate);
      if (!held) {
        insertNumber(db, { accountSid, phoneNumber: candidate, now });
        return candidate;
      }
      if (held.account_sid === accountSid && smsAndMms(held.capabilities)) return candidate;
    }
    throw new Error(`no free phone number at or after ${configured} for account ${accountSid}`);
  })();
}

function smsAndMms(capabilities: string): boolean {
  const caps = JSON.parse(capabilities) as { sms?: unknown; mms?: unknown };
  return caps.sms === true && caps.mms === true;
}
