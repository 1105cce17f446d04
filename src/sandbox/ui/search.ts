// The inbox's search syntax, turned into SQL conditions on the messages table:
// `from:` `to:` `status:` `direction:` `after:YYYY-MM-DD` `before:YYYY-MM-DD`, "quoted text", words.
// Days are GMT days, like every other date the sandbox shows on the wire.
import { DAY_MS, parseFilterDate } from '../../shared/dates.js';
import { MESSAGE_DIRECTIONS, MESSAGE_STATUSES } from '../../shared/wire/message.js';

export interface Filter {
  sql: string;
  args: unknown[];
}

/** A search the user can correct; its message says what to write instead. */
export class SearchError extends Error {
  override readonly name = 'SearchError';
}

const STATUSES: readonly string[] = MESSAGE_STATUSES;
const DIRECTIONS: readonly string[] = MESSAGE_DIRECTIONS;
const MAX_TERMS = 20;

const TOKEN = /([a-z]+):("[^"]*"|\S*)|"([^"]*)"|(\S+)/gi;

/** `4155550100` and `+1 (415) 555-0100` both mean `+14155550100`; other text stays as typed. */
export function normalizeNumber(value: string): string {
  const compact = value.replace(/[\s().-]/g, '');
  if (/^\+?\d{8,15}$/.test(compact)) return compact.startsWith('+') ? compact : `+${compact}`;
  return value;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function day(key: string, value: string): number {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseFilterDate(value) : undefined;
  if (!parsed) throw new SearchError(`${key}: needs a date written YYYY-MM-DD, not "${value}"`);
  return parsed.ms;
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v;
}

export function parseSearch(q: string): Filter[] {
  const filters: Filter[] = [];
  if (q.length > 500) throw new SearchError('search is too long (at most 500 characters)');
  for (const m of q.matchAll(TOKEN)) {
    if (filters.length >= MAX_TERMS) throw new SearchError(`search has too many terms (at most ${MAX_TERMS})`);
    const key = m[1]?.toLowerCase();
    const value = unquote(m[2] ?? '');
    const phrase = m[3] ?? m[4] ?? m[0];
    switch (key) {
      case 'from':
      case 'to': {
        if (value === '') throw new SearchError(`${key}: needs a phone number, e.g. ${key}:+14155550100`);
        filters.push({ sql: key === 'from' ? 'from_addr = ?' : 'to_addr = ?', args: [normalizeNumber(value)] });
        break;
      }
      case 'status': {
        const s = value.toLowerCase();
        if (!STATUSES.includes(s)) throw new SearchError(`status: must be one of ${STATUSES.join(', ')}`);
        filters.push({ sql: 'status = ?', args: [s] });
        break;
      }
      case 'direction': {
        const d = value.toLowerCase();
        if (d === 'outbound') filters.push({ sql: "direction <> 'inbound'", args: [] });
        else if (DIRECTIONS.includes(d)) filters.push({ sql: 'direction = ?', args: [d] });
        else throw new SearchError(`direction: must be one of inbound, outbound, ${DIRECTIONS.slice(1).join(', ')}`);
        break;
      }
      case 'after':
        // on or after that day
        filters.push({ sql: 'date_created >= ?', args: [day(key, value)] });
        break;
      case 'before':
        // strictly before that day
        filters.push({ sql: 'date_created < ?', args: [day(key, value)] });
        break;
      case 'on': {
        const start = day(key, value);
        filters.push({ sql: 'date_created >= ? AND date_created < ?', args: [start, start + DAY_MS] });
        break;
      }
      default: {
        // unknown keys ("http://…") are ordinary text
        const word = key === undefined ? phrase : m[0];
        if (/^(SM|MM)[0-9a-f]{32}$/.test(word)) filters.push({ sql: 'sid = ?', args: [word] });
        else if (word !== '') filters.push({ sql: "body LIKE ? ESCAPE '\\'", args: [`%${escapeLike(word)}%`] });
      }
    }
  }
  return filters;
}
