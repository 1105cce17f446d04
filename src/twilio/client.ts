// The Twilio REST client: resolves paths against the account, encodes forms, authenticates, caps
// concurrency per account, retries only what is safe to repeat, and turns answers into typed
// results or errors with stable codes.
import type { Dispatcher } from 'undici';
import { ConfigError } from '../shared/errors.js';
import {
  apiErrorFrom,
  InvalidArgumentError,
  NetworkError,
  TimeoutError,
  TwilioApiError,
  type RequestInfo,
} from './errors.js';
import { encodeForm, encodeQuery, type FormFields, type QueryFields } from './form.js';
import { limiterFor, limiterKey } from './limiter.js';
import { toPage, type Page } from './paging.js';
import {
  backoffMs,
  DEFAULT_RETRY,
  parseRetryAfter,
  retryNetwork,
  retryStatus,
  sleep,
  type Method,
  type RetryOptions,
} from './retry.js';
import { attempt, defaultDispatcher, type RawResponse } from './transport.js';
import {
  availablePhoneNumbersResource,
  type AvailablePhoneNumbersResource,
} from './resources/available-phone-numbers.js';
import { incomingPhoneNumbersResource, type IncomingPhoneNumbersResource } from './resources/incoming-phone-numbers.js';
import { contentResource, type ContentResource } from './resources/content.js';
import { messagesResource, type MessagesResource } from './resources/messages.js';
import { usageResource, type UsageResource } from './resources/usage.js';

export interface Credentials {
  accountSid: string;
  /** the account SID (`AC…`) or an API key SID (`SK…`) */
  username: string;
  /** the auth token or the API key secret */
  password: string;
}

export interface ClientOptions {
  /** default https://api.twilio.com */
  baseUrl?: string;
  /** per attempt: the wait for the answer once the request is sent, and each pause in its body; default 15000 */
  timeoutMs?: number;
  /** in-flight requests per account, default 100; excess waits in a FIFO queue */
  maxConcurrency?: number;
  /** defaults 3 / 200 / 5000 */
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** shared keep-alive pool; default one module-level Agent */
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** answers larger than this are abandoned with TWILIO_UNREACHABLE; default 32 MiB */
  maxResponseBytes?: number;
}

export interface RequestOptions {
  query?: QueryFields;
  form?: FormFields;
  /** a JSON body (the Content API and other v1 products that take JSON) instead of a form */
  json?: unknown;
  signal?: AbortSignal;
}

export interface TwilioResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  requestId: string | undefined;
  /** the body as Twilio sent it, for callers that pass it on without serialising `body` again */
  text: string;
}

export const DEFAULT_BASE_URL = 'https://api.twilio.com';
/** Where Twilio serves the Content API; any other base URL (the sandbox, a proxy) serves it itself. */
export const CONTENT_BASE_URL = 'https://content.twilio.com';
const CONTENT_PATH = /^\/v1\/(Content|ContentAndApprovals|LegacyContent)([/?]|$)/;
const USER_AGENT = `twilio-connector (node ${process.version})`;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
/** Paths that already name an API version are used as they are. */
const ABSOLUTE = /^\/(2010-04-01|v\d+)(\/|$)/;

function checkedBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(['baseUrl is not a valid URL']);
  }
  const problems: string[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push('baseUrl must be http or https');
  // credentials belong in Credentials, where they are never echoed
  if (url.username || url.password) problems.push('baseUrl must not contain credentials');
  if (url.search || url.hash) problems.push('baseUrl must not have a query or fragment');
  if (problems.length) throw new ConfigError(problems);
  return url;
}

const OPTION_KEYS = [
  'baseUrl',
  'timeoutMs',
  'maxConcurrency',
  'retry',
  'dispatcher',
  'userAgent',
  'maxResponseBytes',
] as const satisfies readonly (keyof ClientOptions)[];
const RETRY_KEYS = ['maxRetries', 'baseDelayMs', 'maxDelayMs'];

/** The option a key was meant as, ignoring case and separators (`baseURL`, `base_url`). */
function optionNamed(key: string): string | undefined {
  const loose = key.toLowerCase().replace(/[^a-z]/g, '');
  return OPTION_KEYS.find((k) => k.toLowerCase() === loose);
}

/**
 * Options given in the wrong place or misspelled: without this check such a `baseUrl` is ignored
 * and requests silently go to api.twilio.com. Credentials may carry other fields (any object with
 * the three credential fields will do), so only option names are looked for there.
 */
