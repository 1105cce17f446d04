// What a route of Twilio's own API receives and returns, on both of its surfaces: the 2010 API
// (`/2010-04-01`, JSON or XML by suffix) and the v1 products (`/v1/…`, JSON only). Reading the
// request here (credentials, the account in the path, form and query) is the one Twilio auth path.
import type { FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../auth.js';
import type { SandboxContext } from '../context.js';
import type { AccountRow } from '../store/accounts.js';
import { notFound } from '../twilio-wire/errors.js';
import { formatOf, splitUrl } from '../twilio-wire/reply.js';
import type { Format, Representation } from '../twilio-wire/wire.js';

export const API_PREFIX = '/2010-04-01';

export interface TwilioRequest {
  account: AccountRow;
  principal: Principal;
  /** path parameters (on the 2010 API with any `.json`/`.xml` suffix removed) */
  params: Record<string, string>;
  query: URLSearchParams;
  form: URLSearchParams;
  /** the format of the answer: by suffix on the 2010 API, always JSON on v1 */
  format: Format;
  /** request path without the query string, as the client sent it */
  path: string;
  /** the same path with `.json` on the 2010 API (what URIs in representations use); the path on v1 */
  jsonPath: string;
  raw: FastifyRequest;
}

/** A 2010 answer: a Representation (200), one with its status, or null for 204. */
export type TwilioResult = Representation | { status: number; rep: Representation } | null;
export type TwilioHandler = (req: TwilioRequest) => TwilioResult | Promise<TwilioResult>;

/** A v1 answer: the JSON body with its status, or null for 204. */
export type V1Result = { status: number; body: unknown } | null;
export type V1Handler = (req: TwilioRequest) => V1Result | Promise<V1Result>;

const SUFFIX = /\.(json|xml)$/;

/**
 * Authenticates a Twilio API request and reads it. A path naming another account than the
 * credentials' is a 404, as Twilio answers it. Throws TwilioRestError.
 */
export function readTwilioRequest(ctx: SandboxContext, request: FastifyRequest, api2010: boolean): TwilioRequest {
  const { path, search } = splitUrl(request.url);
  const principal = authenticate(ctx.db, request.headers.authorization);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.params as Record<string, string>)) {
    params[k] = api2010 && (v.endsWith('.json') || v.endsWith('.xml')) ? v.replace(SUFFIX, '') : v;
  }
  const accountSid = params['AccountSid'];
  if (accountSid !== undefined && accountSid !== principal.account.sid) throw notFound(path);
  return {
    account: principal.account,
    principal,
    params,
    query: new URLSearchParams(search),
    form: request.body instanceof URLSearchParams ? request.body : new URLSearchParams(),
    format: api2010 ? formatOf(path) : 'json',
    path,
    jsonPath: !api2010 ? path : SUFFIX.test(path) ? path.replace(SUFFIX, '.json') : `${path}.json`,
    raw: request,
  };
}
