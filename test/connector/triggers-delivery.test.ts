// The delivery worker against callbacks that misbehave on purpose (hang, trickle, answer a huge
// body, redirect, refuse connections), each beside a healthy one, over real sockets and on both
// stores. Assertions are about what arrives and in which order, never about how fast.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type LookupFunction, type Socket } from 'node:net';
import { it } from 'node:test';
import {
  OUTCOME,
  startDelivery,
  type DeliveryOptions,
  type DeliveryWorker,
} from '../../src/connector/triggers/delivery.js';
import { OutboundPolicy } from '../../src/connector/outbound-url.js';
import type { ConnectorStore, NewOutboxEvent, OutboxEvent } from '../../src/store/index.js';
import { eachBackend } from '../store/backends.js';

interface TestServer {
  url: string;
  /** requests received (their Idempotency-Key and JSON body's `n`) */
  seen: { key: string; n: number }[];
  /** requests whose connection is still open */
  open: number;
  /** connections the connector closed */
  closed: number;
  close(): Promise<void>;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, s: TestServer) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      s.seen.push({ key: String(req.headers['idempotency-key']), n: (JSON.parse(body) as { n: number }).n });
      s.open++;
      res.on('close', () => {
        s.open--;
        if (!res.writableFinished) s.closed++;
      });
      handler(req, res, s);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const s: TestServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: [],
    open: 0,
    closed: 0,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return s;
}

const healthy = (): Promise<TestServer> => serve((_req, res) => res.writeHead(204).end());
/** Takes the request and never answers. */
const hanging = (): Promise<TestServer> => serve(() => undefined);
/** Answers 200 at once, then sends its body a byte at a time, forever. */
const tricklingBody = (): Promise<TestServer> =>
  serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const t = setInterval(() => res.write('.'), 50);
    res.on('close', () => clearInterval(t));
  });
/** Answers 200 with 64 MiB, as fast as the connector reads it. */
const hugeBody = (): Promise<TestServer> =>
  serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(64 * 2 ** 20) });
    const chunk = Buffer.alloc(64 * 1024, 120);
    let left = 1024;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left--;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (left === 0) res.end();
    };
    pump();
  });

/** A raw server that starts an answer and trickles its header line a byte at a time, forever. */
async function tricklingHeaders(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      const t = setInterval(() => socket.write('a'), 50);
      socket.on('close', () => {
        clearInterval(t);
        sockets.delete(socket);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const subOf = (e: OutboxEvent): string => e.subscription_id.split('@', 1)[0]!;

const lenient = new OutboundPolicy({ allowPrivate: () => true });

/** Events of subscription `sub` (made unique to the account: the tests share one store). */
function eventsFor(account: string, sub: string, url: string, from: number, count: number): NewOutboxEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    account_sid: account,
    subscription_id: `${sub}@${account}`,
    order_key: `${sub}@${account}|+14155550100`,
    dedupe_key: `SM${from + i}`,
    callback_url: url,
    payload: JSON.stringify({ type: 'json', event: 'test', body: { n: from + i } }),
  }));
}

async function settled(store: ConnectorStore, account: string, state: 'dead' | 'delivered'): Promise<OutboxEvent[]> {
  if (state === 'dead') return store.listOutbox(account, 'dead', 100);
  return store.listOutbox(account, 'delivered', 100);
}