function misplacedKeys(credentials: object, options: object): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(credentials)) {
    const meant = optionNamed(key);
    if (meant) problems.push(`${key} is an option, not a credential: new TwilioClient(credentials, { ${meant} })`);
  }
  const optionKeys: readonly string[] = OPTION_KEYS;
  for (const key of Object.keys(options)) {
    if (optionKeys.includes(key)) continue;
    const near = optionNamed(key);
    problems.push(
      near
        ? `unknown option ${key}: did you mean ${near}?`
        : `unknown option ${key} (expected ${OPTION_KEYS.join(', ')})`,
    );
  }
  const retry: unknown = (options as ClientOptions).retry;
  if (typeof retry === 'object' && retry !== null) {
    for (const key of Object.keys(retry)) {
      if (!RETRY_KEYS.includes(key)) problems.push(`unknown option retry.${key} (expected ${RETRY_KEYS.join(', ')})`);
    }
  }
  return problems;
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new ConfigError([`${name} must be an integer ≥ ${min}`]);
  return value;
}

export class TwilioClient {
  readonly accountSid: string;
  readonly baseUrl: string;
  readonly messages: MessagesResource;
  readonly incomingPhoneNumbers: IncomingPhoneNumbersResource;
  readonly availablePhoneNumbers: AvailablePhoneNumbersResource;
  readonly usage: UsageResource;
  /** Content API v1 templates (content.twilio.com at Twilio) */
  readonly content: ContentResource;

  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxConcurrency: number;
  private readonly retry: RetryOptions;
  private readonly dispatcher: Dispatcher;
  private readonly userAgent: string;
  private readonly accountPrefix: string;
  /** the base URL's origin (Content API paths at Twilio go to content.twilio.com instead) */
  private readonly origin: string;
  private readonly limiterKey: string;

  constructor(credentials: Credentials, options: ClientOptions = {}) {
    if (typeof credentials !== 'object' || credentials === null) {
      throw new ConfigError(['credentials must be an object { accountSid, username, password }']);
    }
    if (typeof options !== 'object' || options === null) throw new ConfigError(['options must be an object']);
    const problems: string[] = misplacedKeys(credentials, options);
    if (!ACCOUNT_SID.test(credentials.accountSid))
      problems.push('accountSid must look like AC followed by 32 hex digits');
    if (!credentials.username) problems.push('username is required');
    if (!credentials.password) problems.push('password is required');
    if (problems.length) throw new ConfigError(problems);
    this.accountSid = credentials.accountSid;
    const base = checkedBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.baseUrl = base.href.replace(/\/+$/, '');
    this.origin = base.origin;
    this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    this.timeoutMs = positiveInt('timeoutMs', options.timeoutMs, 15_000);
    this.maxResponseBytes = positiveInt('maxResponseBytes', options.maxResponseBytes, 32 * 1024 * 1024);
    this.maxConcurrency = positiveInt('maxConcurrency', options.maxConcurrency, 100);
    this.retry = {
      maxRetries: positiveInt('retry.maxRetries', options.retry?.maxRetries, DEFAULT_RETRY.maxRetries, 0),
      baseDelayMs: positiveInt('retry.baseDelayMs', options.retry?.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 0),
      maxDelayMs: positiveInt('retry.maxDelayMs', options.retry?.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 0),
    };
    this.dispatcher = options.dispatcher ?? defaultDispatcher;
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.accountPrefix = `/2010-04-01/Accounts/${this.accountSid}`;
    this.limiterKey = limiterKey(this.origin, this.accountSid, this.maxConcurrency);
    this.messages = messagesResource(this);
    this.incomingPhoneNumbers = incomingPhoneNumbersResource(this);
    this.availablePhoneNumbers = availablePhoneNumbersResource(this);
    this.usage = usageResource(this);
    this.content = contentResource(this);
  }

  /** Full URL for a path: account-relative when it starts with `/`, or absolute `/2010-04-01/…`, `/v1/…`. */
  resolve(path: string, query?: QueryFields): string {
    return this.target(path, query).href;
  }

  private target(path: string, query: QueryFields | undefined): URL {
    let url: URL;
    try {
      let rel = path;
      // next_page_uri is relative, but follow an absolute one through our base URL (sandbox, proxy)
      if (/^https?:\/\//i.test(rel)) {
        const u = new URL(rel);
        rel = u.pathname + u.search;
      }
      if (!rel.startsWith('/')) throw new InvalidArgumentError('path must start with "/"');
      if (!ABSOLUTE.test(rel)) rel = this.accountPrefix + rel;
      const base = this.baseUrl === DEFAULT_BASE_URL && CONTENT_PATH.test(rel) ? CONTENT_BASE_URL : this.baseUrl;
      url = new URL(base + rel);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw err;
      throw new InvalidArgumentError('path is not a valid URL path');
    }
    if (query !== undefined) encodeQuery(query, url.searchParams);
    return url;
  }

