// Builds the connector: a Fastify app serving the ten Twilio actions, /health and /metrics, with one
// error envelope, per-connection throttling, idempotent sends and redacted structured logs. It does
// not listen: `twilio-connector serve` (src/cli/serve.ts) does.
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import { pino } from 'pino';
import { Agent } from 'undici';
import { TwilioClient } from '../twilio/index.js';
import type { IdempotencyStore } from '../store/types.js';
import type { Connection } from './auth.js';
import type { ConnectorConfig } from './config.js';
import { ApiError, envelope, fromUpstream, internal, withSandboxHint } from './errors.js';
import { Idempotency, MemoryIdempotencyStore, idempotencyLeaseMs } from './idempotency.js';
import { Metrics } from './metrics.js';
import { StatusWatch } from './status-watch.js';
import { formatValidationErrors } from './schemas/validation-messages.js';
import { formatOf, send, type RouteContext, type UpstreamClient } from './routes/context.js';
import { registerAvailablePhoneNumbers } from './routes/available-phone-numbers.js';
import { registerIncomingPhoneNumbers } from './routes/incoming-phone-numbers.js';
import { registerContentTemplates } from './routes/content-templates.js';
import { registerMessages } from './routes/messages.js';
import { registerUsage } from './routes/usage.js';
import { registerDefinitionRoutes } from './definitions/routes.js';
import { registerIndexPage } from './definitions/index-page.js';
import { Throttle } from './throttle.js';
import { trust } from './trust.js';
import { accountPath, ConnectionVerifier } from './verify.js';

export interface ConnectorDeps {
  /** idempotency state; in memory when omitted (one instance only) */
  store?: IdempotencyStore;
  /** Twilio (or sandbox) base URL; overrides config.twilioBaseUrl, e.g. for the embedded sandbox */
  upstreamUrl?: string;
  /** builds the client of a connection; the default is the typed Twilio client over one shared pool */
  clientFactory?: (connection: Connection) => UpstreamClient;
  /** extra routes (triggers, definitions) registered on the same app, after the actions */
  plugins?: FastifyPluginAsync[];
  /** where log lines go (tests capture them); stdout when omitted */
  logStream?: { write(line: string): void };
  /** the sandbox `serve` embeds as the upstream, if any: linked from `GET /` and named when Twilio answers 401 */
  sandboxUrl?: string;
  /** clock for throttling */
  now?: () => number;
  /** list the trigger operations in /swagger.json, /openapi.json and /docs (when the plugins serve them) */
  publishTriggers?: boolean;
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'password',
  '*.password',
  'authToken',
  '*.authToken',
];

declare module 'fastify' {
  interface FastifyInstance {
    /** whether an account has status subscriptions; the triggers plugin attaches its store */
    statusWatch: StatusWatch;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

export function buildConnector(config: ConnectorConfig, deps: ConnectorDeps = {}): FastifyInstance {
  const upstreamUrl = deps.upstreamUrl ?? config.twilioBaseUrl ?? 'https://api.twilio.com';
  // stdout is written without blocking the event loop: lines are buffered and flushed in the background
  const destination =
    config.logLevel === 'silent' || deps.logStream !== undefined
      ? undefined
      : pino.destination({ dest: 1, sync: false });
  const logger: FastifyServerOptions['logger'] =
    config.logLevel === 'silent'
      ? false
      : {
          level: config.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          ...(deps.logStream !== undefined ? { stream: deps.logStream } : destination ? { stream: destination } : {}),
        };
  const app = Fastify({
    logger,
    // one access line per request (onResponse below) instead of Fastify's two, which also carry the
    // query string: callback and forward URLs must not reach the logs
    logController: new LogController({ disableRequestLogging: true }),
    // a client must send its headers, then its whole request, within these; idle keep-alive sockets
    // close after keepAliveTimeout (Fastify's default)
    requestTimeout: REQUEST_TIMEOUT_MS,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { allErrors: false } },
    // "Field to must be an E.164 phone number such as +14155552671" rather than ajv's "must match
    // pattern …": the message names the field and what it must look like (toApiError words the subject)
    schemaErrorFormatter: (errors, dataVar) => new Error(formatValidationErrors(errors, dataVar)),
    // malformed URLs and the like fail before routing: they get the same envelope
    frameworkErrors: (error, request, reply) => {
      const apiError = new ApiError(
        'VALIDATION_FAILED',
        error.code === 'FST_ERR_BAD_URL' ? 'The URL is malformed' : 'The request could not be read',
      );
      void send(reply, formatOf(request), apiError.status, 'error', envelope(apiError, request.id));
    },
  });

