// Builds the sandbox: a Fastify app serving Twilio's 2010 API subset, Messaging Services (v1),
// the /_sandbox control API and the inbox UI, over one SQLite database. Does not listen: see
// startSandbox() for that.
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import type { SandboxContext, SandboxCore, SandboxParts, Service } from './context.js';
import { LifecycleEngine } from './lifecycle/engine.js';
import { registerRealism } from './realism/index.js';
import { RetentionPruner } from './realism/retention.js';
import { SandboxEvents } from './events.js';
import { EventStreams } from './event-streams/streams.js';
import { requestGuard } from './guard.js';
import { bootstrapAccount, ensureStartNumber, type AccountRow } from './store/accounts.js';
import { startCheckpointer } from './store/checkpointer.js';
import { openDb } from './store/db.js';
import { GroupCommit } from './store/group-commit.js';
import { products } from './products.js';
import { RouteTable } from './routes/table.js';
import { TwilioRestError } from './twilio-wire/errors.js';
import { sendErrorFor, splitUrl } from './twilio-wire/reply.js';
import { newSid } from './sids.js';
import { WebhookDispatcher } from './delivery/dispatcher.js';

export interface Sandbox {
  app: FastifyInstance;
  ctx: SandboxContext;
  /** the main account (credentials printed on start) */
  account: AccountRow;
  /** the number the account starts with: the configured one unless another account holds it */
  phoneNumber: string;
  /** listens, then starts the background services; resolves to the base URL */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const TWILIO_HEADERS = {
  'X-Shenanigans': 'none',
  'X-Home-Region': 'us1',
  'X-Api-Domain': 'api.twilio.com',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers':
    'Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, Idempotency-Key',
  'Access-Control-Expose-Headers': 'ETag',
};

const isTwilioPath = (url: string): boolean => url.startsWith('/2010-04-01') || url.startsWith('/v1/');

function clientErrorOf(code: string | undefined): TwilioRestError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new TwilioRestError(431, 20001, 'The request line and headers are too large (16 KiB at most)');
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new TwilioRestError(408, 20001, 'The request took too long to arrive');
  return new TwilioRestError(400, 20001, 'The request is not valid HTTP');
}

/** A whole HTTP response carrying Twilio's JSON error, for a socket no reply object exists for. */
function rawTwilioError(err: TwilioRestError): string {
  const body = JSON.stringify(err.toJSON());
  return (
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

export function buildSandbox(config: SandboxConfig): Sandbox {
  const db = openDb(config.data);
  const clock = new Clock();
  const now = clock.now();
  const { account } = bootstrapAccount(db, { accountSid: config.accountSid, authToken: config.authToken, now });
  const phoneNumber = ensureStartNumber(db, account.sid, config.phoneNumber, now);

  let base = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const writes = new GroupCommit(db);
  const events = new SandboxEvents(writes);
  const streams = new EventStreams(db);
  events.subscribe((e) => {
    if (e.type === 'reset') streams.changed();
  });
  // the logger exists once the app does; a background part cannot fail before it starts, after listen
  let backgroundError: SandboxCore['backgroundError'] = () => {};
  const core: SandboxCore = {
    config,
    db,
    writes,
    clock,
    events,
    streams,
    baseUrl: () => base,
    backgroundError: (part, err) => backgroundError(part, err),
  };
  // The parts keep the context they are built with and use it only once running: they are
  // attached here, before anything else sees the context.
  const ctx = core as SandboxContext;
  const parts: SandboxParts = {
    retention: new RetentionPruner(ctx),
    lifecycle: new LifecycleEngine(ctx),
    webhooks: new WebhookDispatcher(ctx),
  };
  Object.assign(ctx, parts);
  const services: Service[] = [parts.retention, parts.lifecycle, parts.webhooks];

  const requestLogging = config.logLevel === 'debug' || config.logLevel === 'trace';
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : { level: config.logLevel, redact: { paths: ['req.headers.authorization'], censor: '[redacted]' } },
    // a line per request only when asked for (debug, trace): the inbox already shows the traffic,
    // and two log lines per request cost more than the rest of a create. Without them, requests
    // share the root logger instead of getting a child logger each (errors name their request).
    logController: new LogController({ disableRequestLogging: !requestLogging }),
    childLoggerFactory: (logger, bindings, options) => (requestLogging ? logger.child(bindings, options) : logger),
    bodyLimit: 1024 * 1024,
    // a client must send its whole request within this (headers have their own, shorter limit below),
    // so a connection that trickles bytes cannot hold a socket for ever; answers such as the event
    // stream may last as long as they like
    requestTimeout: REQUEST_TIMEOUT_MS,
    genReqId: () => newSid('RQ'),
    routerOptions: { ignoreTrailingSlash: true },
    // Requests Node refuses before Fastify sees them (a request line or headers over Node's
    // 16 KiB, a malformed request): Twilio's error body rather than Node's or Fastify's own.
    clientErrorHandler: (error, socket) => {
      const { code } = error as NodeJS.ErrnoException;
      if (code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.end(rawTwilioError(clientErrorOf(code)));
      else socket.destroy();
    },
    // A path that does not decode (`%ZZ`), or a parameter too long to be any SID, names no
    // resource: Twilio's 404 rather than Fastify's own body. Hooks do not run for these.
    frameworkErrors: (_error, request, reply) => {
      const { path } = splitUrl(request.url);
      if (isTwilioPath(path)) void reply.header('Twilio-Request-Id', request.id).headers(TWILIO_HEADERS);
      void sendErrorFor(reply, path, new TwilioRestError(404, 20404, `The requested resource ${path} was not found`));
    },
  });
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  backgroundError = (part, err) => app.log.error({ err, part }, `${part} failed; trying again shortly`);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, new URLSearchParams(body as string));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // before every route: foreign hosts, cross-site control requests and --ui-auth
  app.addHook('onRequest', requestGuard(config));

  app.addHook('onSend', (request, reply, payload, done) => {
    if (isTwilioPath(request.url)) {
      void reply.header('Twilio-Request-Id', request.id);
      void reply.headers(TWILIO_HEADERS);
    }
    // nobody hears of a write before it is committed
    writes.whenCommitted((err) => (err === undefined ? done(null, payload) : done(err as Error)));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { path } = splitUrl(request.url);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    const message =
      status === 500
        ? 'An internal error occurred'
        : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'Request body is too large'
          : error.message;
    const twilioError = new TwilioRestError(status, status === 413 ? 20001 : status === 500 ? 20500 : 20001, message);
    return sendErrorFor(reply, path, twilioError);
  });

  app.setNotFoundHandler((request, reply) => {
    const { path } = splitUrl(request.url);
    return sendErrorFor(reply, path, new TwilioRestError(404, 20404, `The requested resource ${path} was not found`));
  });

  registerRealism(app, ctx);
  const routes = new RouteTable(app, ctx);
  for (const product of products({ account, phoneNumber })) product(routes, ctx);
  routes.finish();
  // last, so it stops after everything that writes
  if (config.data !== ':memory:') services.push(startCheckpointer(db, config.data));

  let listening = false;
  return {
    app,
    ctx,
    account,
    phoneNumber,
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      listening = true;
      const url = new URL(address);
      if (config.publicUrl === undefined)
        base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${url.port}`;
      for (const service of services) service.start();
      return base;
    },
    async close() {
      for (const service of services) await service.stop();
      if (listening) await app.close();
      else await app.close();
      writes.close();
      db.close();
    },
  };
}
