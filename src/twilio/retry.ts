// When a failed attempt may be repeated, and how long to wait. The rule is never to repeat a request
// Twilio may already have acted on: a POST is only retried when Twilio said it did not process it
// (429 / 20429) or when the connection failed before the request could be sent.

import { abortError } from './abort.js';

export interface RetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = Object.freeze({ maxRetries: 3, baseDelayMs: 200, maxDelayMs: 5000 });

export type Method = 'GET' | 'POST' | 'DELETE';

/** Socket errors that happen while connecting, so nothing reached Twilio. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Errors after the connection was up: the request may have been received and acted on. */
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ETIMEDOUT']);

export function isNotSent(errno: string | undefined): boolean {
  return errno !== undefined && NOT_SENT.has(errno);
}

/** A network failure is retried if nothing was sent, or on GET, which is safe to repeat. */
export function retryNetwork(method: Method, errno: string | undefined): boolean {
  if (isNotSent(errno)) return true;
  return method === 'GET' && errno !== undefined && MAYBE_SENT.has(errno);
}

/**
 * 429 means "not processed" — unless Twilio's code says otherwise: 21611 (sender queue full) is
 * also a 429 but waiting seconds will not empty a queue that holds hours of messages.
 */
export function retryStatus(method: Method, status: number, twilioCode: number | undefined): boolean {
  if (twilioCode === 20429) return true;
  if (status === 429) return twilioCode === undefined;
  return method === 'GET' && (status === 502 || status === 503 || status === 504);
}

/** Exponential backoff with full jitter: a random wait in [0, min(max, base·2^attempt)). */
export function backoffMs(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
