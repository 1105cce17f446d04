// The sandbox is a local tool, and every web page the developer visits can send requests to it.
// This guard, run before any route, keeps those pages out: it answers only to the sandbox's own
// host names (so DNS rebinding reads nothing), refuses control requests a foreign page could send
// (simple cross-site requests, foreign Origin), and, when --ui-auth is set, asks HTTP Basic for the
// inbox, its event stream and the control API. Twilio's own paths keep Twilio's behaviour: their
// account credentials are their protection.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { parseBasic } from './auth.js';
import type { SandboxConfig } from './config.js';
import { surfaceOf } from './routes/table.js';
import { TwilioRestError } from './twilio-wire/errors.js';
import { sendErrorFor, splitUrl } from './twilio-wire/reply.js';

/** The header a script sends to make a form or body-less control request non-simple. */
export const CONTROL_HEADER = 'x-sandbox-request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WILDCARDS = new Set(['0.0.0.0', '[::]']);
const CROSS_SITE = new Set(['cross-site', 'same-site']);
const HOST_CACHE_SIZE = 1000;

const HOW_TO_SEND =
  "Send a JSON body (Content-Type: application/json), or add the header X-Sandbox-Request: 1 to a form or body-less request (curl: -H 'X-Sandbox-Request: 1')";

/** The host part of a Host header or host value, lower-cased, without port or trailing dot. */
export function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end < 0 ? v : v.slice(0, end + 1);
  }
  // a bare IPv6 address (a --host value) gets the brackets a Host header would carry
  if (isIP(v) === 6) return `[${v}]`;
  const colon = v.lastIndexOf(':');
  const name = colon < 0 ? v : v.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function isLoopback(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || (isIP(name) === 4 && name.startsWith('127.'));
}

/** Is the sandbox bound to an address other than loopback? (Then its port is reachable from elsewhere.) */
export function isExposed(host: string): boolean {
  return !isLoopback(hostName(host));
}

/** One stderr line for a sandbox bound wider than loopback, or undefined when it is not. */
export function exposureWarning(host: string, uiAuth: unknown, flag = '--ui-auth'): string | undefined {
  if (!isExposed(host)) return undefined;
  const protection =
    uiAuth === undefined
      ? `anyone who can reach it can read every message and the auth token and change the sandbox's state; protect the inbox and control API with ${flag} user:password (SANDBOX_UI_AUTH), or bind to 127.0.0.1`
      : `the inbox and control API ask for the ${flag} password and Twilio API paths for the account's credentials, over plain HTTP: use it on networks you trust`;
  return `warning: the sandbox listens on ${host}, not only on this machine: ${protection}\n`;
}

/** This machine's own addresses, as Host headers name them. */
function ownAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.add(a.family === 'IPv6' ? `[${a.address.toLowerCase()}]` : a.address);
  }
  return out;
}

/**
 * Which Host headers the sandbox answers to: loopback names, its --host value, the host of
 * --public-url, --allowed-hosts, and, when bound to every interface, this machine's addresses.
 */
export function hostPolicy(
  config: Pick<SandboxConfig, 'host' | 'allowedHosts' | 'publicUrl'>,
): (host: string) => boolean {
  const names = new Set<string>([hostName(config.host), ...config.allowedHosts.map(hostName)]);
  if (config.publicUrl !== undefined) names.add(hostName(new URL(config.publicUrl).host));
  const wildcard = WILDCARDS.has(hostName(config.host));
  const verdicts = new Map<string, boolean>();
  const remember = (header: string, ok: boolean): boolean => {
    if (verdicts.size >= HOST_CACHE_SIZE) verdicts.clear();
    verdicts.set(header, ok);
    return ok;
  };
  return (header) => {
    const known = verdicts.get(header);
    if (known !== undefined) return known;
    const name = hostName(header);
    if (isLoopback(name) || names.has(name)) return remember(header, true);
    if (!wildcard || isIP(name.replace(/^\[|\]$/g, '')) === 0) return remember(header, false);
    // interfaces come and go (Wi-Fi, VPN): an address not known yet is looked up again next time
    const own = ownAddresses().has(name);
    return own ? remember(header, true) : false;
  };
}

/** Compares secrets in time that does not depend on where they differ, nor on their lengths. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** What a control request must not be: simple (a form a page can post), or sent by another site. */
function crossSiteRefusal(request: FastifyRequest, publicHost: string | undefined): string | undefined {
  const h = request.headers;
  const site = h['sec-fetch-site'];
  if (typeof site === 'string' && CROSS_SITE.has(site.toLowerCase())) {
    return `Refused: the browser says this request comes from another site (Sec-Fetch-Site: ${site}); the sandbox takes control requests only from its own pages and from tools`;
  }
  const origin = h.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = undefined;
    }
    // the page's own address, as the browser reached it directly or through the proxy at --public-url
    if (originHost === undefined || (originHost !== (h.host ?? '').toLowerCase() && originHost !== publicHost)) {
      return `Refused: a page from ${origin} may not change the sandbox; it takes control requests only from its own pages and from tools`;
    }
  }
  const type = h['content-type'];
  const json = typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type);
  if (!json && h[CONTROL_HEADER] !== '1') {
    return `Refused: a control request must not be one any web page could send. ${HOW_TO_SEND}`;
  }
  return undefined;
}

function refuse(reply: FastifyReply, path: string, err: TwilioRestError): void {
  void sendErrorFor(reply, path, err);
}

/** The onRequest hook; registered before every route. */
export function requestGuard(config: SandboxConfig): onRequestHookHandler {
  const acceptsHost = hostPolicy(config);
  const publicHost = config.publicUrl === undefined ? undefined : new URL(config.publicUrl).host.toLowerCase();
  const expected = config.uiAuth === undefined ? undefined : `${config.uiAuth.user}:${config.uiAuth.password}`;
  return (request, reply, done) => {
    const { path } = splitUrl(request.url);
    const host = request.headers.host;
    if (host === undefined || !acceptsHost(host)) {
      return refuse(
        reply,
        path,
        new TwilioRestError(
          403,
          20403,
          `Refused: the sandbox does not answer to the host name ${JSON.stringify(hostName(host ?? ''))}. ` +
            'Use http://127.0.0.1 or localhost, or start it with --allowed-hosts NAME (SANDBOX_ALLOWED_HOSTS) to reach it by that name',
        ),
      );
    }
    // the surface the route table declared the matched route on, not the raw URL, so an encoded
    // path (/%5Fsandbox/…) is judged as what it reaches
    const surface = surfaceOf(request);
    if (surface === undefined) return done();
    const control = surface === 'control';
    if (control && !SAFE_METHODS.has(request.method)) {
      const why = crossSiteRefusal(request, publicHost);
      if (why !== undefined) return refuse(reply, path, new TwilioRestError(403, 20403, why));
    }
    if (expected !== undefined && (control || surface === 'page')) {
      const creds = parseBasic(request.headers.authorization);
      if (creds === undefined || !sameSecret(`${creds.user}:${creds.pass}`, expected)) {
        return refuse(
          reply,
          path,
          new TwilioRestError(401, 20003, 'The sandbox inbox asks for the user and password given with --ui-auth', {
            headers: { 'WWW-Authenticate': 'Basic realm="Twilio sandbox", charset="UTF-8"' },
          }),
        );
      }
    }
    done();
  };
}
