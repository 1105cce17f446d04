// One HTTP attempt against Twilio over undici: keep-alive through a shared Agent, a deadline that
// covers headers and body, and failures sorted into Twilio errors, network errors and timeouts.
import { Agent, request, type Dispatcher } from 'undici';
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
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
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

export async function attempt(a: Attempt): Promise<RawResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, a.timeoutMs);
  const onCallerAbort = (): void => controller.abort(a.signal?.reason);
  a.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    if (a.signal?.aborted) throw abortError(a.signal);
    const res = await request(a.url, {
      method: a.method,
      headers: a.headers,
      body: a.body ?? null,
      dispatcher: a.dispatcher,
      signal: controller.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > a.maxResponseBytes) {
        res.body.destroy();
        throw new NetworkError(a.info, TOO_LARGE, undefined);
      }
      chunks.push(chunk);
    }
    return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    if (err instanceof NetworkError) throw err;
    if (timedOut) throw new TimeoutError(a.info, a.timeoutMs);
    if (a.signal?.aborted) throw abortError(a.signal);
    throw new NetworkError(a.info, errnoOf(err), err);
  } finally {
    clearTimeout(timer);
    a.signal?.removeEventListener('abort', onCallerAbort);
  }
}
