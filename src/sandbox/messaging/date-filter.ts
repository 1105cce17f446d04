// List filters on a date column (`DateSent`, `DateSent<`, `DateSent>`, same for DateCreated):
// turns the client's values into one half-open time range. The plain key means "on that GMT day";
// `<` and `>` are inclusive, on whole days for a date and on whole seconds for an instant (Twilio
// shows times to the second, so a time copied from a response must match its own message).
import { DAY_MS, parseFilterDate } from '../../shared/dates.js';
import type { TimeRange } from '../store/keyset-sql.js';
import { invalidParam } from '../twilio-wire/errors.js';

const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;
const secondStart = (ms: number): number => Math.floor(ms / 1000) * 1000;

export function dateRange(query: URLSearchParams, key: string): TimeRange | undefined {
  let from: number | undefined;
  let before: number | undefined;
  const narrow = (f: number | undefined, b: number | undefined): void => {
    if (f !== undefined) from = from === undefined ? f : Math.max(from, f);
    if (b !== undefined) before = before === undefined ? b : Math.min(before, b);
  };
  for (const [k, v] of query) {
    const op = k === key ? '=' : k === `${key}<` ? '<' : k === `${key}>` ? '>' : undefined;
    if (op === undefined) continue;
    const parsed = parseFilterDate(v);
    if (!parsed) throw invalidParam(`Invalid ${k} value: expected a date such as 2024-01-31, got "${v}"`);
    if (op === '=') {
      const day = dayStart(parsed.ms);
      narrow(day, day + DAY_MS);
    } else if (op === '<') {
      narrow(undefined, parsed.dateOnly ? parsed.ms + DAY_MS : secondStart(parsed.ms) + 1000);
    } else {
      narrow(parsed.dateOnly ? parsed.ms : secondStart(parsed.ms), undefined);
    }
  }
  if (from === undefined && before === undefined) return undefined;
  const range: TimeRange = {};
  if (from !== undefined) range.from = from;
  if (before !== undefined) range.before = before;
  return range;
}
