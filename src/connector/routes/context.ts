// What every action route shares: how it is declared (paths with `.json`/`.xml` variants,
// authentication and throttling before anything else), how the answer is rendered in the format the
// caller asked for, and how Twilio's paging links are turned back into connector links.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Connection } from '../auth.js';
import type { ConnectorConfig } from '../config.js';
import { ApiError } from '../errors.js';
import type { Idempotency } from '../idempotency.js';
import type { Metrics } from '../metrics.js';
import type { StatusWatch } from '../status-watch.js';
import type { Throttle } from '../throttle.js';
import type { Trust } from '../trust.js';
import { routeSchemas } from '../schemas/route-schemas.js';
import { toXml } from '../xml.js';
import type { Query } from './validate.js';

export type Format = 'json' | 'xml';

/** The part of the Twilio client the actions use: one generic call, paths relative to the account. */
export interface UpstreamClient {
  request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    opts?: {
      query?: URLSearchParams | Record<string, string | number | boolean | undefined>;
      form?: Record<string, string | number | boolean | readonly string[] | undefined>;
      json?: unknown;
    },
  ): Promise<{ status: number; body: unknown; text?: string }>;
}

export interface RouteContext {
  config: ConnectorConfig;
  clientFor(connection: Connection): UpstreamClient;
  throttle: Throttle;
  idempotency: Idempotency;
  metrics: Metrics;
  statusWatch: StatusWatch;
  /** fromUpstream, plus where the embedded sandbox shows its credentials when Twilio answers 401 */
  upstreamError(err: unknown): ApiError;
  /** proves a connection upstream before connector state is used on its behalf */
  trust: Trust;
}

export interface ActionInput {
  request: FastifyRequest;
  reply: FastifyReply;
  connection: Connection;
  client: UpstreamClient;
  format: Format;
  /** path parameters with any `.json`/`.xml` suffix removed */
  params: Record<string, string>;
  query: Query;
}

export interface ActionResult {
  status?: number;
  /** XML root element name, e.g. `Message` */
  root: string;
  data: unknown;
  headers?: Record<string, string>;
}

/** An answer already serialised as JSON (an idempotent replay): sent as is, or converted to XML. */
export interface RawResult {
  status: number;
  root: string;
  json: string;
  headers?: Record<string, string>;
}

export type Method = 'GET' | 'POST';

/** Twilio's JSON answers are objects; anything else is treated as an empty one. */
export function asObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

const SUFFIX = /\.(json|xml)$/i;

declare module 'fastify' {
  interface FastifyRequest {
    connection?: Connection;
  }
  interface FastifyContextConfig {
    operation?: string;
  }
}

/**
 * XML for the `.xml` path variant or when the caller's first preference is XML (workflow engines call
 * the `.json` paths and choose the format by header); JSON otherwise. A browser lists XML too, after
 * HTML (`text/html,…,application/xml;q=0.9`): that is not a request for XML.
 */
export function formatOf(request: FastifyRequest): Format {
  const url = request.url;
  const query = url.indexOf('?');
  if (/\.xml$/i.test(query === -1 ? url : url.slice(0, query))) return 'xml';
  const first = preferredType(request.headers.accept ?? '');
  return first === 'application/xml' || first === 'text/xml' ? 'xml' : 'json';
}

/** The media range an Accept header ranks highest (by q, then by order), lower-cased; '' when none. */
export function preferredType(accept: string): string {
  let best = '';
  let bestQ = 0;
  for (const part of accept.toLowerCase().split(',')) {
    const [range = '', ...params] = part.split(';').map((x) => x.trim());
    if (range === '') continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (Number.isFinite(q) && q > bestQ) {
      best = range;
      bestQ = q;
    }
  }
  return best;
}

export function send(reply: FastifyReply, format: Format, status: number, root: string, data: unknown): FastifyReply {
  if (format === 'xml') {
    // an error envelope `{ error: {…} }` is one `<error>` element, not `<error><error>`
    const xmlData = root === 'error' ? (asObject(data)['error'] ?? data) : data;
    return reply.code(status).type('application/xml; charset=utf-8').send(toXml(root, xmlData));
  }
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(data));
}

/** Where callers reach the connector: --public-url, else what this request was addressed to. */
export function baseUrl(config: ConnectorConfig, request: FastifyRequest): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}

const ACCOUNT_PREFIX = /^\/2010-04-01\/Accounts\/[^/]+/;

