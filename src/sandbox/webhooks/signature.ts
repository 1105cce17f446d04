// X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + each parameter's name and value, the names
// sorted by UTF-16 code units)). Written from Twilio's published description; the tests check it
// against the official SDK's validator and its published test vectors.
import { createHmac } from 'node:crypto';

export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/** The string Twilio signs: the exact URL requested, then `name + value` for every parameter. */
export function signingPayload(url: string, params: SignedParams = {}): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (typeof value === 'string') data += key + value;
    // repeated parameters: each distinct value once, in sorted order
    else for (const v of [...new Set(value)].sort()) data += key + v;
  }
  return data;
}

export function twilioSignature(authToken: string, url: string, params: SignedParams = {}): string {
  return createHmac('sha1', authToken).update(signingPayload(url, params), 'utf8').digest('base64');
}
