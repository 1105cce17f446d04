// One way to declare a Twilio REST route: the helper registers the `.json`, `.xml` and bare
// variants, authenticates, checks the account in the path, parses form and query, and renders
// the handler's Representation (or Twilio's error) in the requested format.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../auth.js';
import type { SandboxContext } from '../context.js';
import type { AccountRow } from '../store/accounts.js';
import { TwilioRestError, notFound } from '../twilio-wire/errors.js';
import { render, type Format, type Representation } from '../twilio-wire/wire.js';
import { formatOf, sendTwilioError, splitUrl } from '../twilio-wire/reply.js';

export const API_PREFIX = '/2010-04-01';

export interface TwilioRequest {
  account: AccountRow;
  principal: Principal;
  /** path parameters with any `.json`/`.xml` suffix removed */
  params: Record<string, string>;
  query: URLSearchParams;
  form: URLSearchParams;
  format: Format;
  /** request path without the query string, as the client sent it */
  path: string;
  /** the same path with `.json` (what URIs in representations use) */
  jsonPath: string;
  raw: FastifyRequest;
}

export type TwilioResult = Representation | { status: number; rep: Representation } | null;
export type TwilioHandler = (req: TwilioRequest) => TwilioResult | Promise<TwilioResult>;
export type Method = 'GET' | 'POST' | 'DELETE';

const SUFFIX = /\.(json|xml)$/;

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The `Allow` header of a 405 (RFC 9110 requires one): the resource's methods, HEAD with GET
 * (answered like GET), and OPTIONS (CORS preflight answers it on every API path).
 */
function allowHeader(methods: Iterable<string>): string {
  const all = new Set<string>(methods);
  if (all.has('GET')) all.add('HEAD');
  all.add('OPTIONS');
  return METHOD_ORDER.filter((m) => all.has(m)).join(', ');
}

/** Twilio's 405 for a method the resource does not have. */
export function methodNotAllowed(methods: Iterable<string>): TwilioRestError {
  return new TwilioRestError(405, 20004, 'Method not allowed', { headers: { Allow: allowHeader(methods) } });
}

/** Registry of declared patterns and their methods, so other methods can answer 405. */
export class TwilioRoutes {
  private readonly methods = new Map<string, Set<Method>>();

  private readonly app: FastifyInstance;
  private readonly ctx: SandboxContext;

  constructor(app: FastifyInstance, ctx: SandboxContext) {
    this.app = app;
    this.ctx = ctx;
  }

  /** `pattern` is relative to /2010-04-01, e.g. `/Accounts/:AccountSid/Messages/:Sid`. */
  add(method: Method, pattern: string, handler: TwilioHandler): void {
    const full = API_PREFIX + pattern;
    const segments = pattern.split('/');
    const lastIsParam = (segments[segments.length - 1] ?? '').startsWith(':');
    const urls = lastIsParam ? [full] : [`${full}.json`, `${full}.xml`, full];
    for (const url of urls) {
      let set = this.methods.get(url);
      if (!set) this.methods.set(url, (set = new Set()));
      set.add(method);
      this.app.route({ method, url, handler: (request, reply) => this.handle(request, reply, handler) });
    }
  }

  /** Registers 405 answers for the methods a declared path does not support. Call once, last. */
  finish(): void {
    for (const [url, methods] of this.methods) {
      const others = (['GET', 'POST', 'DELETE', 'PUT', 'PATCH'] as const).filter((m) => !methods.has(m as Method));
      if (others.length === 0) continue;
      this.app.route({
        method: [...others],
        url,
        handler: (request, reply) => {
          const { path } = splitUrl(request.url);
          return sendTwilioError(reply, methodNotAllowed(methods), formatOf(path));
        },
      });
    }
  }

  /** Answers a synchronous handler at once, and a handler's promise when it settles, through the same code. */
  private handle(
    request: FastifyRequest,
    reply: FastifyReply,
    handler: TwilioHandler,
  ): FastifyReply | Promise<FastifyReply> {
    const { path, search } = splitUrl(request.url);
    const format = formatOf(path);
    try {
      const principal = authenticate(this.ctx.db, request.headers.authorization);
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.params as Record<string, string>)) {
        params[k] = v.endsWith('.json') || v.endsWith('.xml') ? v.replace(SUFFIX, '') : v;
      }
      const accountSid = params['AccountSid'];
      if (accountSid !== undefined && accountSid !== principal.account.sid) throw notFound(path);
      const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
      const jsonPath = SUFFIX.test(path) ? path.replace(SUFFIX, '.json') : `${path}.json`;
      if (request.method !== 'GET') this.ctx.writes.join();
      const out = handler({
        account: principal.account,
        principal,
        params,
        query: new URLSearchParams(search),
        form,
        format,
        path,
        jsonPath,
        raw: request,
      });
      if (out instanceof Promise) {
        return out
          .then((result) => this.answer(reply, result, format))
          .catch((err: unknown) => this.fail(reply, err, format));
      }
      return this.answer(reply, out, format);
    } catch (err) {
      return this.fail(reply, err, format);
    }
  }

  private answer(reply: FastifyReply, result: TwilioResult, format: Format): FastifyReply {
    if (result === null) return reply.code(204).send();
    const { status, rep } = 'rep' in result ? result : { status: 200, rep: result };
    const { body, contentType } = render(rep, format);
    return reply.code(status).type(contentType).send(body);
  }

  private fail(reply: FastifyReply, err: unknown, format: Format): FastifyReply {
    if (err instanceof TwilioRestError) return sendTwilioError(reply, err, format);
    // an unexpected failure may have left a write half-done: the turn's writes go with it
    this.ctx.writes.abort(err);
    throw err;
  }
}
