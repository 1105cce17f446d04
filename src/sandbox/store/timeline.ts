// A message's status history (the inbox timeline), kept in its own row: each step appends one
// entry to the `timeline` column in the UPDATE that changes the status. The step rewrites the row
// anyway, where an events table would add an indexed insert, with a foreign-key check, per step.
//
// Text form: entries separated by one space, each `status@at` or `status@at!code`, where `at` is
// milliseconds since the epoch and `code` a Twilio error code. Statuses never hold `@`, `!` or spaces.

export interface TimelineEvent {
  status: string;
  at: number;
  error_code: number | null;
}

/** The entry of one status change, ready to append (with its leading separator when not first). */
export function timelineEntry(status: string, at: number, errorCode: number | null, first = false): string {
  const entry = errorCode === null ? `${status}@${at}` : `${status}@${at}!${errorCode}`;
  return first ? entry : ` ${entry}`;
}

/** The events of a `timeline` column, oldest first; entries that do not parse are skipped. */
export function parseTimeline(text: string): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const entry of text.split(' ')) {
    const m = /^([a-z_-]+)@(\d+)(?:!(\d+))?$/.exec(entry);
    if (!m) continue;
    events.push({ status: m[1]!, at: Number(m[2]), error_code: m[3] === undefined ? null : Number(m[3]) });
  }
  return events;
}
