// The caller's own status_callback on a tracked message. Twilio calls the connector's status
// endpoint, and the connector passes the callback on; where it passes it on must never come from the
// request alone, or anyone who can get a URL signed would make the connector post anywhere. The
// destination travels in the StatusCallback query as a token: the URL sealed with AES-256-GCM under
// a key derived from the store's shared key, with the account as associated data. Sealed rather
// than only signed, because Logic Apps callback URLs carry their own secret (`sig=`) and the token
// is seen by Twilio, its logs and anyone shown the message's StatusCallback. Nothing is stored, so
// nothing needs cleaning up, and every instance on one store opens the tokens of every other. A
// token that does not open names no destination.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** the prefix of this token format; a later one gets another */
const VERSION = 'f1';
/** longer tokens are refused before any work: a callback URL is at most a few KiB */
export const MAX_FORWARD_TOKEN = 4000;

const derived = new WeakMap<Buffer, Buffer>();

/** The sealing key, derived once per shared key so the shared key itself never encrypts anything. */
function keyOf(shared: Buffer): Buffer {
  let key = derived.get(shared);
  if (key === undefined) {
    key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), 'twilio-connector forward token', 32));
    derived.set(shared, key);
  }
  return key;
}

/** The longest URL (in UTF-8 bytes) whose token stays within MAX_FORWARD_TOKEN. */
export function maxForwardUrl(): number {
  const base64 = MAX_FORWARD_TOKEN - VERSION.length - 1;
  return Math.floor((base64 * 3) / 4) - IV_BYTES - TAG_BYTES;
}

export function sealForward(shared: Buffer, accountSid: string, url: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(shared), iv);
  cipher.setAAD(Buffer.from(accountSid, 'utf8'));
  const data = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}`;
}

/** The URL a token names for this account, or undefined when it was not minted here for it. */
export function openForward(shared: Buffer, accountSid: string, token: string): string | undefined {
  if (token.length > MAX_FORWARD_TOKEN || !token.startsWith(`${VERSION}.`)) return undefined;
  const raw = Buffer.from(token.slice(VERSION.length + 1), 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(shared), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(accountSid, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const url = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    return /^https?:\/\//i.test(url) ? url : undefined;
  } catch {
    // altered, minted under another store's key, or for another account
    return undefined;
  }
}
