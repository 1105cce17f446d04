// Name resolution for the hosts of callback and forward URLs, which callers choose. `dns.lookup`
// (getaddrinfo, so /etc/hosts, nsswitch and the system's resolver all apply as for any program)
// runs on libuv's thread pool, four threads shared with file I/O, crypto and every other lookup: a
// caller whose callback names a host with a slow or silent name server would otherwise hold those
// threads and stall the process. So at most a few lookups run at once and the rest wait their turn.
// One caller's silent name server must not starve everyone else's deliveries, so:
// - a name has at most one lookup in flight, and identical concurrent lookups share its answer;
// - answers are kept a short while, and a name whose lookup overran its deadline answers ETIMEOUT
//   at once for a while instead of queueing again;
// - a lookup that overran its deadline gives its slot to the next name while few others are stuck
//   (it still holds a thread until getaddrinfo returns, so stuck lookups are bounded separately);
// - a caller whose lookup never ran because others were ahead gets EBUSY, not ETIMEOUT, so its
//   owner can tell congestion here from a fault of the name it asked for.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';

export interface BoundedLookupOptions {
  /** lookups running at once; default 2 (half the thread pool's default size) */
  concurrency?: number;
  /** lookups past their deadline that no longer hold a slot; default 1 */
  maxStuck?: number;
  /** the longest a caller waits for a slot, and the longest its lookup then runs; default 5 s */
  timeoutMs?: number;
  /** names waiting at once; callers of more are refused at once (EBUSY); default 1000 */
  maxQueued?: number;
  /** how long an answer is reused; default 10 s */
  cacheMs?: number;
  /** how long a name whose lookup overran its deadline answers ETIMEOUT at once; default 30 s */
  negativeCacheMs?: number;
  /** the resolver bounded; `dns.lookup` by default */
  lookup?: LookupFunction;
  /** the clock, for the caches */
  now?: () => number;
}

type Callback = Parameters<LookupFunction>[2];
type Answer = Parameters<Callback>;

/** One name's lookup, shared by every caller that asks for it while it runs. */
interface Flight {
  callers: Set<(args: Answer) => void>;
  started: boolean;
  /** past its deadline: later callers are answered ETIMEOUT instead of joining */
  overran: boolean;
  /** no longer counted against `concurrency` */
  released: boolean;
}

/** Marks a failure caused by the queue here, not by the name looked up. */
export const LOOKUP_BUSY = 'EBUSY';

function dnsError(code: string, hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`getaddrinfo ${code} ${hostname}`);
  err.code = code;
  err.syscall = 'getaddrinfo';
  return err;
}

/** True when a lookup failed only because others were ahead of it: no fault of the name. */
export function isLookupBusy(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (code === LOOKUP_BUSY && syscall === 'getaddrinfo') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function boundedLookup(options: BoundedLookupOptions = {}): LookupFunction {
  const limit = Math.max(1, options.concurrency ?? 2);
  const maxStuck = Math.max(0, options.maxStuck ?? 1);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxQueued = options.maxQueued ?? 1_000;
  const cacheMs = options.cacheMs ?? 10_000;
  const negativeCacheMs = options.negativeCacheMs ?? 30_000;
  const lookup = options.lookup ?? dnsLookup;
  const now = options.now ?? Date.now;
  let running = 0;
  let stuck = 0;
  const flights = new Map<string, Flight>();
  const queue: string[] = [];
  const cache = new Map<string, { until: number; answer: Answer }>();
  const timedOut = new Map<string, number>();

  const forget = (map: Map<string, unknown>, until: (v: never) => number): void => {
    // drop expired entries now and then, so a stream of one-off names does not grow the maps
    if (map.size < 1_000) return;
    const t = now();
    for (const [k, v] of map) if (until(v as never) <= t) map.delete(k);
  };

  const next = (): void => {
    while (running < limit && queue.length > 0) launch(queue.shift()!);
  };

  const launch = (key: string): void => {
    const flight = flights.get(key);
    if (flight === undefined) return;
    flight.started = true;
    running++;
    const [hostname, lookupOptions] = JSON.parse(key) as [string, Parameters<LookupFunction>[1]];
    const overrun = setTimeout(() => {
      flight.overran = true;
      const late = [...flight.callers];
      flight.callers.clear();
      for (const caller of late) caller([dnsError('ETIMEOUT', hostname)] as unknown as Answer);
      timedOut.set(key, now() + negativeCacheMs);
      forget(timedOut, (v: number) => v);
      if (stuck < maxStuck) {
        stuck++;
        running--;
        flight.released = true;
        next();
      }
    }, timeoutMs);
    lookup(hostname, lookupOptions, (...args: Answer) => {
      clearTimeout(overrun);
      if (flight.released) stuck--;
      else running--;
      flights.delete(key);
      if (args[0] === null || args[0] === undefined) {
        timedOut.delete(key);
        cache.set(key, { until: now() + cacheMs, answer: args });
        forget(cache, (v: { until: number }) => v.until);
      }
      for (const caller of flight.callers) caller(args);
      next();
    });
  };

  return (hostname, lookupOptions, callback) => {
    const key = JSON.stringify([hostname, lookupOptions]);
    const fail = (code: string): void =>
      process.nextTick(() => (callback as (e: Error) => void)(dnsError(code, hostname)));
    const t = now();
    const cached = cache.get(key);
    if (cached !== undefined) {
      if (cached.until > t) {
        process.nextTick(() => callback(...cached.answer));
        return;
      }
      cache.delete(key);
    }
    const silentUntil = timedOut.get(key);
    if (silentUntil !== undefined) {
      if (silentUntil > t) return fail('ETIMEOUT');
      timedOut.delete(key);
    }
    let flight = flights.get(key);
    if (flight?.overran) return fail('ETIMEOUT');
    if (flight === undefined) {
      if (queue.length >= maxQueued) return fail(LOOKUP_BUSY);
      flight = { callers: new Set(), started: false, overran: false, released: false };
      flights.set(key, flight);
      queue.push(key);
    }
    const joined = flight;
    const answer = (args: Answer): void => {
      joined.callers.delete(answer);
      clearTimeout(timer);
      callback(...args);
    };
    // a caller waits its deadline for a slot; once its lookup runs, the lookup's own deadline
    // answers it, so a name is judged slow only by time spent resolving it
    const timer = setTimeout(() => {
      if (joined.started) return;
      joined.callers.delete(answer);
      if (joined.callers.size === 0) {
        // nobody wants this name any more: it leaves the queue without ever running
        queue.splice(queue.indexOf(key), 1);
        flights.delete(key);
      }
      (callback as (e: Error) => void)(dnsError(LOOKUP_BUSY, hostname));
    }, timeoutMs);
    joined.callers.add(answer);
    next();
  };
}
