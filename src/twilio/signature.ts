// X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL followed by
// every form parameter as key+value in sorted key order. JSON-bodied webhooks instead put
// `bodySHA256=<hex sha256 of the body>` in the URL and sign the URL alone.
// Twilio is inconsistent about ports when signing (it sometimes drops a non-standard HTTPS port,
// sometimes keeps it), so validation accepts the URL with and without a port, as Twilio's SDK does.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseLegacyQuery, stringify as stringifyLegacyQuery } from 'node:querystring';

export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

function signedData(url: string, params: SignedParams): string {
  let data = url;
  // default sort: UTF-16 code units, so uppercase keys come before lowercase ones
  for (const key of Object.keys(params).sort()) {
    const value: unknown = params[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of [...new Set(value.map(String))].sort()) data += key + v;
    else data += key + String(value);
  }
  return data;
}

export function computeSignature(authToken: string, url: string, params: SignedParams = {}): string {
  return createHmac('sha1', authToken).update(signedData(url, params), 'utf8').digest('base64');
}

/** Lowercase hex SHA-256 of a raw body, as Twilio puts in `bodySHA256`. */
export function bodySha256(rawBody: string | Uint8Array): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface UrlParts {
  scheme: string;
  host: string;
  port: string;
  rest: string;
}

/** Splits without normalising, so the path and query keep the exact characters Twilio signed. */
function split(url: string): UrlParts | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return undefined;
  const authority = m[2]!;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  // in an IPv6 literal the colons before "]" are not a port separator
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  return {
    scheme: m[1]!,
    host: colon < 0 ? hostPort : hostPort.slice(0, colon),
    port: colon < 0 ? '' : hostPort.slice(colon),
    rest: m[3]!,
  };
}

function withoutPort(url: string): string {
  const p = split(url);
  return p ? p.scheme + p.host + p.rest : url;
}

function withPort(url: string): string {
  const p = split(url);
  if (!p || p.port) return url;
  return p.scheme + p.host + (p.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + p.rest;
}

/** The query re-encoded as Node's legacy querystring does (`'` → `%27`), which some signers used. */
function legacyQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return url;
  return `${url.slice(0, q)}?${stringifyLegacyQuery(parseLegacyQuery(url.slice(q + 1)))}`;
}

/** The URL spellings Twilio may have signed, most likely first. */
function candidates(url: string): string[] {
  const out = [withoutPort(url), withPort(url)];
  let normalised: string | undefined;
  try {
    normalised = new URL(url).href;
  } catch {
    normalised = undefined;
  }
  if (normalised !== undefined) {
    const a = withoutPort(normalised);
    const b = withPort(normalised);
    out.push(a, b, legacyQuery(a), legacyQuery(b));
  }
  return [...new Set(out)];
}

/** True when `signature` is Twilio's signature of this request under `authToken`. */
export function validateSignature(
  authToken: string,
  signature: string,
  url: string,
  params: SignedParams = {},
): boolean {
  if (typeof signature !== 'string' || signature === '' || !authToken) return false;
  // every candidate is checked, so the time taken does not depend on which one matched
  let ok = false;
  for (const candidate of candidates(url)) {
    if (equalText(signature, computeSignature(authToken, candidate, params))) ok = true;
  }
  return ok;
}

/** For JSON-bodied webhooks: the URL carries `bodySHA256`; both it and the signature must match. */
export function validateSignatureWithBody(
  authToken: string,
  signature: string,
  url: string,
  rawBody: string | Uint8Array,
): boolean {
  let claimed: string | null;
  try {
    claimed = new URL(url).searchParams.get('bodySHA256');
  } catch {
    return false;
  }
  if (claimed === null) return false;
  const signed = validateSignature(authToken, signature, url, {});
  return signed && equalText(claimed.toLowerCase(), bodySha256(rawBody));
}