/** Turns Twilio's `/2010-04-01/Accounts/AC…/Messages.json?…` into a link to the connector. */
export function connectorLink(uri: unknown, base: string, format: Format): unknown {
  if (typeof uri !== 'string' || !ACCOUNT_PREFIX.test(uri)) return uri;
  let rest = uri.replace(ACCOUNT_PREFIX, '');
  if (format === 'xml') rest = rest.replace(/\.json(?=\?|$)/, '.xml');
  return base + rest;
}

export const PAGE_LINKS = ['uri', 'first_page_uri', 'next_page_uri', 'previous_page_uri'] as const;

export function rewritePageLinks(
  body: Record<string, unknown>,
  request: FastifyRequest,
  ctx: RouteContext,
  format: Format,
): Record<string, unknown> {
  const base = baseUrl(ctx.config, request);
  const out: Record<string, unknown> = { ...body };
  for (const k of PAGE_LINKS) if (k in out) out[k] = connectorLink(out[k], base, format);
  return out;
}

/**
 * The seeds' `num_pages` and `total`, which Twilio stopped sending. They are known only on the last
 * page (no `next_page_uri`): `total` is the position of its first record plus its records, and
 * `num_pages` is its index plus one. Anywhere else they would be guesses, so they are null. An empty
 * page past the first says nothing about the records before it, so it gets null as well.
 */
export function addPageCounts(
  body: Record<string, unknown>,
  itemsKey: string,
  fields: readonly ('num_pages' | 'total')[],
): Record<string, unknown> {
  const items = body[itemsKey];
  const count = Array.isArray(items) ? items.length : 0;
  const { page, start } = body;
  const known =
    (body['next_page_uri'] === null || body['next_page_uri'] === undefined) &&
    Number.isInteger(page) &&
    Number.isInteger(start) &&
    (page === 0 || count > 0);
  for (const field of fields) {
    if (Number.isInteger(body[field])) continue;
    body[field] = known ? (field === 'total' ? (start as number) + count : (page as number) + 1) : null;
  }
  return body;
}

export type ActionHandler = (input: ActionInput) => Promise<ActionResult | RawResult>;

/**
 * Declares an action: `path` is relative to the connector root and ends in `.json`; the `.xml`
 * variant is added. Request validation uses the operation's published schemas.
 */
export function action(
  app: FastifyInstance,
  ctx: RouteContext,
  def: {
    operation: string;
    method: Method;
    path: string;
    handler: ActionHandler;
    /** rewrites the parsed body before schema validation (other spellings of its fields) */
    prepareBody?: (body: unknown) => unknown;
  },
): string[] {
  const schema = routeSchemas(def.operation) as Record<string, unknown>;
  const urls = [def.path, def.path.replace(/\.json$/, '.xml')];
  const throttling = ctx.config.throttleLimit > 0;
  for (const url of urls) {
    app.route({
      method: def.method,
      url,
      config: { operation: def.operation },
      schema,
      ...(def.prepareBody === undefined
        ? {}
        : {
            preValidation: (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
              try {
                request.body = def.prepareBody!(request.body);
              } catch (err) {
                done(err as Error);
                return;
              }
              done();
            },
          }),
      onRequest: (request, _reply, done) => {
        try {
          const connection = authenticate(ctx.config, request);
          if (throttling) {
            const decision = ctx.throttle.take(connection.throttleKey);
            if (!decision.allowed) {
              throw new ApiError(
                'THROTTLED',
                `Too many calls for this connection: the limit is ${ctx.config.throttleLimit} per ${ctx.config.throttleWindow} s`,
                { headers: { 'retry-after': String(decision.retryAfter) } },
              );
            }
          }
          request.connection = connection;
        } catch (err) {
          done(err as Error);
          return;
        }
        done();
      },
      handler: async (request, reply) => {
        const connection = request.connection!;
        const format = formatOf(request);
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries((request.params ?? {}) as Record<string, string>)) {
          params[k] = v.replace(SUFFIX, '');
        }
        const client = ctx.clientFor(connection);
        let result: ActionResult | RawResult;
        try {
          result = await def.handler({
            request,
            reply,
            connection,
            client,
            format,
            params,
            query: (request.query ?? {}) as Query,
          });
        } catch (err) {
          const apiError = ctx.upstreamError(err);
          if (!(err instanceof ApiError)) ctx.metrics.observeUpstreamError(def.operation, apiError.code);
          throw apiError;
        }
        if (result.headers) void reply.headers(result.headers);
        if ('json' in result) {
          if (format === 'json')
            return reply.code(result.status).type('application/json; charset=utf-8').send(result.json);
          return send(reply, format, result.status, result.root, JSON.parse(result.json) as unknown);
        }
        return send(reply, format, result.status ?? 200, result.root, result.data);
      },
    });
  }
  return urls;
}