  app.server.headersTimeout = HEADERS_TIMEOUT_MS;

  // a connection that cannot be made within the upstream timeout fails as unreachable (nothing was sent)
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 256, connect: { timeout: config.upstreamTimeout } });
  const metrics = new Metrics();
  const makeClient =
    deps.clientFactory ??
    ((c: Connection): UpstreamClient =>
      new TwilioClient(
        { accountSid: c.accountSid, username: c.username, password: c.password },
        { baseUrl: upstreamUrl, dispatcher: agent, timeoutMs: config.upstreamTimeout },
      ));
  // one client per connection rather than per call; authenticate() keeps a connection's identity
  // while its credentials are in use, and a client is dropped with its connection
  const clients = new WeakMap<Connection, UpstreamClient>();
  const clientFor = (c: Connection): UpstreamClient => {
    let client = clients.get(c);
    if (client === undefined) clients.set(c, (client = makeClient(c)));
    return client;
  };
  const idempotencyStore = deps.store ?? new MemoryIdempotencyStore();
  const verifier = new ConnectionVerifier(async (c) => {
    await clientFor(c).request('GET', accountPath(c.accountSid));
  });
  const shared = trust(
    {
      // a refusal names where the embedded sandbox shows its credentials, as the actions' 401 does
      verify: (c) =>
        verifier.verify(c).catch((err: unknown) => {
          throw withSandboxHint(fromUpstream(err), deps.sandboxUrl);
        }),
    },
    () => idempotencyStore.sharedKey(),
  );
  app.decorate('trust', shared);
  const ctx: RouteContext = {
    config,
    clientFor,
    trust: shared,
    throttle: new Throttle(config.throttleLimit, config.throttleWindow, deps.now),
    // a duplicate waits at most as long as the first send may take, with its retries; a claim whose
    // process died is leased for far longer than any live send
    idempotency: new Idempotency(idempotencyStore, {
      waitMs: config.upstreamTimeout * 2,
      leaseMs: idempotencyLeaseMs(config.upstreamTimeout),
    }),
    metrics,
    statusWatch: new StatusWatch(),
    upstreamError: (err) => withSandboxHint(fromUpstream(err), deps.sandboxUrl),
  };
  app.decorate('statusWatch', ctx.statusWatch);

  // a text/plain body is what fetch() labels a JSON string with; parsed as text it would fail as "not
  // an object": refused instead, the 415 says which Content-Type to send
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    // `curl -d '{…}'` labels JSON as form data: read as a form it would be one odd field and a
    // misleading "Field to is required"
    if (/^\s*[[{]/.test(body as string)) {
      done(
        new ApiError(
          'BODY_INVALID',
          'The body is JSON but its Content-Type says form data (what curl -d sends): add the header Content-Type: application/json',
        ),
      );
      return;
    }
    // a Map, then own properties: a field named `__proto__` stays a field
    const fields = new Map<string, string | string[]>();
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = fields.get(k);
      fields.set(k, prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]);
    }
    done(null, Object.fromEntries(fields));
  });

  // A DELETE carries no body here (Logic Apps and Power Automate unsubscribe with whatever headers
  // their HTTP stack adds, often `Content-Type: application/json` and nothing else): forget the
  // body's headers so no parser runs and an empty or stray body never fails the call. GET and HEAD
  // bodies are never parsed.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'DELETE') {
      delete request.headers['content-type'];
      delete request.headers['content-length'];
      delete request.headers['transfer-encoding'];
    }
    done();
  });

  // headers help when debugging a workflow's calls; the redaction above keeps credentials out.
  // Only registered when debug lines are written: every hook costs each request a little.
  if (config.logLevel === 'debug' || config.logLevel === 'trace') {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.debug({ headers: request.headers }, 'request headers');
      done();
    });
  }

  // answers finished during shutdown close their connection, or an idle keep-alive socket would
  // hold the process open until its timeout
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  const access = logger !== false && ['trace', 'debug', 'info'].includes(config.logLevel);
  app.addHook('onResponse', (request, reply, done) => {
    const operation = request.routeOptions.config.operation ?? request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(operation, reply.statusCode, reply.elapsedTime / 1000);
    if (access) {
      // the route pattern, never the URL: query strings carry cursors, forward tokens and signatures
      request.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          operation,
        },
        'request',
      );
    }
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? unsupportedMediaType(request.headers['content-type'])
        : toApiError(error);
    if (apiError.code === 'INTERNAL') request.log.error({ err: error }, 'unexpected error');
    else if (apiError.status >= 500) request.log.warn({ code: apiError.code, err: error }, 'upstream failure');
    for (const [k, v] of Object.entries(apiError.headers)) void reply.header(k, v);
    return send(reply, formatOf(request), apiError.status, 'error', envelope(apiError, request.id));
  });

  const methodsByUrl = new Map<string, Set<string>>();
  let recording = true;
  app.addHook('onRoute', (route) => {
    if (!recording) return;
    let set = methodsByUrl.get(route.url);
    if (!set) methodsByUrl.set(route.url, (set = new Set()));
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) set.add(m);
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new ApiError(
      'NOT_FOUND',
      `No connector operation at ${request.method} ${request.url.split('?', 1)[0] ?? ''}`,
    );
    return send(reply, formatOf(request), 404, 'error', envelope(err, request.id));
  });

  app.get('/health', { config: { operation: 'Health' } }, () => ({
    status: 'ok',
    upstream: new URL(upstreamUrl).origin,
  }));
  app.get('/metrics', { config: { operation: 'Metrics' } }, (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );

  registerIndexPage(app, config, deps.sandboxUrl);
  registerDefinitionRoutes(app, {
    publicUrl: config.publicUrl,
    ...(deps.publishTriggers === true ? { triggers: true } : {}),
  });
  registerMessages(app, ctx);
  registerIncomingPhoneNumbers(app, ctx);
  registerAvailablePhoneNumbers(app, ctx);
  registerUsage(app, ctx);
  registerContentTemplates(app, ctx);

  void app.after(() => {
    recording = false;
    for (const [url, methods] of methodsByUrl) {
      const others = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => !methods.has(m));
      if (others.length === 0 || (!methods.has('GET') && !methods.has('POST'))) continue;
      app.route({
        method: [...others],
        url,
        config: { operation: 'MethodNotAllowed' },
        handler: (request) => {
          throw new ApiError(
            'METHOD_NOT_ALLOWED',
            `${request.method} is not supported here; use ${[...methods].filter((m) => m !== 'HEAD').join(' or ')}`,
            {
              headers: { allow: [...methods].join(', ') },
            },
          );
        },
      });
    }
  });

  for (const plugin of deps.plugins ?? []) void app.register(plugin);

  app.addHook('onClose', async () => {
    await agent.close();
    destination?.flushSync();
  });
  return app;
}

