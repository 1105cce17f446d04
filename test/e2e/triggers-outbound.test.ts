// The outbound URL policy as a subscriber meets it (400 CALLBACK_URL_REFUSED naming the rule, with
// nothing stored), and a connector closing while a callback hangs: app.close() returns and the event
// waits in the outbox for the next start. Real sandbox, real sockets.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import type { TriggerDeps } from '../../src/connector/triggers/index.js';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { basic, formBody, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startTriggerConnector, type TriggerConnector } from '../helpers/trigger-connector.js';

/** Resolves a few names as a DNS server the test controls would. */
const lookup = ((host: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
  const address = { 'localhost.example': '127.0.0.1', 'intranet.example': '10.1.2.3' }[host];
  if (address === undefined) return cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
  if (options.all === true) cb(null, [{ address, family: 4 }]);
  else cb(null, address, 4);
}) as unknown as LookupFunction;

/** The connector on `store`; its deliveries' deadline is long, so only shutdown can end an attempt. */
function startApp(
  sb: TestSandbox,
  store: ConnectorStore,
  dir: string,
  over: Partial<TriggerDeps> = {},
): Promise<TriggerConnector> {
  return startTriggerConnector(sb, {
    store,
    dir,
    triggers: {
      delivery: { baseDelayMs: 20, maxDelayMs: 50, pollMs: 20, shutdownGraceMs: 100, timeoutMs: 600_000 },
      ...over,
    },
  });
}

describe('outbound URL policy at subscribe time', () => {
  let sb: TestSandbox;
  let store: ConnectorStore;
  const dir = mkdtempSync(join(tmpdir(), 'tc-outbound-'));
  const apps: FastifyInstance[] = [];
  let onLoopback = '';
  let strict = '';
  before(async () => {
    sb = await startSandbox();
    store = await openStore({ dataDir: dir });
    const a = await startApp(sb, store, dir);
    const b = await startApp(sb, store, dir, { allowPrivateCallbacks: false, outboundLookup: lookup });
    apps.push(a.app, b.app);
    onLoopback = a.url;
    strict = b.url;
  });
  after(async () => {
    for (const app of apps) await app.close();
    await store.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const subscribe = (base: string, kind: 'status' | 'received', callbackUrl: string): Promise<Response> =>
    fetch(`${base}/subscriptions/messages/${kind}`, {
      method: 'POST',
      headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
      body: JSON.stringify({ callbackUrl, ...(kind === 'received' ? { to: sb.phoneNumber } : {}) }),
    });

  async function refused(base: string, callbackUrl: string, message: RegExp, code = 'CALLBACK_URL_REFUSED') {
    for (const kind of ['status', 'received'] as const) {
      const res = await subscribe(base, kind, callbackUrl);
      const { error } = await json(res);
      assert.equal(res.status, 400, `${kind} ${callbackUrl}`);
      assert.equal(error.code, code, callbackUrl);
      assert.match(error.message, message, callbackUrl);
    }
  }

  it('refuses metadata, link-local and credential-bearing URLs even while listening on loopback', async () => {
    await refused(
      onLoopback,
      'http://169.254.169.254/latest/meta-data/',
      /^callbackUrl resolves to a cloud metadata address, which the connector never calls$/,
    );
    await refused(onLoopback, 'http://[::ffff:169.254.169.254]/', /cloud metadata address/);
    await refused(onLoopback, 'http://[fe80::1]:8080/', /a link-local address, which the connector never calls/);
    await refused(onLoopback, 'http://0.0.0.0:4300/', /never calls/);
    await refused(onLoopback, 'https://user:secret@example.com/hook', /must not carry credentials/);
    await refused(onLoopback, 'gopher://example.com/', /absolute http\(s\) URL/, 'VALIDATION_FAILED');
    // nothing was stored, and the number still points where it did
    assert.deepEqual(await store.listSubscriptions(sb.accountSid, 'status'), []);
    assert.deepEqual(await store.listSubscriptions(sb.accountSid, 'received'), []);
    assert.equal(await store.getNumberHook(sb.accountSid, (await numberSid()) ?? ''), undefined);
  });

  it('accepts a loopback callback while the connector listens on loopback', async () => {
    const res = await subscribe(onLoopback, 'status', 'http://127.0.0.1:9/cb');
    assert.equal(res.status, 201);
    assert.equal(
      (
        await fetch(new URL((await json(res)).location as string), {
          method: 'DELETE',
          headers: { authorization: basic(sb.accountSid, sb.authToken) },
        })
      ).status,
      204,
    );
  });

  it('refuses every spelling of a private address when private callbacks are not allowed', async () => {
    const rule =
      /a loopback address; the connector calls loopback and private addresses only with --allow-private-callbacks/;
    await refused(strict, 'http://127.0.0.1:9/cb', rule);
    await refused(strict, 'http://2130706433:9/cb', /a loopback address/);
    await refused(strict, 'http://0x7f.1:9/cb', /a loopback address/);
    await refused(strict, 'http://[::1]:9/cb', /a loopback address/);
    await refused(strict, 'http://localhost.example:9/cb', /resolves to a loopback address/);
    await refused(strict, 'http://intranet.example/cb', /resolves to a private address/);
    await refused(strict, 'http://192.168.1.20/cb', /a private address/);
    assert.deepEqual(await store.listSubscriptions(sb.accountSid, 'status'), []);
  });

  async function numberSid(): Promise<string | undefined> {
    const res = await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/IncomingPhoneNumbers.json`, {
      headers: { authorization: basic(sb.accountSid, sb.authToken) },
    });
    return ((await json(res)).incoming_phone_numbers as { sid: string }[])[0]?.sid;
  }
});

describe('closing the connector while a callback hangs', () => {
  let sb: TestSandbox;
  let server: Server;
  let answer = false;
  const waiting: ServerResponse[] = [];
  const keys: string[] = [];
  let cbUrl = '';
  before(async () => {
    sb = await startSandbox();
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        keys.push(String(req.headers['idempotency-key']));
        if (answer) res.writeHead(204).end();
        else waiting.push(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cbUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sb.close();
  });

  it('returns from app.close() and delivers the event after the next start', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-close-'));
    const store = await openStore({ dataDir: dir });
    try {
      const first = await startApp(sb, store, dir);
      const res = await fetch(`${first.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: cbUrl }),
      });
      assert.equal(res.status, 201);
      const target = `${first.url}/twilio/messages/status`;
      const params = { MessageSid: `SM${'c'.repeat(32)}`, AccountSid: sb.accountSid, MessageStatus: 'delivered' };
      const hook = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(sb.authToken, target, params),
        },
        body: formBody(params),
      });
      assert.equal(hook.status, 204);
      while (keys.length === 0) await new Promise((r) => setTimeout(r, 20));
      // the attempt's deadline is ten minutes away; close must not wait for it
      await first.app.close();
      assert.deepEqual(
        (await store.listOutbox(sb.accountSid, 'pending', 10)).map((e) => e.dedupe_key),
        [`SM${'c'.repeat(32)}:delivered`],
      );
      answer = true;
      const second = await startApp(sb, store, dir);
      try {
        while ((await store.listOutbox(sb.accountSid, 'pending', 10)).length > 0) {
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await second.app.close();
      }
      assert.equal(keys.length, 2);
      assert.equal(keys[0], keys[1], 'delivered again with the same Idempotency-Key');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
