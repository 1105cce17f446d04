// HTTP Basic authentication exactly as Twilio answers it: Account SID + Auth Token, or API key
// SID + secret; 401 / 20003 with WWW-Authenticate otherwise.
import { timingSafeEqual } from 'node:crypto';
import { TwilioRestError } from './twilio-wire/errors.js';
import { getAccount, getApiKey, type AccountRow } from './store/accounts.js';
import type { Db } from './store/db.js';

const WWW = { 'WWW-Authenticate': 'Basic realm="Twilio API"' };
const DETAIL = 'Your AccountSid or AuthToken was incorrect.';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Principal {
  account: AccountRow;
  /** the API key SID when one was used */
  keySid: string | undefined;
}

export function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

export function authenticate(db: Db, header: string | undefined): Principal {
  const creds = parseBasic(header);
  if (!creds || creds.user === '') {
    throw new TwilioRestError(401, 20003, 'Authentication Error - No credentials provided', {
      detail: DETAIL,
      headers: WWW,
    });
  }
  if (creds.user.startsWith('SK')) {
    const key = getApiKey(db, creds.user);
    if (key && safeEqual(key.secret, creds.pass)) {
      const account = getAccount(db, key.account_sid);
      if (account) return { account, keySid: key.sid };
    }
  } else {
    const account = getAccount(db, creds.user);
    if (account && safeEqual(account.auth_token, creds.pass)) return { account, keySid: undefined };
  }
  throw new TwilioRestError(401, 20003, 'Authentication Error - invalid username', { detail: DETAIL, headers: WWW });
}
