// How an Event Streams delivery attempt ends, as Twilio handles a webhook sink's answer: 2xx is
// delivered; 429, 5xx, a timeout or no answer is retried with exponential backoff and jitter for up
// to four hours from the event (in the sandbox's clock, so a speed-up shortens it); any other 4xx
// is discarded at once.
import type { SandboxContext } from '../context.js';
import type { HttpOutcome } from '../webhooks/http.js';
import type { AttemptResult, WebhookRow } from '../webhooks/outbox.js';
import { base } from './dispatcher.js';

export const EVENT_RETENTION_MS = 4 * 60 * 60_000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 10 * 60_000;

export function eventResult(
  row: WebhookRow,
  outcome: HttpOutcome,
  now: number,
  ctx: Pick<SandboxContext, 'clock'>,
): AttemptResult {
  const status = outcome.status;
  if (status !== null && status >= 200 && status < 300) {
    return { ...base(outcome, now), state: 'delivered', nextAttemptAt: null, error: null };
  }
  const error = outcome.error ?? `HTTP ${status}`;
  const retryable = status === null || status === 429 || status >= 500;
  if (!retryable) return { ...base(outcome, now), state: 'failed', nextAttemptAt: null, error };
  const attempts = row.attempts + 1;
  const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(attempts - 1, 20));
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  const next = now + Math.ceil(ctx.clock.delay(jittered));
  const deadline = row.created_at + Math.ceil(ctx.clock.delay(EVENT_RETENTION_MS));
  if (next > deadline) return { ...base(outcome, now), state: 'failed', nextAttemptAt: null, error };
  return { ...base(outcome, now), state: 'pending', nextAttemptAt: next, error };
}
