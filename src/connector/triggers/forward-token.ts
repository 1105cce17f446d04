// The caller's own status_callback on a tracked message. Twilio calls the connector's status
// endpoint, and the connector passes the callback on; where it passes it on must never come from the
// request alone, or anyone who can get a URL signed would make the connector post anywhere. The
// destination travels in the StatusCallback query as a token: the URL plus an HMAC over the account
// and the URL under the store's shared key. Nothing is stored, so nothing needs cleaning up, and
// every instance on one store opens the tokens of every other. A token that does not verify names
// no destination.
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_LENGTH = 32;

function mac(key: Buffer, accountSid: string, url: string): string {
  return createHmac('sha256', key).update(`forward\n${accountSid}\n${url}`).digest('base64url').slice(0, MAC_LENGTH);
}

export function sealForward(key: Buffer, accountSid: string, url: string): string {
  return `${Buffer.from(url, 'utf8').toString('base64url')}.${mac(key, accountSid, url)}`;
}

/** The URL a token names for this account, or undefined when it was not minted here for it. */
export function openForward(key: Buffer, accountSid: string, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || token.length > 4000) return undefined;
  const url = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
  const given = Buffer.from(token.slice(dot + 1));
  const wanted = Buffer.from(mac(key, accountSid, url));
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return undefined;
  return /^https?:\/\//i.test(url) ? url : undefined;
}
