// A local trigger callback receiver for benchmarks: answers every POST with 204 and records when
// each event (by the MessageSid at the end of its Idempotency-Key) first arrived.
import { createServer } from 'node:http';

export interface Receiver {
  url: string;
  /** first arrival time (performance.now()) per MessageSid */
  arrivals: Map<string, number>;
  /** resolves once every one of `sids` arrived, or after `maxMs`; stragglers of earlier runs do not count */
  waitFor(sids: ReadonlySet<string>, maxMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  let waiter: { sids: ReadonlySet<string>; missing: number; resolve: () => void } | undefined;
  const server = createServer((req, res) => {
    const key = req.headers['idempotency-key'];
    req.resume();
    req.on('end', () => {
      if (typeof key === 'string') {
        const sid = key.slice(key.lastIndexOf(':') + 1);
        if (!arrivals.has(sid)) {
          arrivals.set(sid, performance.now());
          if (waiter?.sids.has(sid) && --waiter.missing === 0) waiter.resolve();
        }
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    waitFor(sids, maxMs) {
      let missing = 0;
      for (const sid of sids) if (!arrivals.has(sid)) missing++;
      if (missing === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, maxMs);
        function done(): void {
          clearTimeout(timer);
          waiter = undefined;
          resolve();
        }
        waiter = { sids, missing, resolve: done };
      });
    },
    reset() {
      arrivals.clear();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