/** A body the connector cannot read: the message says which header to send. */
function unsupportedMediaType(contentType: string | undefined): ApiError {
  if (contentType === undefined || contentType.trim() === '') {
    return new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'The request has a body but no Content-Type header: send JSON with Content-Type: application/json (or form data)',
    );
  }
  const type = contentType.split(';', 1)[0]!.trim().slice(0, 80);
  return new ApiError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Type ${type} is not accepted: send JSON with Content-Type: application/json (or form data)`,
  );
}

/** Every thrown thing becomes an ApiError; Fastify's own 4xx errors get their catalog code. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as Partial<FastifyError> & { validation?: unknown };
  if (e.validation !== undefined && typeof e.message === 'string') {
    return new ApiError(
      'VALIDATION_FAILED',
      e.message
        .replace(/^querystring\./, 'Query parameter ')
        .replace(/^params\./, 'Path parameter ')
        .replace(/^headers\./, 'Header ')
        .replace(/^body\./, 'Field ')
        .replace(/^body /, 'The body ')
        .replace(/^querystring /, 'The query ')
        .replace(/^params /, 'The path '),
    );
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json (or form data)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('BODY_INVALID', 'The request says it is JSON but the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('BODY_INVALID', 'The request body is not valid JSON');
    default:
      break;
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 404) return new ApiError('NOT_FOUND', 'Not found');
    if (e.statusCode === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (e.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
    return new ApiError('BODY_INVALID', 'The request could not be read');
  }
  const translated = fromUpstream(error);
  return translated.code === 'INTERNAL' ? internal(error) : translated;
}
