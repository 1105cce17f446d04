// Proves a connection against Twilio before the connector touches state on its behalf. An Account
// SID is printed in every message URI, so parsing a Basic header proves nothing: a route that reads
// or changes connector state (subscriptions, dead letters, idempotency replies, poll cursors) first
// asks Twilio for the account with the presented credentials. Only positive answers are cached,
// briefly, under the connection's keyed hash (never the secret), and concurrent checks of one
// credential share one upstream call, so a busy workflow costs one check per credential per TTL.
import type { Connection } from './auth.js';
import { ApiError, AUTH_FAILED_MESSAGE, fromUpstream } from './errors.js';
import { Lru } from './lru.js';

/** How long a positive answer is believed; a revoked token is refused again within this time. */
export const VERIFY_TTL_MS = 5 * 60 * 1000;
const VERIFY_CACHE_SIZE = 10_000;

/** Asks Twilio whether the connection is valid: resolves when it is, throws what the client threw otherwise. */
export type UpstreamCheck = (connection: Connection) => Promise<void>;

export interface VerifyOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface Verified {
  /** true when this call asked Twilio (the credential was not already cached) */
  fresh: boolean;
  /** when the upstream call whose answer this is began: Twilio accepted the credential at or after it */
  at: number;
}

/** The path of the cheapest authenticated call there is: the account itself. */
export function accountPath(accountSid: string): string {
  return `/2010-04-01/Accounts/${accountSid}.json`;
}

export class ConnectionVerifier {
  private readonly check: UpstreamCheck;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** keyed by Connection.throttleKey: identity plus an HMAC of the secret under a per-process salt */
  private readonly verified: Lru<string, { until: number; at: number }>;
  private readonly running = new Map<string, Promise<number>>();

  constructor(check: UpstreamCheck, options: VerifyOptions = {}) {
    this.check = check;
    this.ttlMs = options.ttlMs ?? VERIFY_TTL_MS;
    this.now = options.now ?? Date.now;
    this.verified = new Lru(options.maxEntries ?? VERIFY_CACHE_SIZE);
  }

  /** Resolves once Twilio accepted the connection (now or within the TTL); throws a 401 or a 5xx otherwise. */
  async verify(connection: Connection): Promise<Verified> {
    const key = connection.throttleKey;
    const cached = this.verified.get(key);
    if (cached !== undefined && cached.until > this.now()) return { fresh: false, at: cached.at };
    let pending = this.running.get(key);
    const first = pending === undefined;
    if (pending === undefined) {
      pending = this.ask(connection).finally(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    return { fresh: first, at: await pending };
  }

  private async ask(connection: Connection): Promise<number> {
    const at = this.now();
    try {
      await this.check(connection);
    } catch (err) {
      throw refusal(err);
    }
    this.verified.set(connection.throttleKey, { until: this.now() + this.ttlMs, at });
    return at;
  }
}

/** Twilio's "no" (401, 403 or 404 for the account) becomes a 401 naming the Auth Token; not reaching Twilio stays a 502/504. */
function refusal(err: unknown): ApiError {
  const translated = fromUpstream(err);
  const refused =
    translated.code === 'TWILIO_AUTH_FAILED' ||
    translated.code === 'TWILIO_FORBIDDEN' ||
    translated.code === 'NOT_FOUND';
  if (!refused) return translated;
  return new ApiError('TWILIO_AUTH_FAILED', AUTH_FAILED_MESSAGE, {
    ...(translated.twilioCode === undefined ? {} : { twilioCode: translated.twilioCode }),
    ...(translated.moreInfo === undefined ? {} : { moreInfo: translated.moreInfo }),
    status: 401,
    cause: err,
  });
}
