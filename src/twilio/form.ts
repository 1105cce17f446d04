// Twilio's request encodings: `application/x-www-form-urlencoded` bodies and query strings, with
// arrays as repeated keys (`MediaUrl=a&MediaUrl=b`), booleans as `true`/`false`, unset values omitted.

import { InvalidArgumentError } from './errors.js';

export type FormValue = string | number | boolean | readonly string[] | undefined;
export type FormFields = Readonly<Record<string, FormValue>>;
export type QueryValue = string | number | boolean | undefined;
export type QueryFields = Readonly<Record<string, QueryValue>> | URLSearchParams;

function scalar(key: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  // NaN or Infinity would reach Twilio as text it cannot parse
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new InvalidArgumentError(`${key} must be a string, a finite number or a boolean`);
}

/** Appends fields in their own order to `into` (a new URLSearchParams when omitted). */
export function encodeFields(
  fields: Readonly<Record<string, FormValue>>,
  into: URLSearchParams = new URLSearchParams(),
): URLSearchParams {
  // callers in plain JavaScript can pass anything: null means unset, other shapes are refused
  for (const [key, value] of Object.entries(fields) as [string, unknown][]) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) into.append(key, scalar(key, item));
    } else {
      into.append(key, scalar(key, value));
    }
  }
  return into;
}

export function encodeForm(fields: FormFields): string {
  return encodeFields(fields).toString();
}

export function encodeQuery(query: QueryFields | undefined, into: URLSearchParams): URLSearchParams {
  if (query === undefined) return into;
  if (query instanceof URLSearchParams) {
    for (const [k, v] of query) into.append(k, v);
    return into;
  }
  return encodeFields(query, into);
}
