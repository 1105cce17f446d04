// Name resolution for the hosts of callback and forward URLs, which callers choose. `dns.lookup`
// (getaddrinfo, so /etc/hosts, nsswitch and the system's resolver all apply as for any program)
// runs on libuv's thread pool, four threads shared with file I/O, crypto and every other lookup: a
// caller whose callback names a host with a slow or silent name server would otherwise hold those
// threads and stall the process. So at most a few lookups run at once; the rest wait their turn,
// and a caller gets ETIMEOUT at its deadline. A lookup that overran its deadline keeps its slot
// until getaddrinfo really returns, so stuck lookups never occupy more threads than the limit.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';

export interface BoundedLookupOptions {
  /** lookups running at once; default 2 (half the thread pool's default size) */
  concurrency?: number;
  /** from the call to the answer, waiting included; default 5 s */
  timeoutMs?: number;
  /** callers waiting at once; more are refused at once (EBUSY); default 1000 */
  maxQueued?: number;
  /** the resolver bounded; `dns.lookup` by default */
  lookup?: LookupFunction;
}

type Callback = Parameters<LookupFunction>[2];

function dnsError(code: string, hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`getaddrinfo ${code} ${hostname}`);
  err.code = code;
  err.syscall = 'getaddrinfo';
  return err;
}

export function boundedLookup(options: BoundedLookupOptions = {}): LookupFunction {
  const limit = Math.max(1, options.concurrency ?? 2);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxQueued = options.maxQueued ?? 1_000;
  const lookup = options.lookup ?? dnsLookup;
  let running = 0;
  const queue: (() => void)[] = [];

  const next = (): void => {
    while (running < limit && queue.length > 0) queue.shift()!();
  };

  return (hostname, lookupOptions, callback) => {
    if (queue.length >= maxQueued) {
      process.nextTick(() => (callback as (e: Error) => void)(dnsError('EBUSY', hostname)));
      return;
    }
    let answered = false;
    const answer: Callback = (...args: Parameters<Callback>) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      callback(...args);
    };
    const start = (): void => {
      running++;
      lookup(hostname, lookupOptions, (...args: Parameters<Callback>) => {
        running--;
        answer(...args);
        next();
      });
    };
    const timer = setTimeout(() => {
      const waiting = queue.indexOf(start);
      if (waiting !== -1) queue.splice(waiting, 1);
      (answer as (e: Error) => void)(dnsError('ETIMEOUT', hostname));
    }, timeoutMs);
    queue.push(start);
    next();
  };
}
