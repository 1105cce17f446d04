// The one policy for every URL the connector calls on someone's behalf (trigger callbacks, a
// caller's forwarded status callback). The connector sits on a public address and takes these URLs
// from its callers, so without a policy it could be steered at cloud metadata services, link-local
// or private networks behind it. Checked twice: when the URL is given (a clear 400 naming the
// rule), and on the address actually connected to, after DNS, so a name that later resolves
// elsewhere (DNS rebinding) is refused all the same.
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP, type AddressInfo, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { boundedLookup } from './bounded-lookup.js';

/** Why an address is refused; `always` kinds are refused whatever the configuration. */
export type AddressKind =
  | 'metadata'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'unique-local';

export type OutboundRule = 'scheme' | 'userinfo' | AddressKind;

const ALWAYS: ReadonlySet<AddressKind> = new Set(['metadata', 'link-local', 'unspecified', 'multicast', 'reserved']);

const DESCRIBED: Record<AddressKind, string> = {
  metadata: 'a cloud metadata address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified ("this network") address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  loopback: 'a loopback address',
  private: 'a private address',
  shared: 'a carrier-grade NAT (shared) address',
  'unique-local': 'a unique-local IPv6 address',
};

/** [network, prefix length, kind]; the first match wins, so narrow entries come first. */
const V4: readonly [string, number, AddressKind][] = [
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OCI, DigitalOcean…
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud
  ['168.63.129.16', 32, 'metadata'], // Azure's WireServer
  ['192.0.0.192', 32, 'metadata'], // Oracle Cloud
  ['169.254.0.0', 16, 'link-local'],
  ['0.0.0.0', 8, 'unspecified'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['192.0.0.0', 24, 'private'], // IETF protocol assignments, never a public service
  ['198.18.0.0', 15, 'private'], // benchmarking networks
  ['100.64.0.0', 10, 'shared'],
];

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const V4_RANGES = V4.map(([net, bits, kind]) => ({
  net: v4Number(net),
  mask: bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0,
  kind,
}));

function classifyV4(ip: string): AddressKind | undefined {
  const n = v4Number(ip);
  return V4_RANGES.find((r) => (n & r.mask) >>> 0 === r.net)?.kind;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included); undefined when malformed. */
function v6Groups(ip: string): number[] | undefined {
  let text = ip.split('%', 1)[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (isIP(dotted[1]!) !== 4) return undefined;
    const n = v4Number(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const parse = (s: string): number[] =>
    s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const groups = [...head, ...Array<number>(8 - known).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

const embeddedV4 = (hi: number, lo: number): string => `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;

function classifyV6(ip: string): AddressKind | undefined {
  const g = v6Groups(ip);
  if (g === undefined) return 'reserved';
  const [a, b, c, d, e, f, h, i] = g as [number, number, number, number, number, number, number, number];
  const zeroTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && i === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d)
  // and the NAT64 well-known prefix (64:ff9b::a.b.c.d) reach an IPv4 address: judge that one
  if (zeroTo(5) && f === 0xffff) return classifyV4(embeddedV4(h, i));
  if (zeroTo(4) && e === 0xffff && f === 0) return classifyV4(embeddedV4(h, i));
  if (zeroTo(6)) return classifyV4(embeddedV4(h, i));
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyV4(embeddedV4(h, i));
  if (a === 0x64 && b === 0xff9b && c === 1) return 'private'; // local-use NAT64: the operator's own network
  if (a === 0xfd00 && b === 0x0ec2 && c === 0 && d === 0 && e === 0 && f === 0 && h === 0 && i === 0x254) {
    return 'metadata'; // AWS's IPv6 instance metadata endpoint
  }
  // the tunnel forms nest (an ISATAP identifier behind a 6to4 or Teredo prefix), and a relay may
  // carry the connection to any IPv4 address inside: every one is judged, the gravest refusal wins
  const kinds: (AddressKind | undefined)[] = [classifyRest(a)];
  if (a === 0x2002) kinds.push(classifyV4(embeddedV4(b, c))); // 6to4 carries its IPv4 address in bits 16–47
  // Teredo (2001:0::/32) carries its client's IPv4 address inverted in the last 32 bits, and the
  // server's in bits 32–63
  if (a === 0x2001 && b === 0)
    kinds.push(classifyV4(embeddedV4(~h & 0xffff, ~i & 0xffff)), classifyV4(embeddedV4(c, d)));
  // ISATAP interface identifiers (…:0:5efe:a.b.c.d, …:200:5efe:a.b.c.d) name the IPv4 tunnel end
  if ((e & 0xfdff) === 0 && f === 0x5efe) kinds.push(classifyV4(embeddedV4(h, i)));
  return kinds.find((k) => k !== undefined && ALWAYS.has(k)) ?? kinds.find((k) => k !== undefined);
}

/** The kinds told by the first group alone. */
function classifyRest(a: number): AddressKind | undefined {
  if ((a & 0xffc0) === 0xfe80) return 'link-local';
  if ((a & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((a & 0xfe00) === 0xfc00) return 'unique-local';
  if ((a & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** What kind of special address `ip` is, or undefined for an ordinary public one. */
export function classifyAddress(ip: string): AddressKind | undefined {
  const family = isIP(ip.split('%', 1)[0]!);
  if (family === 4) return classifyV4(ip);
  if (family === 6) return classifyV6(ip);
  return 'reserved';
}

export interface OutboundPolicyOptions {
  /** loopback and private ranges are allowed (asked at each check: it may depend on where the connector listens) */
  allowPrivate: () => boolean;
  /** name resolution; the system resolver, bounded (see bounded-lookup.ts), when omitted */
  lookup?: LookupFunction;
}

/** A refusal: the rule broken, the address when one was at fault, and a sentence for the caller. */
export interface OutboundRefusal {
  rule: OutboundRule;
  address?: string;
  message: string;
}

/** Thrown (as a connect error) when a call would reach a refused address; its message names no address. */
export class OutboundRefusedError extends Error {
  readonly code = 'OUTBOUND_URL_REFUSED';
  readonly refusal: OutboundRefusal;
  constructor(refusal: OutboundRefusal) {
    super('refused by the outbound URL policy');
    this.name = 'OutboundRefusedError';
    this.refusal = refusal;
  }
}

export function isOutboundRefused(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === 'OUTBOUND_URL_REFUSED') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** One bound for the whole process: every policy's lookups share the same thread pool. */
let systemLookup: LookupFunction | undefined;

const stripBrackets = (host: string): string => (host.startsWith('[') ? host.slice(1, -1) : host);

export class OutboundPolicy {
  readonly #allowPrivate: () => boolean;
  readonly #lookup: LookupFunction;

  constructor(options: OutboundPolicyOptions) {
    this.#allowPrivate = options.allowPrivate;
    this.#lookup = options.lookup ?? (systemLookup ??= boundedLookup());
  }

  get allowPrivate(): boolean {
    return this.#allowPrivate();
  }

  /** The refusal for an address the connector connects to, if any; `field` names it in the message. */
  judgeAddress(ip: string, field: string): OutboundRefusal | undefined {
    const kind = classifyAddress(ip);
    if (kind === undefined) return undefined;
    if (ALWAYS.has(kind)) {
      return {
        rule: kind,
        address: ip,
        message: `${field} resolves to ${DESCRIBED[kind]}, which the connector never calls`,
      };
    }
    if (this.#allowPrivate()) return undefined;
    return {
      rule: kind,
      address: ip,
      message: `${field} resolves to ${DESCRIBED[kind]}; the connector calls loopback and private addresses only with --allow-private-callbacks (CONNECTOR_ALLOW_PRIVATE_CALLBACKS=true)`,
    };
  }

  /** The rules that need no DNS: http(s), no credentials in the URL, and IP literals judged at once. */
  checkSyntax(raw: string, field = 'callbackUrl'): OutboundRefusal | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { rule: 'scheme', message: `${field} must be an absolute http(s) URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { rule: 'scheme', message: `${field} must be an absolute http(s) URL` };
    }
    if (url.username !== '' || url.password !== '') {
      return {
        rule: 'userinfo',
        message: `${field} must not carry credentials (user:password@); put a secret in the path or query instead`,
      };
    }
    // the WHATWG parser has already turned 2130706433, 0x7f.1 and 017700000001 into 127.0.0.1
    const host = stripBrackets(url.hostname);
    return isIP(host) === 0 ? undefined : this.judgeAddress(host, field);
  }

  /**
   * Every rule, resolving the host name: a name that resolves to any refused address is refused.
   * A name that does not resolve (yet) passes; each delivery is checked again when it connects.
   */
  async check(raw: string, field = 'callbackUrl', timeoutMs = 3_000): Promise<OutboundRefusal | undefined> {
    const syntax = this.checkSyntax(raw, field);
    if (syntax !== undefined) return syntax;
    const host = stripBrackets(new URL(raw).hostname);
    if (isIP(host) !== 0) return undefined;
    const addresses = await new Promise<LookupAddress[]>((resolve) => {
      const timer = setTimeout(() => resolve([]), timeoutMs);
      const options: LookupAllOptions = { all: true };
      this.#lookup(host, options, (err, result) => {
        clearTimeout(timer);
        resolve(err || !Array.isArray(result) ? [] : result);
      });
    });
    for (const a of addresses) {
      const refusal = this.judgeAddress(a.address, field);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }

  /** A resolver for `net.connect` that hands out only allowed addresses (and fails when none is). */
  readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    const wantAll = (options as LookupAllOptions).all;
    this.#lookup(hostname, { ...(options as LookupOneOptions), all: true }, (err, result) => {
      if (err) return callback(err, '', 0);
      const all = Array.isArray(result) ? result : [];
      const allowed = all.filter((a) => this.judgeAddress(a.address, 'host') === undefined);
      if (allowed.length === 0) {
        const refusal = all.map((a) => this.judgeAddress(a.address, 'host')).find((r) => r !== undefined);
        const e = new OutboundRefusedError(refusal ?? { rule: 'reserved', message: 'no address' });
        return callback(e, '', 0);
      }
      if (wantAll) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };

  /**
   * An undici dispatcher that enforces the policy on the address it connects to: IP literals are
   * judged before connecting, names through the guarded resolver. Redirects are never followed
   * (undici's Agent does not), so a callback cannot bounce the connector elsewhere.
   */
  dispatcher(options: { connectTimeoutMs?: number } = {}): Agent {
    const connectTimeout = options.connectTimeoutMs ?? 10_000;
    const base = buildConnector({ timeout: connectTimeout, lookup: this.guardedLookup });
    const connect: buildConnector.connector = (opts, callback) => {
      const host = stripBrackets(opts.hostname);
      if (isIP(host) !== 0) {
        const refusal = this.judgeAddress(host, 'host');
        if (refusal !== undefined) {
          callback(new OutboundRefusedError(refusal), null);
          return;
        }
      }
      base(opts, callback);
    };
    return new Agent({ connect, keepAliveTimeout: 4_000 });
  }
}

