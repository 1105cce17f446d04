// The WHERE and ORDER BY pieces of a page window (keyset on seq) and of a date range, shared by
// the message and media lists so both page the same way.
import type { KeysetWindow } from '../twilio-api/paging.js';

/** A time range over a date column: `from` inclusive, `before` exclusive (ms). */
export interface TimeRange {
  from?: number;
  before?: number;
}

export function windowClause(w: KeysetWindow, column: string): { where: string; order: string; args: number[] } {
  if (w.below !== undefined) return { where: ` AND ${column} < ?`, order: 'DESC', args: [w.below] };
  if (w.above !== undefined) return { where: ` AND ${column} > ?`, order: 'ASC', args: [w.above] };
  return { where: '', order: 'DESC', args: [] };
}

/** `+column` keeps SQLite on the seq-ordered index of the other filter: a date index would need a sort. */
export function rangeClause(column: string, range: TimeRange | undefined): { where: string; args: number[] } {
  let where = '';
  const args: number[] = [];
  if (range?.from !== undefined) {
    where += ` AND +${column} >= ?`;
    args.push(range.from);
  }
  if (range?.before !== undefined) {
    where += ` AND +${column} < ?`;
    args.push(range.before);
  }
  return { where, args };
}
