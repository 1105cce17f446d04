// The sandbox's one route table. Every route it serves is declared here, on one of four surfaces:
// the 2010 API, the v1 products, the control API (/_sandbox) and the inbox. Each surface decides
// once, for all of its routes, what the routes themselves would otherwise each decide: the URL
// variants, authentication, the answer's format, the 405 with `Allow`, and how an error is
// answered. A product (a group of routes) is one file exporting a `Product`; products.ts lists them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { TwilioRestError } from '../twilio-wire/errors.js';
import { sendErrorFor, splitUrl } from '../twilio-wire/reply.js';
import { render } from '../twilio-wire/wire.js';
import {
  API_PREFIX,
  readTwilioRequest,
  type TwilioHandler,
  type TwilioRequest,
  type TwilioResult,
  type V1Handler,
  type V1Result,
} from './twilio.js';

/**
 * - `api2010`: Twilio's 2010 API; `.json`, `.xml` and bare paths; Twilio credentials; joins the
 *   turn's group commit when it writes.
 * - `v1`: Twilio's v1 products (`/v1/…`): JSON only; otherwise as `api2010`.
 * - `control`: the sandbox's own API (`/_sandbox/…`); the request guard protects it.
 * - `page`: the inbox's page and files; the request guard protects them.
 */
export type Surface = 'api2010' | 'v1' | 'control' | 'page';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A control or inbox handler, as Fastify calls it: return the JSON body, or answer through
 * `reply`. Throw a TwilioRestError for an error answer.
 */
export type PlainHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;

/** One product's routes: declared on the table it is given, with the context they use. */
export type Product = (routes: RouteTable, ctx: SandboxContext) => void;

// What a route carries for the hooks in front of it: the request guard reads `surface`.
declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: Surface;
  }
}

/** The surface of the route a request matched, or undefined when it matched none (a 404). */
export function surfaceOf(request: FastifyRequest): Surface | undefined {
  return request.routeOptions.config?.surface;
}

const TWILIO_SURFACES: ReadonlySet<Surface> = new Set(['api2010', 'v1']);
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The `Allow` header of a 405 (RFC 9110 requires one): the resource's methods, HEAD with GET
 * (answered like GET), and on Twilio's paths OPTIONS (CORS preflight answers it there).
 */
function allowHeader(methods: Iterable<string>, surface: Surface): string {
  const all = new Set<string>(methods);
  if (all.has('GET')) all.add('HEAD');
  if (TWILIO_SURFACES.has(surface)) all.add('OPTIONS');
  return METHOD_ORDER.filter((m) => all.has(m)).join(', ');
}

/** Twilio's 405 for a method the resource does not have. */
export function methodNotAllowed(methods: Iterable<string>, surface: Surface): TwilioRestError {
  return new TwilioRestError(405, 20004, 'Method not allowed', {
    headers: { Allow: allowHeader(methods, surface) },
  });
}

/** Which paths each surface may declare, so the guard's reading of a surface is never wrong. */
function checkPath(surface: Surface, url: string): void {
  const ok =
    surface === 'api2010'
      ? url.startsWith(`${API_PREFIX}/`)
      : surface === 'v1'
        ? url.startsWith('/v1/')
        : surface === 'control'
          ? url.startsWith('/_sandbox/')
          : !url.startsWith(`${API_PREFIX}/`) && !url.startsWith('/v1/') && !url.startsWith('/_sandbox/');
  if (!ok) throw new Error(`route ${url} cannot be declared on the ${surface} surface`);
}

export class RouteTable {
  private readonly app: FastifyInstance;
  private readonly ctx: SandboxContext;
  private readonly declared = new Map<string, { surface: Surface; methods: Set<Method> }>();

  constructor(app: FastifyInstance, ctx: SandboxContext) {
    this.app = app;
    this.ctx = ctx;
    // a route added around the table would have no surface, so the request guard would not know
    // to protect it: refuse it when the sandbox is built
    app.addHook('onRoute', (route) => {
      if (route.config?.surface === undefined) {
        throw new Error(`route ${String(route.method)} ${route.url} must be declared on the route table`);
      }
    });
  }

  /** A 2010 API route; `pattern` is relative to /2010-04-01, e.g. `/Accounts/:AccountSid/Messages/:Sid`. */
  api2010(method: Method, pattern: string, handler: TwilioHandler): void {
    const full = API_PREFIX + pattern;
    const lastIsParam = pattern.slice(pattern.lastIndexOf('/') + 1).startsWith(':');
    // a trailing parameter takes its suffix with it (`:Sid` matches `SM….json`)
    const urls = lastIsParam ? [full] : [`${full}.json`, `${full}.xml`, full];
    for (const url of urls) {
      this.declare('api2010', method, url, (request, reply) =>
        this.twilio(request, reply, true, handler, (result, req) => answer2010(reply, result, req)),
      );
    }
  }

