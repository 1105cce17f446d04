// The sandbox's stand-in for Meta's review of a WhatsApp template: a submitted template is
// `received`, then `pending`, then decided after a delay in simulated time (the speed-up applies),
// so apps can watch a real sequence of statuses. The decision is deterministic: approved, unless
// a body starts or ends with a placeholder, or has two placeholders side by side, with no sample
// value among the template's variables (the mistakes Meta rejects automatically). The delay and
// the automatic rejection are settings, kept with the others so they survive restarts.
import type { Db } from '../store/db.js';
import { PLACEHOLDER, placeholderKey } from './placeholder.js';

export interface ReviewSettings {
  /** simulated ms from submission to decision; pending from a third of it */
  approval_delay_ms: number;
  /** reject templates whose placeholders Meta would refuse without samples */
  auto_reject: boolean;
}

export const DEFAULT_REVIEW: Readonly<ReviewSettings> = Object.freeze({ approval_delay_ms: 10_000, auto_reject: true });
export const MAX_APPROVAL_DELAY_MS = 48 * 3600_000;

const KEY = 'content_review';

export function reviewSettings(db: Db): ReviewSettings {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(KEY) as { value: string } | undefined;
  if (!row) return { ...DEFAULT_REVIEW };
  try {
    return { ...DEFAULT_REVIEW, ...(JSON.parse(row.value) as Partial<ReviewSettings>) };
  } catch {
    return { ...DEFAULT_REVIEW };
  }
}

/** Merges a JSON patch into the settings; a message naming the field when it is wrong. */
export function mergeReviewSettings(current: ReviewSettings, patch: unknown): ReviewSettings | string {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'The body must be a JSON object';
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'approval_delay_ms') {
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_APPROVAL_DELAY_MS) {
        return `approval_delay_ms must be a whole number of milliseconds from 0 to ${MAX_APPROVAL_DELAY_MS}`;
      }
      next.approval_delay_ms = value as number;
    } else if (key === 'auto_reject') {
      if (typeof value !== 'boolean') return 'auto_reject must be true or false';
      next.auto_reject = value;
    } else {
      return `Unknown setting ${key} (expected approval_delay_ms, auto_reject)`;
    }
  }
  return next;
}

export function saveReviewSettings(db: Db, s: ReviewSettings): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(KEY, JSON.stringify(s));
}

/** Why Meta would refuse the template's placeholders, or undefined when it would not. */
export function placeholderProblem(
  types: Record<string, Record<string, unknown>>,
  samples: Record<string, string>,
): string | undefined {
  for (const def of Object.values(types)) {
    const body = def['body'];
    if (typeof body !== 'string') continue;
    const found = [...body.matchAll(PLACEHOLDER)];
    const unsampled = (inner: string | undefined): boolean => inner === undefined || !samples[placeholderKey(inner)];
    const trimmed = body.trim();
    const first = found[0];
    const last = found[found.length - 1];
    if (first && trimmed.startsWith(first[0]) && unsampled(first[1])) {
      return 'INVALID_FORMAT - Variables can’t be at the start of the template without a sample value';
    }
    if (last && trimmed.endsWith(last[0]) && unsampled(last[1])) {
      return 'INVALID_FORMAT - Variables can’t be at the end of the template without a sample value';
    }
    for (let i = 1; i < found.length; i++) {
      const prev = found[i - 1]!;
      const cur = found[i]!;
      const between = body.slice(prev.index + prev[0].length, cur.index);
      if (between.trim() === '' && (unsampled(prev[1]) || unsampled(cur[1]))) {
        return 'INVALID_FORMAT - Variables can’t be next to each other without sample values';
      }
    }
  }
  return undefined;
}
