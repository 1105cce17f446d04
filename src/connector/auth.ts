// Who a request acts as. A connection is HTTP Basic `AccountSid:AuthToken`, or `ApiKeySid:Secret`
// with the account in `X-Twilio-Account-Sid`; it is forwarded to Twilio per request and never stored
// or logged. With --api-key the connector itself is protected and may hold a default connection.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ConnectorConfig } from './config.js';
import { defaultConnection } from './config.js';
import { ApiError } from './errors.js';
import { Lru } from './lru.js';

export interface Connection {
  accountSid: string;
  /** AC… (auth token) or SK… (API key) */
  username: string;
  password: string;
  /** stable, non-secret identity of the connection: the idempotency scope */
  scope: string;
  /**
   * throttling bucket: the identity plus a keyed hash of the secret, so calls with a wrong token
   * cannot use up the allowance of the account's real connection
   */
  throttleKey: string;
}

/** per-process key: the throttle buckets never hold a stable fingerprint of a secret */
const THROTTLE_SALT = randomBytes(32);

function connection(accountSid: string, username: string, password: string): Connection {
  const scope = username === accountSid ? accountSid : `${accountSid}/${username}`;
  const tag = createHmac('sha256', THROTTLE_SALT).update(password).digest('base64url').slice(0, 22);
  // shared by every call with the same credentials (cached below)
  return Object.freeze({ accountSid, username, password, scope, throttleKey: `${scope}#${tag}` });
}

/**
 * Connections already resolved, by the Authorization and X-Twilio-Account-Sid headers that named
 * them: decoding and hashing the secret happen once per credential rather than once per call, and
 * a cached connection keeps its identity, so per-connection state (the Twilio client) can hang off
 * it. The keys carry secrets: they live in this map only and are never logged.
 */
const resolved = new Lru<string, Connection>(1000);
const MAX_CACHED_AUTH = 512;
const defaults = new WeakMap<ConnectorConfig, Connection | null>();

function defaultOf(config: ConnectorConfig): Connection | null {
  let c = defaults.get(config);
  if (c === undefined) {
    const d = defaultConnection(config);
    c = d ? connection(d.accountSid, d.username, d.password) : null;
    defaults.set(config, c);
  }
  return c;
}

export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Checks the connector's own API key when one is configured. */
export function checkApiKey(config: ConnectorConfig, request: FastifyRequest): void {
  if (config.apiKey === undefined) return;
  const auth = header(request, 'authorization');
  const presented =
    header(request, 'x-api-key') ?? (auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined);
  if (presented === undefined) {
    throw new ApiError('API_KEY_INVALID', 'This connector requires an API key: send it in the X-Api-Key header');
  }
  if (!sameSecret(presented, config.apiKey)) {
    throw new ApiError('API_KEY_INVALID', 'The X-Api-Key header does not match this connector’s API key');
  }
}

/** Resolves the connection of an action request, or throws a 401 that says what is wrong. */
export function authenticate(config: ConnectorConfig, request: FastifyRequest): Connection {
  checkApiKey(config, request);
  const auth = header(request, 'authorization');
  if (auth === undefined || auth.toLowerCase().startsWith('bearer ')) {
    const fallback = defaultOf(config);
    if (fallback) return fallback;
    throw new ApiError(
      'AUTH_MISSING',
      'Missing credentials: send HTTP Basic auth with your Twilio Account SID and Auth Token (or an API key SID and secret plus X-Twilio-Account-Sid)',
      { headers: { 'www-authenticate': 'Basic realm="twilio-connector"' } },
    );
  }
  const accountHeader = header(request, 'x-twilio-account-sid');
  // Twilio's credentials fit in far less; longer headers are parsed each time rather than held
  if (auth.length > MAX_CACHED_AUTH) return fromBasic(auth, accountHeader);
  const key = `${auth}\n${accountHeader ?? ''}`;
  let c = resolved.get(key);
  if (c === undefined) {
    c = fromBasic(auth, accountHeader);
    resolved.set(key, c);
  }
  return c;
}

function fromBasic(auth: string, accountHeader: string | undefined): Connection {
  const m = /^basic\s+(\S+)\s*$/i.exec(auth);
  if (!m) throw new ApiError('AUTH_INVALID', 'The Authorization header must use the Basic scheme');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) {
    throw new ApiError('AUTH_INVALID', 'Basic credentials must be "AccountSid:AuthToken" with both parts present');
  }
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (ACCOUNT_SID.test(username)) {
    if (accountHeader !== undefined && accountHeader !== username) {
      throw new ApiError('AUTH_INVALID', 'X-Twilio-Account-Sid differs from the Account SID in the credentials');
    }
    return connection(username, username, password);
  }
  if (API_KEY_SID.test(username)) {
    if (accountHeader === undefined) {
      throw new ApiError(
        'AUTH_INVALID',
        'API key credentials need the account: send its SID in the X-Twilio-Account-Sid header',
      );
    }
    if (!ACCOUNT_SID.test(accountHeader)) {
      throw new ApiError('AUTH_INVALID', 'X-Twilio-Account-Sid must be AC followed by 32 hex characters');
    }
    return connection(accountHeader, username, password);
  }
  throw new ApiError(
    'AUTH_INVALID',
    'The Basic user name must be a Twilio Account SID (AC…) or an API key SID (SK…), 34 characters',
  );
}
