// The polling trigger's cursor: where each watched list stopped, carried in the Location URL so the
// connector stores nothing. A poll that watches one list (no filter, or a channel address such as
// `whatsapp:+1…`) writes the one-list form Locations have always carried, so a Location issued
// before a poll watched two lists keeps working: its position becomes the first list's, and the
// second starts from the next poll.
import { validation } from '../errors.js';

export interface Cursor {
  /** newest message already returned; null when the list was empty at the first poll */
  sid: string | null;
  /** its date_created in ms: a fallback stop if that message was deleted */
  at: number;
  /** Twilio's next-page link where an unfinished descent to the cursor stopped */
  resume?: string;
}

function encodeOne(c: Cursor): unknown[] {
  const parts: unknown[] = [c.sid, c.at];
  if (c.resume !== undefined) parts.push(c.resume);
  return parts;
}

/** One cursor per watched list, in the order the poll lists them. */
export function encodeCursor(cursors: readonly Cursor[]): string {
  const value = cursors.length === 1 ? encodeOne(cursors[0] as Cursor) : cursors.map(encodeOne);
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeOne(v: unknown, accountSid: string): Cursor | undefined {
  if (!Array.isArray(v) || !(typeof v[0] === 'string' || v[0] === null) || typeof v[1] !== 'number') return undefined;
  const cursor: Cursor = { sid: v[0] as string | null, at: v[1] };
  const resume: unknown = v[2];
  if (resume === undefined) return cursor;
  // only a page of this account's message list: the link is followed with the caller's credentials
  const listPath = `/2010-04-01/Accounts/${accountSid}/Messages.json?`;
  if (typeof resume === 'string' && resume.length <= 2000 && resume.startsWith(listPath)) return { ...cursor, resume };
  return undefined;
}

/**
 * The position of each of `lists` watched lists; undefined for a list the cursor does not know yet
 * (it starts from now).
 */
export function decodeCursor(text: string, accountSid: string, lists: number): (Cursor | undefined)[] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  const parts: unknown[] | undefined = Array.isArray(v) ? (Array.isArray(v[0]) ? v : [v]) : undefined;
  const out: (Cursor | undefined)[] = [];
  if (parts !== undefined && parts.length <= lists) {
    for (const part of parts) {
      const c = decodeOne(part, accountSid);
      if (c === undefined) break;
      out.push(c);
    }
    if (out.length === parts.length) {
      while (out.length < lists) out.push(undefined);
      return out;
    }
  }
  throw validation('Query parameter Cursor is not one this connector issued; start again without it');
}
