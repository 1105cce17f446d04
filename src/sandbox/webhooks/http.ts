// Sends one webhook request the way Twilio does (form body, query string or CloudEvents JSON, signature,
// idempotency token, TwilioProxy user agent) and reports what happened without ever throwing: a refused
// connection, a timeout and a 500 are all outcomes to record.
import { request } from 'undici';
import type { WebhookRow } from './outbox.js';

export interface HttpOutcome {
  /** HTTP status, or null when no response arrived */
  status: number | null;
  /** the response body, cut at `bodyLimit` characters */
  body: string | null;
  contentType: string | null;
  durationMs: number;
  /** why no usable response arrived (network error, timeout) */
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  bodyLimit: number;
  /** aborts the request when the sandbox stops */
  signal?: AbortSignal;
}

export async function sendWebhook(row: WebhookRow, opts: SendOptions): Promise<HttpOutcome> {
  const started = performance.now();
  const headers: Record<string, string> = {
    'x-twilio-signature': row.signature,
    'i-twilio-idempotency-token': row.idempotency_token,
    'user-agent': 'TwilioProxy/1.1',
    accept: '*/*',
  };
  let body: string | undefined;
  let url = row.url;
  if (row.body !== null) {
    // CloudEvents to a sink: JSON, and a destination's user-info goes as Basic auth on every request
    headers['content-type'] = 'application/json';
    body = row.body;
    const u = new URL(row.url);
    if (u.username !== '' || u.password !== '') {
      const user = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
      headers['authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
      u.username = '';
      u.password = '';
      url = u.href;
    }
  } else if (row.method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(JSON.parse(row.params) as Record<string, string>).toString();
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    const res = await request(url, {
      method: row.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const text = await readLimited(res.body, opts.bodyLimit);
    const contentType = res.headers['content-type'];
    return {
      status: res.statusCode,
      body: text,
      contentType: typeof contentType === 'string' ? contentType : null,
      durationMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    const error = timeout.aborted
      ? `timed out after ${opts.timeoutMs} ms`
      : opts.signal?.aborted
        ? 'aborted: the sandbox stopped'
        : describe(err);
    return { status: null, body: null, contentType: null, durationMs, error };
  }
}

async function readLimited(stream: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit * 4) break; // enough bytes for `limit` characters of any encoding
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'request failed';
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return typeof code === 'string' ? `${code} ${err.message}${cause}` : err.message + cause;
}
