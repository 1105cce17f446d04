// One HTTP attempt against Twilio over undici: keep-alive through a shared Agent, a time limit on
// the wait for the answer and on each pause in its body, and failures sorted into Twilio errors,
// network errors and timeouts.
import { Agent, type Dispatcher } from 'undici';
import { abortError } from './abort.js';
import { NetworkError, TimeoutError, type RequestInfo } from './errors.js';
import type { Method } from './retry.js';

/** One keep-alive pool for every client that does not bring its own. */
export const defaultDispatcher: Dispatcher = new Agent({
  keepAliveTimeout: 30_000,
  connect: { timeout: 10_000 },
});

/** `errno` of the NetworkError for an answer larger than `maxResponseBytes` */
export const TOO_LARGE = 'RESPONSE_TOO_LARGE';

export interface Attempt {
  method: Method;
  /** `https://api.twilio.com` */
  origin: string;
  /** path and query */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** for the answer's headers once the request is sent, and again for each pause in its body */
  timeoutMs: number;
  /** larger bodies are abandoned: no Twilio answer comes close, a misbehaving proxy might */
  maxResponseBytes: number;
  dispatcher: Dispatcher;
  signal: AbortSignal | undefined;
  /** URL without credentials, for messages */
  info: RequestInfo;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The socket-level code of an undici / Node failure, looking through wrappers. */
export function errnoOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const rec = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof rec.code === 'string' && rec.code !== 'UND_ERR_ABORTED' && rec.code !== 'ABORT_ERR') return rec.code;
    // happy-eyeballs connects yield an AggregateError of per-address failures
    if (Array.isArray(rec.errors) && rec.errors.length > 0) e = rec.errors[0];
    else e = rec.cause;
  }
  return undefined;
}

/** The body as text, abandoned once it grows past `max` bytes. */
function readText(body: Dispatcher.ResponseData['body'], max: number, info: RequestInfo): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        reject(new NetworkError(info, TOO_LARGE, undefined));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    body.once('error', reject);
  });
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export async function attempt(a: Attempt): Promise<RawResponse> {
  try {
    if (a.signal?.aborted) throw abortError(a.signal);
    // undici's own timers bound the wait for the answer and each pause in its body: no timer and
    // AbortController of ours per attempt
    const res = await a.dispatcher.request({
      origin: a.origin,
      path: a.path,
      method: a.method,
      headers: a.headers,
      body: a.body ?? null,
      headersTimeout: a.timeoutMs,
      bodyTimeout: a.timeoutMs,
      ...(a.signal ? { signal: a.signal } : {}),
    });
    const text = await readText(res.body, a.maxResponseBytes, a.info);
    return { status: res.statusCode, headers: res.headers, text };
  } catch (err) {
    if (err instanceof NetworkError) throw err;
    if (a.signal?.aborted) throw abortError(a.signal);
    const errno = errnoOf(err);
    if (errno !== undefined && TIMEOUTS.has(errno)) throw new TimeoutError(a.info, a.timeoutMs);
    throw new NetworkError(a.info, errno, err);
  }
}
