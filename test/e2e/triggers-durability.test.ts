// Durability of trigger deliveries: a connector killed with SIGKILL after answering Twilio delivers
// the event once after its restart, and two connector instances sharing one PostgreSQL deliver every
// event exactly once, in order.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  freePort,
  kill9,
  startConnectorChild,
  startTriggerConnector,
  type TriggerConnector,
} from '../helpers/trigger-connector.js';
import { basic, formBody, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

/** A callback server that records JSON event bodies; `port` may be fixed so it can come back later. */
async function callback(port = 0): Promise<{ url: string; port: number; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push((JSON.parse(body) as { body: string }).body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address();
  const p = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return { url: `http://127.0.0.1:${p}`, port: p, bodies, server };
}

const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

async function until<T>(fn: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function inboundParams(sb: TestSandbox, sid: number, body: string): Record<string, string> {
  return {
    MessageSid: `SM${sid.toString(16).padStart(32, '0')}`,
    AccountSid: sb.accountSid,
    From: '+14155550100',
    To: sb.phoneNumber,
    Body: body,
    NumMedia: '0',
  };
}

async function postAsTwilio(sb: TestSandbox, base: string, params: Record<string, string>): Promise<number> {
  const target = `${base}/twilio/messages/received`;
  const res = await fetch(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(sb.authToken, target, params),
    },
    body: formBody(params),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('trigger delivery survives SIGKILL', () => {
  let sb: TestSandbox;
  const dir = mkdtempSync(join(tmpdir(), 'tc-kill-'));
  let child: ChildProcess | undefined;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    if (child !== undefined && child.exitCode === null) await kill9(child);
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'delivers an event once after a restart when the process died between receipt and delivery',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = { DATA_DIR: dir, UPSTREAM: sb.url, PORT: String(port), PUBLIC_URL: base };
      child = await startConnectorChild(env);
      // the callback is down while the event arrives, so it can only sit in the outbox
      const cbPort = await freePort();
      const sub = await fetch(`${base}/subscriptions/messages/received`, {
        method: 'POST',
        headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: `http://127.0.0.1:${cbPort}/cb`, to: sb.phoneNumber }),
      });
      assert.equal(sub.status, 201, JSON.stringify(await json(sub.clone())));
      assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 1, 'first')), 200);
      assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 2, 'second')), 200);
      await kill9(child);

      const cb = await callback(cbPort);
      try {
        child = await startConnectorChild(env);
        // Twilio retrying the same webhook after the restart adds nothing
        assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 2, 'second')), 200);
        assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 3, 'third')), 200);
        await until(() => (cb.bodies.length >= 3 ? true : undefined));
        // a later event delivered after them proves nothing else is still queued
        assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 4, 'fourth')), 200);
        await until(() => (cb.bodies.length >= 4 ? true : undefined));
        assert.deepEqual(cb.bodies, ['first', 'second', 'third', 'fourth']);
      } finally {
        await close(cb.server);
      }
    },
  );
});

describe('opt-out events survive SIGKILL', () => {
  let sb: TestSandbox;
  const dir = mkdtempSync(join(tmpdir(), 'tc-kill-optout-'));
  let child: ChildProcess | undefined;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    if (child !== undefined && child.exitCode === null) await kill9(child);
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'delivers each keyword once after a restart, in order, and nothing for other texts',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = { DATA_DIR: dir, UPSTREAM: sb.url, PORT: String(port), PUBLIC_URL: base };
      child = await startConnectorChild(env);
      const cbPort = await freePort();
      const sub = await fetch(`${base}/subscriptions/messages/optout`, {
        method: 'POST',
        headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: `http://127.0.0.1:${cbPort}/cb`, to: sb.phoneNumber }),
      });
      assert.equal(sub.status, 201, JSON.stringify(await json(sub.clone())));
      // the callback is down: the events can only wait in the outbox when the process dies
      assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 11, 'STOP')), 200);
      assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 12, 'hello')), 200);
      assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 13, 'Start')), 200);
      await kill9(child);

      const cb = await callback(cbPort);
      try {
        child = await startConnectorChild(env);
        // Twilio retrying the STOP after the restart adds nothing
        assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 11, 'STOP')), 200);
        assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 14, 'help')), 200);
        await until(() => (cb.bodies.length >= 3 ? true : undefined));
        assert.equal(await postAsTwilio(sb, base, inboundParams(sb, 15, 'QUIT')), 200);
        await until(() => (cb.bodies.length >= 4 ? true : undefined));
        assert.deepEqual(cb.bodies, ['STOP', 'Start', 'help', 'QUIT']);
      } finally {
        await close(cb.server);
      }
    },
  );
});

describe('two connector instances on one PostgreSQL', () => {
  let pg: TestPostgres;
  let sb: TestSandbox;
  const stores: ConnectorStore[] = [];
  const connectors: TriggerConnector[] = [];
  const urls: string[] = [];
  before(async () => {
    pg = await startPostgres();
    sb = await startSandbox();
    const secretKey = randomBytes(32);
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ dataDir: '/nonexistent', databaseUrl: pg.url });
      stores.push(store);
      const c = await startTriggerConnector(sb, {
        store,
        triggers: { secretKey, delivery: { baseDelayMs: 10, maxDelayMs: 40, pollMs: 10 } },
      });
      connectors.push(c);
      urls.push(c.url);
    }
  });
  after(async () => {
    for (const c of connectors) await c.close();
    for (const s of stores) await s.close();
    await sb.close();
    await pg.close();
  });

  it(
    'delivers every event exactly once and in order, whichever instance received it',
    { timeout: 60_000 },
    async () => {
      const cb = await callback();
      try {
        const sub = await fetch(`${urls[0]}/subscriptions/messages/received`, {
          method: 'POST',
          headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
          body: JSON.stringify({ callbackUrl: cb.url, to: sb.phoneNumber }),
        });
        assert.equal(sub.status, 201);
        const sent: string[] = [];
        for (let i = 1; i <= 40; i++) {
          const body = `m${i}`;
          sent.push(body);
          // alternate instances; every few messages Twilio retries one at the other instance too
          assert.equal(await postAsTwilio(sb, urls[i % 2]!, inboundParams(sb, i, body)), 200);
          if (i % 5 === 0) assert.equal(await postAsTwilio(sb, urls[(i + 1) % 2]!, inboundParams(sb, i, body)), 200);
        }
        await until(() => (cb.bodies.length >= sent.length ? true : undefined));
        // once nothing is pending every delivery has settled, so the list below is final
        await until(async () =>
          (await stores[0]!.listOutbox(sb.accountSid, 'pending', 10)).length === 0 ? true : undefined,
        );
        assert.deepEqual(cb.bodies, sent);
      } finally {
        await close(cb.server);
      }
    },
  );
});
