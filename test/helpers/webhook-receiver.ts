// A real HTTP server on 127.0.0.1:0 that records the webhooks it receives and answers as the test
// tells it to (status, body, or never), so tests can assert on exactly what the sandbox sent.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface Received {
  method: string;
  /** path and query as requested */
  path: string;
  /** absolute URL as requested (what the signature covers) */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** form body for POST, query string for GET */
  params: Record<string, string>;
}

export interface Answer {
  status?: number;
  body?: string;
  contentType?: string;
  /** never answer (to exercise timeouts) */
  hang?: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** sets how the receiver answers; the default is 200 with an empty TwiML response */
  answer(fn: (req: Received, index: number) => Answer): void;
  /** resolves once `count` requests matching `filter` have arrived */
  waitFor(count: number, filter?: (r: Received) => boolean): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let responder: (req: Received, index: number) => Answer = () => ({
    status: 200,
    body: '<Response/>',
    contentType: 'text/xml',
  });
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const query = new URL(path, base).searchParams;
      const params = Object.fromEntries(req.method === 'GET' ? query : new URLSearchParams(body));
      const r: Received = { method: req.method ?? '', path, url: base + path, headers: req.headers, body, params };
      const index = received.push(r) - 1;
      for (const w of waiters) w();
      const a = responder(r, index);
      if (a.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': a.contentType ?? 'text/xml' });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
  return {
    url: base,
    received,
    answer(fn) {
      responder = fn;
    },
    waitFor(count, filter = () => true) {
      return new Promise((resolve) => {
        const check = (): void => {
          const matching = received.filter(filter);
          if (matching.length >= count) {
            waiters.delete(check);
            resolve(matching);
          }
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