eachBackend('trigger delivery', (b) => {
  function worker(options: DeliveryOptions): DeliveryWorker {
    return startDelivery(b.store, { baseDelayMs: 20, maxDelayMs: 50, pollMs: 20, policy: lenient, ...options });
  }

  it('delivers a healthy subscription’s events in order while others hang, trickle or answer a huge body', async () => {
    const account = `AC${randomUUID()}`;
    const good = await healthy();
    const hang = await hanging();
    const slow = await tricklingHeaders();
    const drip = await tricklingBody();
    const huge = await hugeBody();
    // deadlines far longer than the test may take: the healthy events can only arrive in time if
    // nothing waits on the misbehaving callbacks
    const w = worker({ timeoutMs: 120_000, shutdownGraceMs: 50 });
    try {
      // the misbehaving subscriptions' events come first in the outbox
      await b.store.enqueue(
        [
          ...eventsFor(account, 'hang', `${hang.url}/cb`, 0, 3),
          ...eventsFor(account, 'slow', `${slow.url}/cb`, 0, 3),
          ...eventsFor(account, 'drip', `${drip.url}/cb`, 0, 3),
          ...eventsFor(account, 'huge', `${huge.url}/cb`, 0, 3),
        ],
        Date.now(),
      );
      w.wake();
      await until(() => (hang.seen.length > 0 && drip.seen.length > 0 ? true : undefined));
      for (let i = 0; i < 20; i += 5) {
        await b.store.enqueue(eventsFor(account, 'good', `${good.url}/cb`, i, 5), Date.now());
        w.wake();
      }
      await until(() => (good.seen.length >= 20 ? true : undefined));
      assert.deepEqual(
        good.seen.map((s) => s.n),
        Array.from({ length: 20 }, (_, i) => i),
      );
      // …while the hanging and trickling callbacks still hold their first event, and only that
      assert.deepEqual([hang.open, hang.seen.length], [1, 1]);
      assert.deepEqual([drip.open, drip.seen.length], [1, 1]);
      // the huge answer was acknowledged by its status, its body cut short, its events delivered in order
      await until(() => (huge.seen.length >= 3 ? true : undefined));
      assert.deepEqual(
        huge.seen.map((s) => s.n),
        [0, 1, 2],
      );
      assert.ok(huge.closed >= 1, 'the connector dropped the huge answer instead of reading it');
    } finally {
      await w.stop();
      for (const s of [good, hang, slow, drip, huge]) await s.close();
    }
  });

  it('gives each attempt one deadline that trickled bytes do not extend', async () => {
    const account = `AC${randomUUID()}`;
    const slow = await tricklingHeaders();
    const drip = await tricklingBody();
    // Both servers trickle a byte every 50 ms for ever, so only a deadline that bytes do not
    // extend can end their attempts. The events stay retried (the default window): whether the
    // drip's 200 arrives before a 400 ms deadline depends on the machine's load, and an attempt
    // that loses that race is simply tried again.
    const w = worker({ timeoutMs: 400 });
    try {
      await b.store.enqueue(
        [...eventsFor(account, 'slow', `${slow.url}/cb`, 0, 1), ...eventsFor(account, 'drip', `${drip.url}/cb`, 0, 1)],
        Date.now(),
      );
      w.wake();
      // the header that never ends: the attempt ended, as a timeout, and the event waits to be retried
      const failed = await until(async () => {
        const pending = await b.store.listOutbox(account, 'pending', 10);
        return pending.find((e) => subOf(e) === 'slow' && e.last_error !== null);
      });
      assert.equal(failed.last_error, OUTCOME.timedOut);
      // an answered 200 counts as delivered; its endless body is cut off at the deadline (the
      // server never ends an answer, so every connection it saw closed was closed by the connector)
      await until(async () => ((await settled(b.store, account, 'delivered')).length === 1 ? true : undefined));
      await until(() => (drip.open === 0 ? true : undefined));
      assert.ok(drip.closed >= 1);
      assert.equal(drip.closed, drip.seen.length);
    } finally {
      await w.stop();
      await slow.close();
      await drip.close();
    }
  });

  it('records failures in words that reveal no address, port or system error', async () => {
    const account = `AC${randomUUID()}`;
    const failing = await serve((_req, res) => res.writeHead(500).end('boom'));
    const target = await healthy();
    const redirecting = await serve((_req, res) => res.writeHead(302, { location: `${target.url}/moved` }).end());
    const down = await healthy();
    const downUrl = `${down.url}/cb`;
    await down.close();
    // refusals are final; the other failures would be retried for a long while, so give up at once
    const w = worker({ retryWindowMs: 0, timeoutMs: 5_000 });
    try {
      await b.store.enqueue(
        [
          ...eventsFor(account, 'failing', `${failing.url}/cb`, 0, 1),
          ...eventsFor(account, 'redirecting', `${redirecting.url}/cb`, 0, 1),
          ...eventsFor(account, 'down', downUrl, 0, 1),
          ...eventsFor(account, 'metadata', 'http://169.254.169.254/latest/meta-data/', 0, 1),
        ],
        Date.now(),
      );
      w.wake();
      const dead = await until(async () => {
        const d = await settled(b.store, account, 'dead');
        return d.length === 4 ? d : undefined;
      });
      const errors = Object.fromEntries(dead.map((e) => [subOf(e), [e.last_error, e.attempts]]));
      assert.deepEqual(errors, {
        failing: ['callback answered 500', 1],
        redirecting: ['callback answered 302', 1],
        down: ['callback unreachable', 1],
        // even with private addresses allowed
        metadata: [OUTCOME.refused, 1],
      });
      for (const [message] of Object.values(errors)) {
        assert.doesNotMatch(String(message), /ECONN|ENOTFOUND|\d+\.\d+\.\d+\.\d+|127|:\d{2,5}/);
      }
      assert.equal(target.seen.length, 0, 'the redirect was not followed');
    } finally {
      await w.stop();
      await failing.close();
      await redirecting.close();
      await target.close();
    }
  });

  it('refuses private callbacks when the policy does, however the name resolves', async () => {
    const account = `AC${randomUUID()}`;
    const target = await healthy();
    const lookup = ((_host: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
      const all: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];
      if (options.all === true) cb(null, all);
      else cb(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    const w = worker({ policy: new OutboundPolicy({ allowPrivate: () => false, lookup }) });
    try {
      const port = new URL(target.url).port;
      await b.store.enqueue(
        [
          ...eventsFor(account, 'literal', `${target.url}/cb`, 0, 1),
          ...eventsFor(account, 'decimal', `http://2130706433:${port}/cb`, 0, 1),
          ...eventsFor(account, 'name', `http://callback.example:${port}/cb`, 0, 1),
        ],
        Date.now(),
      );
      w.wake();
      const dead = await until(async () => {
        const d = await settled(b.store, account, 'dead');
        return d.length === 3 ? d : undefined;
      });
      assert.deepEqual(
        dead.map((e) => [e.last_error, e.attempts]),
        [
          [OUTCOME.refused, 1],
          [OUTCOME.refused, 1],
          [OUTCOME.refused, 1],
        ],
      );
      assert.equal(target.seen.length, 0);
    } finally {
      await w.stop();
      await target.close();
    }
  });

  it('does not count an attempt whose host lookup only waited behind other names', async () => {
    const account = `AC${randomUUID()}`;
    const target = await healthy();
    let busy = 3;
    // the first lookups fail as the bounded resolver fails a caller that never got a slot
    const lookup = ((_host: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
      if (busy-- > 0) {
        return cb(
          Object.assign(new Error('getaddrinfo EBUSY callback.example'), { code: 'EBUSY', syscall: 'getaddrinfo' }),
        );
      }
      const all: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];
      if (options.all === true) cb(null, all);
      else cb(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    const w = worker({ policy: new OutboundPolicy({ allowPrivate: () => true, lookup }) });
    try {
      const port = new URL(target.url).port;
      await b.store.enqueue(eventsFor(account, 'congested', `http://callback.example:${port}/cb`, 0, 1), Date.now());
      w.wake();
      const delivered = await until(async () => {
        const d = await settled(b.store, account, 'delivered');
        return d.length === 1 ? d : undefined;
      });
      assert.ok(busy < 0, 'the lookup was congested first');
      assert.deepEqual(
        delivered.map((e) => [e.attempts, e.last_error]),
        [[1, null]],
      );
      assert.equal(target.seen.length, 1);
    } finally {
      await w.stop();
      await target.close();
    }
  });

  it('gives up on an event whose lookups stay congested once it is older than the retry window', async () => {
    const account = `AC${randomUUID()}`;
    const target = await healthy();
    let lookups = 0;
    // every lookup fails as the bounded resolver fails a caller that never got a slot
    const lookup = ((_host: string, _options: unknown, cb: (...a: unknown[]) => void) => {
      lookups++;
      cb(Object.assign(new Error('getaddrinfo EBUSY callback.example'), { code: 'EBUSY', syscall: 'getaddrinfo' }));
    }) as unknown as LookupFunction;
    // deferrals are at least baseDelayMs (20 ms) apart, so by the 30th lookup an event is older
    // than the window whatever the machine's load: a worker with no cutoff is still deferring it
    const w = worker({ retryWindowMs: 300, policy: new OutboundPolicy({ allowPrivate: () => true, lookup }) });
    try {
      const port = new URL(target.url).port;
      await b.store.enqueue(eventsFor(account, 'congested', `http://callback.example:${port}/cb`, 0, 2), Date.now());
      w.wake();
      const dead = await until(async () => {
        const d = await settled(b.store, account, 'dead');
        return d.length === 2 || lookups >= 60 ? d : undefined;
      });
      // both, the second not held back for ever behind the first: dead letters, never attempted,
      // saying why without network details
      assert.deepEqual(
        dead.map((e) => [e.dedupe_key, e.attempts, e.last_error]),
        [
          ['SM0', 0, OUTCOME.congested],
          ['SM1', 0, OUTCOME.congested],
        ],
      );
      assert.equal(target.seen.length, 0);
    } finally {
      await w.stop();
      await target.close();
    }
  });

  it('stops without waiting on a hanging callback and delivers its event after the next start', async () => {
    const account = `AC${randomUUID()}`;
    let answer = false;
    const cb = await serve((_req, res) => {
      if (answer) res.writeHead(204).end();
    });
    // the attempt's own deadline is far beyond the test's timeout: only the grace period can end it
    const first = worker({ timeoutMs: 600_000, shutdownGraceMs: 50 });
    try {
      await b.store.enqueue(eventsFor(account, 'sub', `${cb.url}/cb`, 0, 2), Date.now());
      first.wake();
      await until(() => (cb.open === 1 ? true : undefined));
      await first.stop();
      const pending = await b.store.listOutbox(account, 'pending', 10);
      assert.deepEqual(
        pending.map((e) => [e.dedupe_key, e.attempts]),
        [
          ['SM0', 0],
          ['SM1', 0],
        ],
        'both events are still in the outbox, the interrupted attempt not counted',
      );
      answer = true;
      const next = worker({ timeoutMs: 5_000 });
      try {
        await until(async () => ((await settled(b.store, account, 'delivered')).length === 2 ? true : undefined));
      } finally {
        await next.stop();
      }
      // at least once: the interrupted event came again with the same Idempotency-Key, then in order
      assert.deepEqual(
        cb.seen.map((s) => s.key),
        [`sub@${account}:SM0`, `sub@${account}:SM0`, `sub@${account}:SM1`],
      );
    } finally {
      await first.stop();
      await cb.close();
    }
  });
});
