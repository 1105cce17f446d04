// Reading a message stored with its whole course. When the lifecycle can tell at create how a
// message will go (lifecycle/course.ts), the row is written once: its columns hold the final state
// (status, date_sent, price, error) and its timeline every step with its time; `settles_at` is when
// the last step happens. Until then a reader shows the message as it stands at its own `now`:
// the status of the last step passed, its outcome (fate) from `sending`, date_sent and price from
// `sent`, no error before the end. Rows the lifecycle moves step by step (`settles_at` NULL) are
// shown as stored.
import type { MessageRow, MessageStatus } from './messages.js';
import { parseTimeline, type TimelineEvent } from './timeline.js';

/** The message as it stands at `now`. */
export function asOf(m: MessageRow, now: number): MessageRow {
  if (m.settles_at === null || m.settles_at <= now) return m;
  const steps = parseTimeline(m.timeline);
  let passed = 1;
  while (passed < steps.length && steps[passed]!.at <= now) passed++;
  return stepsPassed(m, steps, passed);
}

function stepsPassed(m: MessageRow, steps: TimelineEvent[], passed: number): MessageRow {
  if (passed >= steps.length) return m;
  const last = steps[passed - 1]!;
  const next = steps[passed]!;
  // the outcome is decided at `sending`; date_sent and price come with `sent`
  let sending = false;
  let sent = false;
  for (let i = 0; i < passed; i++) {
    if (steps[i]!.status === 'sending') sending = true;
    if (steps[i]!.status === 'sent') sent = true;
  }
  return {
    ...m,
    status: last.status as MessageStatus,
    date_updated: last.at,
    date_sent: sent ? m.date_sent : null,
    price: sent ? m.price : null,
    error_code: last.error_code,
    error_message: last.error_code === null ? null : m.error_message,
    fate: sending ? m.fate : null,
    next_status: next.status,
    next_at: next.at,
    timeline: m.timeline.split(' ', passed).join(' '),
  };
}

/**
 * `asOf` over rows from SQL, for a page of a list: most rows are settled and come back as they are.
 */
export function allAsOf(rows: MessageRow[], now: number): MessageRow[] {
  for (let i = 0; i < rows.length; i++) rows[i] = asOf(rows[i]!, now);
  return rows;
}