/**
 * The connector's policy: loopback and private addresses as `allowPrivate` says (the
 * --allow-private-callbacks option), or when that is undefined, only while `server` listens on a
 * loopback address and no public URL says it is reached from elsewhere (asked at each check, so it
 * holds from the moment the server listens). A connector on 127.0.0.1 behind a reverse proxy or a
 * tunnel is public: its callers must not steer it at the host's own ports or its network.
 */
export function connectorOutboundPolicy(
  server: { address(): AddressInfo | string | null },
  allowPrivate: boolean | undefined,
  lookup?: LookupFunction,
  publicUrl?: string,
): OutboundPolicy {
  const publicIsLocal = publicUrl === undefined || isLoopbackHost(new URL(publicUrl).hostname);
  const listensOnLoopback = (): boolean => {
    const address = server.address();
    return publicIsLocal && typeof address === 'object' && address !== null && isLoopbackAddress(address.address);
  };
  return new OutboundPolicy({
    allowPrivate: () => allowPrivate ?? listensOnLoopback(),
    ...(lookup === undefined ? {} : { lookup }),
  });
}

/**
 * Checks a URL the connector is asked to call (`field` names it in the message), resolving its host:
 * undefined when it may be called, else the refusal to report (400 CALLBACK_URL_REFUSED, or
 * VALIDATION_FAILED for rule `scheme`). Deliveries must still go through `policy.dispatcher()`.
 */
export function checkOutboundUrl(
  policy: OutboundPolicy,
  raw: string,
  field: string,
): Promise<OutboundRefusal | undefined> {
  return policy.check(raw, field);
}

/** True for an address a server bound to listens only on this machine. */
export function isLoopbackAddress(address: string): boolean {
  const kind = classifyAddress(stripBrackets(address));
  return kind === 'loopback' || address === 'localhost';
}

/** Whether a URL's host names this machine only: `localhost` or a loopback address. */
function isLoopbackHost(hostname: string): boolean {
  const host = stripBrackets(hostname.toLowerCase()).replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isLoopbackAddress(host);
}
