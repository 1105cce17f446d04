// Received-message trigger, SmsUrl mode versus Event Streams mode, end to end: a phone texts the
// sandbox (`POST /_sandbox/inbound`), the sandbox tells the connector (a signed SmsUrl webhook, or a
// signed CloudEvent to the trigger's sink), the connector commits the event to its outbox and
// delivers it to a local callback. One sandbox and one connector serve both modes, each on its own
// number; rounds alternate between the modes and the figures are medians.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConnector } from '../src/connector/app.js';
import { authenticate } from '../src/connector/auth.js';
import { connectorConfig } from '../src/connector/config.js';
import { resolveSecretKey, triggersPlugin } from '../src/connector/triggers/index.js';
import { buildSandbox } from '../src/sandbox/app.js';
import { sandboxConfig } from '../src/sandbox/config.js';
import { insertNumber } from '../src/sandbox/store/numbers.js';
import { openStore } from '../src/store/index.js';
import { percentile } from './lib/load.js';
import { median } from './lib/stats.js';

export interface ModeFigures {
  label: string;
  /** callbacks received per second, from the first text sent to the last callback */
  perSecond: number;
  /** text sent → callback received */
  p50: number;
  p99: number;
  delivered: number;
  sent: number;
}

const CONCURRENCY = 16;

interface Callback {
  url: string;
  arrivals: Map<string, number>;
  waitFor(count: number, maxMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Records when each message (by the Message model's `sid` in the body) first reached the callback. */
async function startCallback(): Promise<Callback> {
  const arrivals = new Map<string, number>();
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const sid = (JSON.parse(body) as { body?: { sid?: string }; sid?: string }).sid;
      if (typeof sid === 'string' && !arrivals.has(sid)) {
        arrivals.set(sid, performance.now());
        if (waiter !== undefined && arrivals.size >= waiter.count) waiter.resolve();
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    waitFor(count, maxMs) {
      if (arrivals.size >= count) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, maxMs);
        function done(): void {
          clearTimeout(timer);
          waiter = undefined;
          resolve();
        }
        waiter = { count, resolve: done };
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function benchTriggerModes(opts: { quick: boolean }): Promise<ModeFigures[]> {
  const texts = opts.quick ? 300 : 2000;
  const rounds = opts.quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-modes-'));
  const sandbox = buildSandbox(sandboxConfig({ statusDelay: 0, logLevel: 'silent' }));
  const sandboxUrl = await sandbox.listen();
  const { sid: accountSid, auth_token: authToken } = sandbox.account;
  const store = await openStore({ dataDir: dir });
  const config = connectorConfig({ throttleLimit: 0, logLevel: 'silent' });
  const connector = buildConnector(config, {
    store,
    upstreamUrl: sandboxUrl,
    plugins: [
      triggersPlugin({
        store,
        authenticate: (r) => authenticate(config, r),
        upstreamUrl: sandboxUrl,
        secretKey: resolveSecretKey({ dataDir: dir, sandboxUpstream: true }),
      }),
    ],
  });
  const connectorUrl = await connector.listen({ host: '127.0.0.1', port: 0 });
  const smsNumber = sandbox.phoneNumber;
  const streamsNumber = '+14155550177';
  insertNumber(sandbox.ctx.db, { accountSid, phoneNumber: streamsNumber, now: Date.now() });
  const callbacks = { sms: await startCallback(), streams: await startCallback() };
  const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const subscribe = async (to: string, callbackUrl: string, mode: string): Promise<void> => {
    const res = await fetch(`${connectorUrl}/subscriptions/messages/received`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ callbackUrl, to, mode }),
    });
    if (res.status !== 201) throw new Error(`subscribe ${mode}: ${res.status} ${await res.text()}`);
  };
  await subscribe(smsNumber, `${callbacks.sms.url}/in`, 'sms-url');
  await subscribe(streamsNumber, `${callbacks.streams.url}/in`, 'event-streams');

  /** Texts `to` `count` times, CONCURRENCY at once, and waits for the callbacks. */
  const round = async (to: string, cb: Callback, count: number): Promise<ModeFigures> => {
    cb.arrivals.clear();
    const sentAt = new Map<string, number>();
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const res = await fetch(`${sandboxUrl}/_sandbox/inbound`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ From: '+14155550100', To: to, Body: `text ${i}` }),
        });
        const sid = (await res.json()) as { sid: string };
        sentAt.set(sid.sid, t);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await cb.waitFor(count, 60_000);
    const latencies: number[] = [];
    let last = started;
    for (const [sid, at] of cb.arrivals) {
      const sent = sentAt.get(sid);
      if (sent === undefined) continue;
      latencies.push(at - sent);
      last = Math.max(last, at);
    }
    latencies.sort((a, b) => a - b);
    return {
      label: '',
      perSecond: (latencies.length * 1000) / (last - started),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      delivered: latencies.length,
      sent: count,
    };
  };

  try {
    // warm-up of both paths
    await round(smsNumber, callbacks.sms, 100);
    await round(streamsNumber, callbacks.streams, 100);
    const sms: ModeFigures[] = [];
    const streams: ModeFigures[] = [];
    for (let r = 0; r < rounds; r++) {
      sms.push(await round(smsNumber, callbacks.sms, texts));
      streams.push(await round(streamsNumber, callbacks.streams, texts));
    }
    const med = (label: string, list: ModeFigures[]): ModeFigures => ({
      label,
      perSecond: median(list.map((x) => x.perSecond)),
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
      delivered: median(list.map((x) => x.delivered)),
      sent: texts,
    });
    return [med('SmsUrl mode', sms), med('Event Streams mode', streams)];
  } finally {
    await connector.close();
    await store.close();
    await sandbox.close();
    await callbacks.sms.close();
    await callbacks.streams.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
