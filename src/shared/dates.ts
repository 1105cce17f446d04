// Twilio's date formats: RFC 2822 in GMT with a literal "+0000" (what the SDK's parser requires),
// ISO dates for usage records, and a lenient parser for the filter values clients send.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

// Under load most dates rendered fall in the same second (a new message's date_created and
// date_updated, then the next one's): remember the last second formatted.
let lastSecond = Number.NaN;
let lastText = '';

/** `Thu, 24 Aug 2023 05:01:45 +0000` */
export function rfc2822(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) return lastText;
  const d = new Date(ms);
  const text =
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  lastSecond = second;
  lastText = text;
  return text;
}

export function rfc2822OrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : rfc2822(ms);
}

/** `2023-08-24` (GMT day) */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface ParsedDate {
  /** start of the instant or the GMT day, in ms */
  ms: number;
  /** true when only a day was given: comparisons are on whole GMT days */
  dateOnly: boolean;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses the date formats Twilio accepts in filters; undefined when the text is not a date. */
export function parseFilterDate(text: string): ParsedDate | undefined {
  const trimmed = text.trim();
  const m = DATE_ONLY.exec(trimmed);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const check = new Date(ms);
    if (check.getUTCDate() !== Number(m[3]) || check.getUTCMonth() !== Number(m[2]) - 1) return undefined;
    return { ms, dateOnly: true };
  }
  // "2019-06-11 22:05:25.000" has no zone: Twilio reads it as GMT.
  const normalized = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed;
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms)) return undefined;
  return { ms, dateOnly: false };
}

export const DAY_MS = 86_400_000;