  async request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<TwilioResponse<T>> {
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      throw new InvalidArgumentError(`unsupported method ${String(method)}`);
    }
    const target = this.target(path, opts.query);
    const url = target.href;
    const requestPath = target.pathname + target.search;
    const info: RequestInfo = { method, url };
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: 'application/json',
      'accept-charset': 'utf-8',
      'user-agent': this.userAgent,
    };
    let body: string | undefined;
    if (opts.form !== undefined && opts.json !== undefined) {
      throw new InvalidArgumentError('a request has a form or a JSON body, not both');
    }
    if (opts.form !== undefined) {
      body = encodeForm(opts.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    for (let n = 0; ; n++) {
      const release = await limiterFor(this.limiterKey, this.maxConcurrency).acquire(opts.signal);
      let raw: RawResponse;
      try {
        raw = await attempt({
          method,
          origin: target.origin,
          path: requestPath,
          headers,
          body,
          timeoutMs: this.timeoutMs,
          maxResponseBytes: this.maxResponseBytes,
          dispatcher: this.dispatcher,
          signal: opts.signal,
          info,
        });
      } catch (err) {
        const again =
          (err instanceof NetworkError && retryNetwork(method, err.errno)) ||
          (err instanceof TimeoutError && method === 'GET');
        if (!again || n >= this.retry.maxRetries) throw err;
        await sleep(backoffMs(n, this.retry), opts.signal);
        continue;
      } finally {
        release();
      }
      const result = this.interpret<T>(info, raw);
      if (!(result instanceof TwilioApiError)) return result;
      if (!retryStatus(method, result.status, result.twilioCode) || n >= this.retry.maxRetries) throw result;
      // a Retry-After longer than we are willing to wait goes back to the caller, who can pass it on
      if (result.retryAfterMs !== undefined && result.retryAfterMs > this.retry.maxDelayMs) throw result;
      await sleep(Math.max(result.retryAfterMs ?? 0, backoffMs(n, this.retry)), opts.signal);
    }
  }

  private interpret<T>(info: RequestInfo, raw: RawResponse): TwilioResponse<T> | TwilioApiError {
    const requestId = first(raw.headers['twilio-request-id']);
    let parsed: unknown = undefined;
    let isJson = false;
    if (raw.text !== '') {
      try {
        parsed = JSON.parse(raw.text);
        isJson = true;
      } catch {
        parsed = raw.text;
      }
    }
    if (raw.status >= 200 && raw.status < 300) {
      if (raw.text !== '' && !isJson) {
        return apiErrorFrom(info, raw.status, raw.text, requestId, undefined);
      }
      return { status: raw.status, body: parsed as T, headers: raw.headers, requestId, text: raw.text };
    }
    return apiErrorFrom(info, raw.status, parsed, requestId, parseRetryAfter(raw.headers['retry-after']));
  }

  /** GET a list path and read its envelope. */
  async list<T>(path: string, query: QueryFields | undefined, key: string): Promise<Page<T>> {
    const res = await this.request<unknown>('GET', path, query === undefined ? {} : { query });
    return toPage<T>(res.body, key) ?? this.notAList(this.resolve(path, query), res);
  }

  /** The page after `page`, or null on the last one. */
  async nextPage<T>(page: Page<T>): Promise<Page<T> | null> {
    if (page.next_page_uri === null) return null;
    const res = await this.request<unknown>('GET', page.next_page_uri);
    return toPage<T>(res.body) ?? this.notAList(this.resolve(page.next_page_uri), res);
  }

  private notAList(url: string, res: TwilioResponse<unknown>): never {
    throw new TwilioApiError({
      method: 'GET',
      url,
      status: res.status,
      twilioCode: undefined,
      twilioMessage: 'the answer is not a Twilio list',
      moreInfo: undefined,
      requestId: res.requestId,
      retryAfterMs: undefined,
      body: res.body,
    });
  }

  /** Every record from `first` on, following next_page_uri. */
  async *iterate<T>(first: Page<T>): AsyncGenerator<T> {
    const seen = new Set<string>();
    for (let page: Page<T> | null = first; page !== null; page = await this.nextPage(page)) {
      yield* page.items;
      // a server that points next_page_uri back at a page already read would loop forever
      if (page.next_page_uri !== null && seen.has(page.next_page_uri)) return;
      if (page.next_page_uri !== null) seen.add(page.next_page_uri);
    }
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