  /** A v1 product route, e.g. `/v1/Services/:Sid`. */
  v1(method: Method, path: string, handler: V1Handler): void {
    this.declare('v1', method, path, (request, reply) =>
      this.twilio(request, reply, false, handler, (result) => answerV1(reply, result)),
    );
  }

  /** A control API route, e.g. `/_sandbox/settings`. */
  control(method: Method, path: string, handler: PlainHandler): void {
    this.declare('control', method, path, (request, reply) => this.plain(request, reply, handler));
  }

  /** An inbox route: its page and its files. */
  page(method: Method, path: string, handler: PlainHandler): void {
    this.declare('page', method, path, (request, reply) => this.plain(request, reply, handler));
  }

  /** Work to do when the server closes, before it waits for open connections (event streams). */
  beforeClose(hook: () => void): void {
    this.app.addHook('preClose', (done) => {
      hook();
      done();
    });
  }

  /**
   * Registers what the declarations imply: a 405 with `Allow` for every method a declared path
   * lacks, and the CORS preflight of Twilio's paths. Call once, after every product.
   */
  finish(): void {
    for (const [url, { surface, methods }] of this.declared) {
      const others = METHODS.filter((m) => !methods.has(m));
      if (others.length === 0) continue;
      const config = { surface };
      this.app.route({
        method: [...others],
        url,
        config,
        handler: (request, reply) =>
          sendErrorFor(reply, splitUrl(request.url).path, methodNotAllowed(methods, surface)),
      });
    }
    // CORS preflight: the answer is the Access-Control-* headers every Twilio path carries; a
    // browser sends no credentials with it, so it needs none
    for (const [prefix, surface] of [
      [API_PREFIX, 'api2010'],
      ['/v1', 'v1'],
    ] as const) {
      const config = { surface };
      this.app.route({
        method: 'OPTIONS',
        url: `${prefix}/*`,
        config,
        handler: (_request, reply) => reply.code(204).send(),
      });
    }
  }

  private declare(
    surface: Surface,
    method: Method,
    url: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ): void {
    checkPath(surface, url);
    let entry = this.declared.get(url);
    if (!entry) this.declared.set(url, (entry = { surface, methods: new Set() }));
    if (entry.methods.has(method)) throw new Error(`route ${method} ${url} is declared twice`);
    entry.methods.add(method);
    const config = { surface };
    this.app.route({ method, url, config, handler });
  }

  /** A Twilio route: read and authenticated here, answered synchronously or when its promise settles. */
  private twilio<R>(
    request: FastifyRequest,
    reply: FastifyReply,
    api2010: boolean,
    handler: (req: TwilioRequest) => R | Promise<R>,
    answer: (result: R, req: TwilioRequest) => FastifyReply,
  ): FastifyReply | Promise<FastifyReply> {
    try {
      const req = readTwilioRequest(this.ctx, request, api2010);
      if (request.method !== 'GET') this.ctx.writes.join();
      const out = handler(req);
      if (out instanceof Promise) {
        return out.then((result) => answer(result, req)).catch((err: unknown) => this.fail(request, reply, err));
      }
      return answer(out, req);
    } catch (err) {
      return this.fail(request, reply, err);
    }
  }

  private plain(request: FastifyRequest, reply: FastifyReply, handler: PlainHandler): unknown {
    try {
      const out = handler(request, reply);
      if (out instanceof Promise) return out.catch((err: unknown) => this.fail(request, reply, err));
      return out;
    } catch (err) {
      return this.fail(request, reply, err);
    }
  }

  /**
   * The one error path of declared routes: Twilio's error shape in the format the path asks for.
   * An unexpected failure may have left a write half-done: the turn's writes go with it, and
   * Fastify's error handler answers the 500.
   */
  private fail(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
    if (err instanceof TwilioRestError) return sendErrorFor(reply, splitUrl(request.url).path, err);
    this.ctx.writes.abort(err);
    throw err;
  }
}

function answer2010(reply: FastifyReply, result: TwilioResult, req: TwilioRequest): FastifyReply {
  if (result === null) return reply.code(204).send();
  const { status, rep } = 'rep' in result ? result : { status: 200, rep: result };
  const { body, contentType } = render(rep, req.format);
  return reply.code(status).type(contentType).send(body);
}

function answerV1(reply: FastifyReply, result: V1Result): FastifyReply {
  if (result === null) return reply.code(204).send();
  return reply.code(result.status).type('application/json; charset=utf-8').send(JSON.stringify(result.body));
}
