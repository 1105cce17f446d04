// Input rules shared by the action routes. Each check throws a 400 that names the field and the
// rule, so a workflow author can fix the action without reading the connector's code.
import { parseFilterDate } from '../../shared/dates.js';
import { validation } from '../errors.js';

export const sidPattern = (prefix: string): RegExp => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);

export type QueryValue = string | number | boolean;
export type Query = Record<string, QueryValue | QueryValue[] | undefined>;

/**
 * One value of a query parameter as text (schema validation may have coerced it to a number or
 * boolean); repeating it is an error rather than a silent pick.
 */
export function single(query: Query, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw validation(`Query parameter ${name} must be given once`);
    return v[0] === undefined ? undefined : String(v[0]);
  }
  return v === undefined ? undefined : String(v);
}

export function optionalString(body: Record<string, unknown>, name: string, max = 4000): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(`Field ${name} must be a string`);
  if (v.length > max) throw validation(`Field ${name} must be at most ${max} characters`);
  return v;
}

/** http(s) URL with a host; Twilio also refuses underscores in the host name. */
export function checkUrl(v: string, field: string): void {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw validation(`Field ${field} must be an absolute http or https URL, got "${truncate(v)}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw validation(`Field ${field} must be an http or https URL, got "${truncate(v)}"`);
  }
  if (u.hostname === '' || u.hostname.includes('_')) {
    throw validation(`Field ${field} must have a valid host name (no underscores), got "${truncate(v)}"`);
  }
}

export function truncate(v: string, max = 80): string {
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

export function checkSid(value: string, prefix: string, field: string): string {
  if (!sidPattern(prefix).test(value)) {
    throw validation(`${field} must be ${prefix} followed by 32 hex characters, got "${truncate(value, 40)}"`);
  }
  return value;
}

/** Paging parameters Twilio understands, checked here so a bad value never costs a Twilio call. */
export function paging(query: Query, out: URLSearchParams, maxPageSize = 1000): void {
  const size = single(query, 'PageSize');
  if (size !== undefined) {
    if (!/^\d{1,7}$/.test(size) || Number(size) < 1 || Number(size) > maxPageSize) {
      throw validation(
        `Query parameter PageSize must be a whole number from 1 to ${maxPageSize}, got "${truncate(size, 20)}"`,
      );
    }
    out.set('PageSize', String(Number(size)));
  }
  const page = single(query, 'Page');
  if (page !== undefined) {
    if (!/^\d{1,9}$/.test(page)) {
      throw validation(`Query parameter Page must be a whole number of 0 or more, got "${truncate(page, 20)}"`);
    }
    out.set('Page', String(Number(page)));
  }
  const token = single(query, 'PageToken');
  if (token !== undefined && token !== '') {
    if (!/^[A-Za-z0-9+/=_-]{1,256}$/.test(token))
      throw validation('Query parameter PageToken is not a valid page token');
    out.set('PageToken', token);
  }
}

export function dateFilter(value: string, name: string): string {
  if (parseFilterDate(value) === undefined) {
    throw validation(`Query parameter ${name} must be a date such as 2024-01-31, got "${truncate(value, 40)}"`);
  }
  return value;
}

/** Request bodies must be JSON objects (or form data parsed into one). */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') throw validation('A JSON request body is required');
  if (typeof body !== 'object' || Array.isArray(body)) throw validation('The request body must be a JSON object');
  return body as Record<string, unknown>;
}
