// The gate in front of the Twilio API (2010 paths and /v1 Messaging Services): counts each account's
// requests in flight, answers 429 / 20429 beyond the limit (never processed, safe to retry, as
// Twilio says), reports the count in `Twilio-Concurrent-Requests` on every response, and applies
// the chaos rules that act on whole requests (added latency, HTTP errors).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { errorFormatOf, sendTwilioError, splitUrl } from '../twilio-wire/reply.js';
import { httpFault, latencyMs } from './chaos.js';
import { settingsOf } from './state.js';

const ACCOUNT_IN_PATH = /\/Accounts\/(AC[0-9a-fA-F]{32})/;

/** Requests in flight by account, per sandbox (read by the health report). */
const inFlight = new WeakMap<SandboxContext, Map<string, number>>();

export function requestsInFlight(ctx: SandboxContext): number {
  let total = 0;
  for (const n of inFlight.get(ctx)?.values() ?? []) total += n;
  return total;
}

const isTwilioPath = (path: string): boolean => path.startsWith('/2010-04-01') || path.startsWith('/v1/');

/** Whose limit a request counts against: the account in the path, else the Basic-auth user. */
function accountKey(path: string, authorization: string | undefined): string {
  const inPath = ACCOUNT_IN_PATH.exec(path);
  if (inPath) return inPath[1]!;
  const [scheme, encoded] = (authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return '';
  const user = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = user.indexOf(':');
  return colon < 0 ? user : user.slice(0, colon);
}

export function registerConcurrencyGate(app: FastifyInstance, ctx: SandboxContext): void {
  const counts = new Map<string, number>();
  inFlight.set(ctx, counts);

  // callback style: every API request passes here, and an async hook costs a promise each time
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const { path } = splitUrl(request.url);
    if (!isTwilioPath(path)) return done();
    const settings = settingsOf(ctx);
    const key = accountKey(path, request.headers.authorization);
    const current = (counts.get(key) ?? 0) + 1;
    counts.set(key, current);
    // 'close' comes once per response: on the tick after it is handed to the socket (before this
    // process reads anything more, so before the client's next request), or when the client goes away
    reply.raw.on('close', () => {
      const left = (counts.get(key) ?? 1) - 1;
      if (left <= 0) counts.delete(key);
      else counts.set(key, left);
    });
    void reply.header('Twilio-Concurrent-Requests', String(current));

    if (settings.concurrency.enabled && current > settings.concurrency.max_requests) {
      void sendTwilioError(reply, new TwilioRestError(429, 20429, 'Too Many Requests'), errorFormatOf(path));
      return undefined;
    }
    const proceed = (): void => {
      const fault = httpFault(settings);
      if (fault) void sendTwilioError(reply, fault, errorFormatOf(path));
      else done();
    };
    const hold = latencyMs(settings);
    if (hold > 0) setTimeout(proceed, hold);
    else proceed();
    return undefined;
  });
}
