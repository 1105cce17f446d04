// Triggers listening through Event Streams, over real sockets: the connector creates a sink and a
// subscription in the sandbox (which plays Twilio, signing its CloudEvents), the number's SmsUrl is
// left alone, every status change of the account reaches an account-scope subscription, a
// duplicate CloudEvent is delivered once, a SIGKILL between receipt and delivery loses nothing, and
// a restart removes the sinks of subscriptions the connector no longer knows (and nobody else's).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { openStore } from '../../src/store/index.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { freePort, kill9, startConnectorChild } from '../helpers/trigger-connector.js';
import { basic, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

interface Hit {
  headers: IncomingHttpHeaders;
  body: any;
}

/** The workflow engine's callback: records JSON bodies; `port` may be fixed so it can come back later. */
async function callback(port = 0): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address();
  const p = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return { url: `http://127.0.0.1:${p}`, hits, server };
}

const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, what = 'condition'): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Texts the sandbox's number from a phone (the sandbox then tells its sinks and the SmsUrl). */
async function text(sb: TestSandbox, body: string): Promise<string> {
  const res = await sb.request('POST', '/_sandbox/inbound', {
    body: JSON.stringify({ From: '+14155550100', To: sb.phoneNumber, Body: body }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 201);
  return (await json(res)).sid as string;
}

describe('Event Streams triggers', () => {
  let sb: TestSandbox;
  let app: Receiver;
  let child: ChildProcess | undefined;
  let base = '';
  let env: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'tc-streams-'));

  before(async () => {
    sb = await startSandbox();
    sb.client.events.baseUrl = sb.url;
    // an app that already answers on the number: Event Streams mode must not cut it off
    app = await startReceiver();
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.incomingPhoneNumbers(number!.sid).update({ smsUrl: `${app.url}/sms`, smsMethod: 'POST' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { DATA_DIR: dir, UPSTREAM: sb.url, PORT: String(port), PUBLIC_URL: base };
    child = await startConnectorChild(env);
  });
  after(async () => {
    if (child !== undefined && child.exitCode === null) await kill9(child);
    await sb.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const subscribe = (path: string, payload: unknown): Promise<Response> =>
    fetch(`${base}/subscriptions/messages/${path}`, {
      method: 'POST',
      headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  const unsubscribe = (id: string): Promise<Response> =>
    fetch(`${base}/subscriptions/${id}`, {
      method: 'DELETE',
      headers: { authorization: basic(sb.accountSid, sb.authToken) },
    });

  it(
    'receives through a sink, leaves the SmsUrl alone, reuses it, and DELETE removes exactly it',
    { timeout: 90_000 },
    async () => {
      const cb = await callback();
      try {
        const foreign = await sb.client.events.v1.sinks.create({
          description: 'another app’s sink',
          sinkType: 'webhook',
          sinkConfiguration: { destination: `${app.url}/theirs`, method: 'POST', batch_events: false },
        });
        const res = await subscribe('received', {
          callbackUrl: `${cb.url}/in`,
          to: sb.phoneNumber,
          mode: 'event-streams',
        });
        assert.equal(res.status, 201, JSON.stringify(await json(res.clone())));
        const sub = await json(res);
        assert.equal(sub.mode, 'event-streams');
        const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
        assert.equal(number!.smsUrl, `${app.url}/sms`);

        const sinks = await sb.client.events.v1.sinks.list();
        const ours = sinks.filter((s) => s.sid !== foreign.sid);
        assert.equal(ours.length, 1);
        assert.equal(ours[0]!.status, 'active');
        assert.match(ours[0]!.description, new RegExp(`^twilio-connector [0-9a-f]{12} ${sub.id}$`));
        const upstream = await sb.client.events.v1.subscriptions.list({ sinkSid: ours[0]!.sid });
        assert.equal(upstream.length, 1);

        // subscribing again with the same fields is the same subscription, not a second sink
        const again = await json(
          await subscribe('received', { callbackUrl: `${cb.url}/in`, to: sb.phoneNumber, mode: 'event-streams' }),
        );
        assert.equal(again.id, sub.id);
        assert.equal((await sb.client.events.v1.sinks.list()).length, 2);

        const sid = await text(sb, 'hello streams');
        await until(() => (cb.hits.length >= 1 ? true : undefined), 'the received event');
        assert.equal(cb.hits[0]!.body.sid, sid);
        assert.equal(cb.hits[0]!.body.body, 'hello streams');
        assert.equal(cb.hits[0]!.body.to, sb.phoneNumber);
        // the app on the SmsUrl still got its webhook
        await app.waitFor(1, (r) => r.path === '/sms');

        // a CloudEvent Twilio delivers twice (at-least-once) reaches the flow once; an unsigned one not at all
        const event = JSON.stringify([
          {
            specversion: '1.0',
            type: 'com.twilio.messaging.inbound-message.received',
            source: `/2010-04-01/Accounts/${sb.accountSid}/Messages/SM${'1'.repeat(32)}.json`,
            id: `EZ${'2'.repeat(32)}`,
            dataschema: 'https://events-schemas.twilio.com/Messaging.InboundMessageV1/6',
            datacontenttype: 'application/json',
            time: new Date().toISOString(),
            data: {
              messageSid: `SM${'1'.repeat(32)}`,
              accountSid: sb.accountSid,
              from: '+14155550100',
              to: sb.phoneNumber,
              body: 'twice',
            },
          },
        ]);
        const target = `${base}/twilio/events/${sub.id}?bodySHA256=${createHash('sha256').update(event).digest('hex')}`;
        const signature = twilio.getExpectedTwilioSignature(sb.authToken, target, {});
        for (const sig of [signature, signature, 'forged']) {
          const r = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-twilio-signature': sig },
            body: event,
          });
          assert.equal(r.status, sig === 'forged' ? 403 : 204);
        }
        const tampered = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
          body: event.replace('twice', 'thrice'),
        });
        assert.equal(tampered.status, 403);
        await until(() => (cb.hits.length >= 2 ? true : undefined), 'the duplicated event');
        await text(sb, 'after the duplicate');
        await until(() => (cb.hits.length >= 3 ? true : undefined), 'the event after it');
        assert.deepEqual(
          cb.hits.map((h) => String(h.body.body)),
          ['hello streams', 'twice', 'after the duplicate'],
        );

        assert.equal((await unsubscribe(sub.id)).status, 204);
        const left = await sb.client.events.v1.sinks.list();
        assert.deepEqual(
          left.map((s) => s.sid),
          [foreign.sid],
        );
        assert.equal((await sb.client.events.v1.subscriptions.list()).length, 0);
        assert.equal((await sb.client.incomingPhoneNumbers(number!.sid).fetch()).smsUrl, `${app.url}/sms`);
        await sb.client.events.v1.sinks(foreign.sid).remove();
      } finally {
        await close(cb.server);
      }
    },
  );

  it('scope "account" delivers status changes of messages sent by any app', { timeout: 90_000 }, async () => {
    const cb = await callback();
    try {
      const res = await subscribe('status', {
        callbackUrl: `${cb.url}/status`,
        scope: 'account',
        statuses: ['delivered'],
      });
      assert.equal(res.status, 201, JSON.stringify(await json(res.clone())));
      const sub = await json(res);
      assert.equal(sub.scope, 'account');
      // sent straight to Twilio (the sandbox), not through the connector, and with no StatusCallback
      const message = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557650021', body: 'elsewhere' });
      await until(() => (cb.hits.length >= 1 ? true : undefined), 'the status event');
      assert.equal(cb.hits[0]!.body.sid, message.sid);
      assert.equal(cb.hits[0]!.body.status, 'delivered');
      assert.equal(cb.hits[0]!.body.from, sb.phoneNumber);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(cb.hits.length, 1, 'only the statuses asked for');
      assert.equal((await unsubscribe(sub.id)).status, 204);
      assert.equal((await sb.client.events.v1.sinks.list()).length, 0);
    } finally {
      await close(cb.server);
    }
  });

  it('delivers once after a SIGKILL between receipt and delivery', { timeout: 90_000 }, async () => {
    const cbPort = await freePort();
    const res = await subscribe('received', {
      callbackUrl: `http://127.0.0.1:${cbPort}/in`,
      to: sb.phoneNumber,
      mode: 'event-streams',
    });
    assert.equal(res.status, 201);
    const sub = await json(res);
    // the callback is down: the event can only wait in the connector's outbox
    await text(sb, 'survives');
    await until(() => {
      const row = sb.sandbox.ctx.db
        .prepare("SELECT state FROM webhooks WHERE kind = 'event' ORDER BY id DESC LIMIT 1")
        .get() as { state: string } | undefined;
      return row?.state === 'delivered' ? true : undefined;
    }, 'the sandbox to deliver to the connector');
    await kill9(child!);
    const cb = await callback(cbPort);
    try {
      child = await startConnectorChild(env);
      await until(() => (cb.hits.length >= 1 ? true : undefined), 'the event after the restart');
      await text(sb, 'next');
      await until(() => (cb.hits.length >= 2 ? true : undefined), 'the next event');
      assert.deepEqual(
        cb.hits.map((h) => String(h.body.body)),
        ['survives', 'next'],
      );
      assert.equal((await unsubscribe(sub.id)).status, 204);
    } finally {
      await close(cb.server);
    }
  });

  it(
    'a restart removes a ghost sink and subscription it no longer knows, and nobody else’s',
    { timeout: 90_000 },
    async () => {
      const cb = await callback();
      try {
        const kept = await json(
          await subscribe('received', { callbackUrl: `${cb.url}/kept`, to: sb.phoneNumber, mode: 'event-streams' }),
        );
        const ghost = await json(await subscribe('status', { callbackUrl: `${cb.url}/ghost`, scope: 'account' }));
        const foreign = await sb.client.events.v1.sinks.create({
          description: 'twilio-connector 000000000000 not-ours',
          sinkType: 'webhook',
          sinkConfiguration: { destination: `${app.url}/theirs`, method: 'POST', batch_events: false },
        });
        assert.equal((await sb.client.events.v1.sinks.list()).length, 3);
        await kill9(child!);
        // the connector's state loses the subscription (a restored backup, a crash before the row was kept)
        const store = await openStore({ dataDir: dir });
        await store.deleteSubscription(ghost.id as string);
        await store.close();
        child = await startConnectorChild(env);
        await until(
          async () => ((await sb.client.events.v1.sinks.list()).length === 2 ? true : undefined),
          'the ghost sink to go',
        );
        const sinks = await sb.client.events.v1.sinks.list();
        assert.ok(
          sinks.some((s) => s.sid === foreign.sid),
          'another store’s sink stays',
        );
        assert.ok(
          sinks.some((s) => s.description.endsWith(` ${kept.id as string}`)),
          'a known sink stays',
        );
        assert.equal((await sb.client.events.v1.subscriptions.list()).length, 1);
        // the known one still works
        await text(sb, 'still here');
        await until(() => (cb.hits.length >= 1 ? true : undefined), 'the kept subscription’s event');
        assert.equal(cb.hits[0]!.body.body, 'still here');
        assert.equal((await unsubscribe(kept.id as string)).status, 204);
        await sb.client.events.v1.sinks(foreign.sid).remove();
      } finally {
        await close(cb.server);
      }
    },
  );
});
