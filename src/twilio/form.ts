// Twilio's request encodings: `application/x-www-form-urlencoded` bodies and query strings, with
// arrays as repeated keys (`MediaUrl=a&MediaUrl=b`), booleans as `true`/`false`, unset values omitted.

export type FormValue = string | number | boolean | readonly string[] | undefined;
export type FormFields = Readonly<Record<string, FormValue>>;
export type QueryValue = string | number | boolean | undefined;
export type QueryFields = Readonly<Record<string, QueryValue>> | URLSearchParams;

function scalar(value: string | number | boolean): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // NaN or Infinity would reach Twilio as text it cannot parse
    throw new TypeError(`cannot send the number ${value} to Twilio`);
  }
  return String(value);
}

/** Appends fields in their own order to `into` (a new URLSearchParams when omitted). */
export function encodeFields(
  fields: Readonly<Record<string, FormValue>>,
  into: URLSearchParams = new URLSearchParams(),
): URLSearchParams {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === 'object') {
      for (const item of value) into.append(key, item);
    } else {
      into.append(key, scalar(value));
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
