// Webhook triggers over real sockets. The test plays Twilio where it must (signing with the official
// SDK's own signature function as the oracle) and also drives the sandbox's inbound texts, and a
// real HTTP server stands in for the workflow engine's callback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import {
  resolveSecretKey,
  secretBox,
  trackedStatusCallback,
  type TriggerDeps,
} from '../../src/connector/triggers/index.js';
import type { ConnectorStore } from '../../src/store/index.js';
import { basic, formBody, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startTriggerConnector } from '../helpers/trigger-connector.js';

interface Hit {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  url: string;
}

interface Callback {
  url: string;
  hits: Hit[];
  /** status to answer with (default 200) */
  status: number;
  waitFor(n: number): Promise<Hit[]>;
  close(): Promise<void>;
}

async function startCallback(): Promise<Callback> {
  const waiters: { n: number; resolve: (h: Hit[]) => void }[] = [];
  const cb: Callback = {
    url: '',
    hits: [],
    status: 200,
    waitFor: (n) =>
      new Promise((resolve) => {
        if (cb.hits.length >= n) resolve(cb.hits.slice());
        else waiters.push({ n, resolve });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = cb.status;
      if (status < 300) {
        cb.hits.push({ headers: req.headers, body, url: cb.url + (req.url ?? '') });
        for (const w of waiters.filter((x) => cb.hits.length >= x.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(cb.hits.slice());
        }
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  cb.url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  return cb;
}

/** The JSON event a callback received. */
const parsed = (hit: Hit): any => JSON.parse(hit.body);
/** The message text of a received-message event. */
const textOf = (hit: Hit): string => (JSON.parse(hit.body) as { body: string }).body;

interface Harness {
  sb: TestSandbox;
  app: FastifyInstance;
  url: string;
  store: ConnectorStore;
  close(): Promise<void>;
}

async function harness(over: Partial<TriggerDeps> = {}, sb?: TestSandbox): Promise<Harness> {
  const sandbox = sb ?? (await startSandbox());
  const connector = await startTriggerConnector(sandbox, { triggers: over });
  return {
    sb: sandbox,
    app: connector.app,
    url: connector.url,
    store: connector.store,
    async close() {
      await connector.close();
      if (sb === undefined) await sandbox.close();
    },
  };
}

describe('webhook triggers: messages received', () => {
  let h: Harness;
  let cb: Callback;
  let other: Callback;
  let firstId = '';
  let secondId = '';
  before(async () => {
    h = await harness();
    cb = await startCallback();
    other = await startCallback();
  });
  after(async () => {
    await h.close();
    await cb.close();
    await other.close();
  });

  const auth = (): Record<string, string> => ({
    authorization: basic(h.sb.accountSid, h.sb.authToken),
    'content-type': 'application/json',
  });
  const subscribe = (payload: unknown): Promise<Response> =>
    fetch(`${h.url}/subscriptions/messages/received`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify(payload),
    });

  /** Posts to the connector as Twilio would: a form signed with the account's auth token. */
  async function asTwilio(params: Record<string, string>, signature?: string): Promise<Response> {
    const target = `${h.url}/twilio/messages/received`;
    const sig = signature ?? twilio.getExpectedTwilioSignature(h.sb.authToken, target, params);
    return fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
      body: formBody(params),
    });
  }

  let n = 0;
  const inbound = (body: string, extra: Record<string, string> = {}): Record<string, string> => ({
    MessageSid: `SM${(++n).toString(16).padStart(32, '0')}`,
    AccountSid: h.sb.accountSid,
    From: '+14155550100',
    To: h.sb.phoneNumber,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
    ...extra,
  });

  it('subscribes: 201 with Location, and the number now points at the connector', { timeout: 60_000 }, async () => {
    const [number] = await h.sb.client.incomingPhoneNumbers.list({ phoneNumber: h.sb.phoneNumber });
    await h.sb.client
      .incomingPhoneNumbers(number!.sid)
      .update({ smsUrl: 'https://example.com/previous', smsMethod: 'GET' });
    const res = await subscribe({ callbackUrl: `${cb.url}/first`, to: h.sb.phoneNumber, autoReply: 'Thanks <3' });
    assert.equal(res.status, 201);
    const body = await json(res);
    firstId = body.id;
    assert.equal(res.headers.get('location'), `${h.url}/subscriptions/${firstId}`);
    const after = await h.sb.client.incomingPhoneNumbers(number!.sid).fetch();
    assert.equal(after.smsUrl, `${h.url}/twilio/messages/received`);
    assert.equal(after.smsMethod, 'POST');
  });

  it('rejects bad subscriptions with clear 4xx errors', { timeout: 60_000 }, async () => {
    for (const [payload, field] of [
      [{ to: h.sb.phoneNumber }, 'callbackUrl'],
      [{ callbackUrl: 'ftp://x', to: h.sb.phoneNumber }, 'callbackUrl'],
      [{ callbackUrl: cb.url, to: 'nope' }, 'to'],
      [{ callbackUrl: cb.url, to: 5 }, 'to'],
      [{ callbackUrl: cb.url, to: '+15005550199' }, 'to'],
      [{ callbackUrl: cb.url, to: h.sb.phoneNumber, autoReply: 5 }, 'autoReply'],
      [[1, 2], 'object'],
    ] as const) {
      const res = await subscribe(payload);
      assert.equal(res.status, 400, JSON.stringify(payload));
      assert.match((await json(res)).error.message, new RegExp(field));
    }
    const anon = await fetch(`${h.url}/subscriptions/messages/received`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(anon.status, 401);
  });

  it(
    'answers Twilio at once with the auto-reply and delivers the Message model (SMS and MMS)',
    { timeout: 60_000 },
    async () => {
      const sms = inbound('hello');
      const res = await asTwilio(sms);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /xml/);
      assert.equal(
        await res.text(),
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &#60;3</Message></Response>',
      );
      const mms = inbound('a picture', {
        NumMedia: '1',
        MediaUrl0: 'https://example.com/cat.jpg',
        MediaContentType0: 'image/jpeg',
      });
      assert.equal((await asTwilio(mms)).status, 200);
      const hits = await cb.waitFor(2);
      const [first, second] = hits.map(parsed);
      assert.equal(first.sid, sms.MessageSid);
      assert.equal(first.body, 'hello');
      assert.equal(first.direction, 'inbound');
      assert.equal(first.from, '+14155550100');
      assert.equal(first.to, h.sb.phoneNumber);
      assert.equal(second.num_media, '1');
      assert.deepEqual(second.media, [{ url: 'https://example.com/cat.jpg', content_type: 'image/jpeg' }]);
      assert.equal(hits[0]!.headers['content-type'], 'application/json');
      assert.equal(hits[0]!.headers['idempotency-key'], `${firstId}:${sms.MessageSid}`);
    },
  );

  it('refuses forged and missing signatures with 403 and stores nothing', { timeout: 60_000 }, async () => {
    const before = cb.hits.length;
    const forged = inbound('forged');
    assert.equal((await asTwilio(forged, 'bm90IGEgc2lnbmF0dXJl')).status, 403);
    const tampered = inbound('tampered');
    const sig = twilio.getExpectedTwilioSignature(h.sb.authToken, `${h.url}/twilio/messages/received`, tampered);
    assert.equal((await asTwilio({ ...tampered, Body: 'changed' }, sig)).status, 403);
    const missing = await fetch(`${h.url}/twilio/messages/received`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(inbound('unsigned')),
    });
    assert.equal(missing.status, 403);
    // a valid one afterwards is the only one that arrives (same number: delivered in order)
    const valid = inbound('valid');
    assert.equal((await asTwilio(valid)).status, 200);
    const hits = await cb.waitFor(before + 1);
    assert.deepEqual(hits.slice(before).map(textOf), ['valid']);
    const stored = [
      ...(await h.store.listOutbox(h.sb.accountSid, 'pending', 500)),
      ...(await h.store.listOutbox(h.sb.accountSid, 'delivered', 500)),
    ].map((e) => JSON.parse(e.payload).body.body as string);
    assert.ok(stored.includes('valid'));
    for (const body of ['forged', 'tampered', 'changed', 'unsigned']) assert.ok(!stored.includes(body), body);
  });

  it(
    "delivers Twilio's retries of one message once, and every message to every subscription",
    { timeout: 60_000 },
    async () => {
      const res = await subscribe({ callbackUrl: `${other.url}/second`, to: h.sb.phoneNumber });
      secondId = (await json(res)).id;
      const before = cb.hits.length;
      const m = inbound('twice');
      await asTwilio(m);
      await asTwilio(m);
      const next = inbound('next');
      await asTwilio(next);
      const mine = await cb.waitFor(before + 2);
      const theirs = await other.waitFor(2);
      assert.deepEqual(mine.slice(before).map(textOf), ['twice', 'next']);
      assert.deepEqual(theirs.map(textOf), ['twice', 'next']);
    },
  );

  it(
    'keeps events while the callback is down and delivers each once, in order, when it is up',
    { timeout: 60_000 },
    async () => {
      const before = other.hits.length;
      const beforeFirst = cb.hits.length;
      other.status = 503;
      const bodies = ['d1', 'd2', 'd3', 'd4', 'd5'];
      for (const b of bodies) assert.equal((await asTwilio(inbound(b))).status, 200);
      // one failing subscriber holds back no other
      const firstGot = await cb.waitFor(beforeFirst + 5);
      assert.deepEqual(firstGot.slice(beforeFirst).map(textOf), bodies);
      assert.equal(other.hits.length, before);
      other.status = 200;
      const hits = await other.waitFor(before + 5);
      assert.deepEqual(hits.slice(before).map(textOf), bodies);
    },
  );

  it(
    'delivers a text sent through the sandbox (its signed webhook → connector → callback)',
    { timeout: 60_000 },
    async () => {
      const before = cb.hits.length;
      const res = await h.sb.request('POST', '/_sandbox/inbound', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          From: '+14155550123',
          To: h.sb.phoneNumber,
          Body: 'through the sandbox',
          MediaUrl: ['https://example.com/dog.png'],
        }),
      });
      assert.equal(res.status, 201);
      const sid = (await json(res)).sid as string;
      const hits = await cb.waitFor(before + 1);
      const got = JSON.parse(hits[before]!.body);
      assert.equal(got.sid, sid);
      assert.equal(got.body, 'through the sandbox');
      assert.equal(got.num_media, '1');
    },
  );

  it('watches the only number of the account when `to` is left out', { timeout: 60_000 }, async () => {
    const res = await subscribe({ callbackUrl: `${cb.url}/any` });
    assert.equal(res.status, 201);
    const body = await json(res);
    assert.equal(body.to, h.sb.phoneNumber);
    const del = await fetch(`${h.url}/subscriptions/${body.id as string}`, {
      method: 'DELETE',
      headers: { authorization: basic(h.sb.accountSid, h.sb.authToken) },
    });
    assert.equal(del.status, 204);
  });

  it('unsubscribes: the last DELETE restores the previous SmsUrl and method', { timeout: 60_000 }, async () => {
    const del = (id: string): Promise<Response> =>
      fetch(`${h.url}/subscriptions/${id}`, {
        method: 'DELETE',
        headers: { authorization: basic(h.sb.accountSid, h.sb.authToken) },
      });
    assert.equal((await del(firstId)).status, 204);
    const [number] = await h.sb.client.incomingPhoneNumbers.list({ phoneNumber: h.sb.phoneNumber });
    assert.equal(number!.smsUrl, `${h.url}/twilio/messages/received`, 'another subscription still uses it');
    assert.equal((await del(secondId)).status, 204);
    const restored = await h.sb.client.incomingPhoneNumbers(number!.sid).fetch();
    assert.equal(restored.smsUrl, 'https://example.com/previous');
    assert.equal(restored.smsMethod, 'GET');
    // a workflow engine deleting its flow must always succeed: gone, never known or another account's
    assert.equal((await del(secondId)).status, 204, 'already gone');
    assert.equal((await del('00000000-0000-4000-8000-000000000000')).status, 204, 'never existed');
    const restoredAgain = await h.sb.client.incomingPhoneNumbers(number!.sid).fetch();
    assert.equal(restoredAgain.smsUrl, 'https://example.com/previous', 'a repeated DELETE changes nothing');
  });

  it(
    'unsubscribes the way Logic Apps does: any Content-Type, an empty or stray body',
    { timeout: 60_000 },
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await subscribe({ callbackUrl: `${cb.url}/tolerant${i}`, to: h.sb.phoneNumber });
        assert.equal(res.status, 201);
        ids.push((await json(res)).id as string);
      }
      const authorization = basic(h.sb.accountSid, h.sb.authToken);
      const cases: { headers: Record<string, string>; body?: string }[] = [
        { headers: { authorization, 'content-type': 'application/json' } },
        { headers: { authorization, 'content-type': 'application/json' }, body: '' },
        { headers: { authorization, 'content-type': 'text/plain; charset=utf-8' }, body: 'not json at all' },
      ];
      for (const [i, c] of cases.entries()) {
        const res = await fetch(`${h.url}/subscriptions/${ids[i]!}`, { method: 'DELETE', ...c });
        assert.equal(res.status, 204, `${JSON.stringify(c.headers)}: ${await res.text()}`);
        assert.equal(await h.store.getSubscription(ids[i]!), undefined);
      }
      const [number] = await h.sb.client.incomingPhoneNumbers.list({ phoneNumber: h.sb.phoneNumber });
      assert.equal(number!.smsUrl, 'https://example.com/previous', 'the last one restored the number');
    },
  );
});

describe('webhook triggers: status changes and dead letters', () => {
  let h: Harness;
  let cb: Callback;
  let own: Callback;
  before(async () => {
    h = await harness({ delivery: { baseDelayMs: 10, maxDelayMs: 20, pollMs: 20, retryWindowMs: 200 } });
    cb = await startCallback();
    own = await startCallback();
  });
  after(async () => {
    await h.close();
    await cb.close();
    await own.close();
  });
  const auth = (): Record<string, string> => ({
    authorization: basic(h.sb.accountSid, h.sb.authToken),
    'content-type': 'application/json',
  });

  it(
    'fans chosen statuses out and forwards the caller’s own status callback, signed for its URL',
    { timeout: 60_000 },
    async () => {
      const res = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ callbackUrl: cb.url, statuses: ['delivered', 'failed'] }),
      });
      assert.equal(res.status, 201);
      const bad = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ callbackUrl: cb.url, statuses: ['nearly'] }),
      });
      assert.equal(bad.status, 400);

      const forward = `${own.url}/mine?x=1`;
      const target = trackedStatusCallback(h.url, {
        key: await h.app.trust.key(),
        accountSid: h.sb.accountSid,
        url: forward,
      });
      const sid = 'SM' + 'a'.repeat(32);
      for (const status of ['sent', 'delivered', 'delivered']) {
        const params = {
          MessageSid: sid,
          AccountSid: h.sb.accountSid,
          From: h.sb.phoneNumber,
          To: '+14155550100',
          MessageStatus: status,
        };
        const r = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(h.sb.authToken, target, params),
          },
          body: formBody(params),
        });
        assert.equal(r.status, 204);
      }
      const hits = await cb.waitFor(1);
      assert.deepEqual(JSON.parse(hits[0]!.body), {
        ...JSON.parse(hits[0]!.body),
        sid,
        status: 'delivered',
      });
      const forwarded = await own.waitFor(2);
      assert.deepEqual(
        forwarded.map((x) => new URLSearchParams(x.body).get('MessageStatus')),
        ['sent', 'delivered'],
      );
      const f = forwarded[1]!;
      assert.ok(
        twilio.validateRequest(
          h.sb.authToken,
          String(f.headers['x-twilio-signature']),
          forward,
          Object.fromEntries(new URLSearchParams(f.body)),
        ),
        'the forwarded callback validates with the official SDK',
      );
      assert.equal(cb.hits.length, 1, 'sent was filtered out and the repeat was dropped');
    },
  );

  it('accepts the published single `status` and `from` filters', { timeout: 60_000 }, async () => {
    const mine = await startCallback();
    const elsewhere = await startCallback();
    try {
      for (const [url, from] of [
        [mine.url, h.sb.phoneNumber],
        [elsewhere.url, '+15005550006'],
      ] as const) {
        const res = await fetch(`${h.url}/subscriptions/messages/status`, {
          method: 'POST',
          headers: auth(),
          body: JSON.stringify({ callbackUrl: url, status: 'undelivered', from }),
        });
        assert.equal(res.status, 201);
        assert.equal((await json(res)).from, from);
      }
      const target = `${h.url}/twilio/messages/status`;
      for (const status of ['sent', 'undelivered']) {
        const params = {
          MessageSid: 'SM' + 'd'.repeat(32),
          AccountSid: h.sb.accountSid,
          From: h.sb.phoneNumber,
          To: '+14155550100',
          MessageStatus: status,
        };
        const r = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(h.sb.authToken, target, params),
          },
          body: formBody(params),
        });
        assert.equal(r.status, 204);
      }
      const [hit] = await mine.waitFor(1);
      assert.equal((parsed(hit!) as { status: string }).status, 'undelivered');
      // the stored events decide: nothing was queued for the other sender's subscription
      const queued = [
        ...(await h.store.listOutbox(h.sb.accountSid, 'pending', 500)),
        ...(await h.store.listOutbox(h.sb.accountSid, 'delivered', 500)),
      ].filter((e) => e.callback_url === elsewhere.url);
      assert.deepEqual(queued, []);
      const bad = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ callbackUrl: mine.url, status: 'lost' }),
      });
      assert.equal(bad.status, 400);
    } finally {
      await mine.close();
      await elsewhere.close();
    }
  });

  it('lists events whose retries ran out as dead letters', { timeout: 60_000 }, async () => {
    const down = await startCallback();
    down.status = 500;
    try {
      const res = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify({ callbackUrl: `${down.url}/down?sig=s3cret` }),
      });
      const id = (await json(res)).id as string;
      const target = `${h.url}/twilio/messages/status`;
      const params = {
        MessageSid: 'SM' + 'b'.repeat(32),
        AccountSid: h.sb.accountSid,
        MessageStatus: 'failed',
        To: '+1415',
      };
      await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(h.sb.authToken, target, params),
        },
        body: formBody(params),
      });
      for (;;) {
        const list = await fetch(`${h.url}/subscriptions/dead-letters`, { headers: auth() });
        const dead = (
          (await json(list)).value as { subscription_id: string; last_error: string; payload: any }[]
        ).filter((d) => d.subscription_id === id);
        if (dead.length > 0) {
          assert.equal(dead[0]!.last_error, 'callback answered 500');
          assert.equal(
            (dead[0] as unknown as { callback_url: string }).callback_url,
            `${down.url}/down`,
            'no signature shown',
          );
          assert.equal(dead[0]!.payload.body.status, 'failed');
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await down.close();
    }
  });
});

describe('webhook triggers without a secret key', () => {
  it('refuses to store credentials for subscriptions', { timeout: 60_000 }, async () => {
    const h = await harness({ secretKey: undefined });
    try {
      const res = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: { authorization: basic(h.sb.accountSid, h.sb.authToken), 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: 'http://127.0.0.1:9/x' }),
      });
      assert.equal(res.status, 503);
      assert.match((await json(res)).error.message, /CONNECTOR_SECRET_KEY/);
    } finally {
      await h.close();
    }
  });
});

describe('webhook triggers: status callbacks from the sandbox lifecycle', () => {
  let h: Harness;
  let cb: Callback;
  let own: Callback;
  before(async () => {
    h = await harness();
    cb = await startCallback();
    own = await startCallback();
  });
  after(async () => {
    await h.close();
    await cb.close();
    await own.close();
  });

  it('routes a tracked message’s status callbacks to subscribers and to the caller’s own callback', async () => {
    const res = await fetch(`${h.url}/subscriptions/messages/status`, {
      method: 'POST',
      headers: { authorization: basic(h.sb.accountSid, h.sb.authToken), 'content-type': 'application/json' },
      body: JSON.stringify({ callbackUrl: cb.url }),
    });
    assert.equal(res.status, 201);
    const message = await h.sb.client.messages.create({
      from: h.sb.phoneNumber,
      to: '+14155550123',
      body: 'track me',
      statusCallback: trackedStatusCallback(h.url, {
        key: await h.app.trust.key(),
        accountSid: h.sb.accountSid,
        url: `${own.url}/own`,
      }),
    });
    let hits = await cb.waitFor(1);
    for (let n = 2; !hits.some((x) => (parsed(x) as { status: string }).status === 'delivered'); n++) {
      hits = await cb.waitFor(n);
    }
    const statuses = hits.map((x) => parsed(x) as { sid: string; status: string });
    assert.ok(statuses.every((s) => s.sid === message.sid));
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['queued', 'sending', 'sent', 'delivered'].filter((s) => statuses.some((x) => x.status === s)),
      'in the order they happened',
    );
    assert.equal(statuses[statuses.length - 1]!.status, 'delivered');
    const forwarded = await own.waitFor(statuses.length);
    assert.deepEqual(
      forwarded.map((x) => new URLSearchParams(x.body).get('MessageStatus')),
      statuses.map((s) => s.status),
    );
  });
});

describe('SendMessage with track_status', () => {
  it('sends through the connector and its status changes reach the status subscription and status_callback', async () => {
    const h = await harness();
    const cb = await startCallback();
    const own = await startCallback();
    try {
      const headers = { authorization: basic(h.sb.accountSid, h.sb.authToken), 'content-type': 'application/json' };
      const sub = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ callbackUrl: cb.url, statuses: ['delivered'] }),
      });
      assert.equal(sub.status, 201);
      const sent = await fetch(`${h.url}/Messages.json`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          from: h.sb.phoneNumber,
          to: '+14155550123',
          body: 'tracked',
          status_callback: `${own.url}/mine`,
          track_status: true,
        }),
      });
      assert.equal(sent.status, 200, await sent.clone().text());
      const sid = (await json(sent)).sid as string;
      const [hit] = await cb.waitFor(1);
      assert.equal((parsed(hit!) as { sid: string }).sid, sid);
      assert.equal((parsed(hit!) as { status: string }).status, 'delivered');
      let mine = await own.waitFor(1);
      for (let n = 2; !mine.some((x) => new URLSearchParams(x.body).get('MessageStatus') === 'delivered'); n++) {
        mine = await own.waitFor(n);
      }
      assert.ok(mine.every((x) => new URLSearchParams(x.body).get('MessageSid') === sid));
    } finally {
      await h.close();
      await cb.close();
      await own.close();
    }
  });
});

describe('SendMessage while a status subscription exists', () => {
  it('tracks every send without track_status, except those that opt out with track_status: false', async () => {
    const h = await harness();
    const cb = await startCallback();
    const own = await startCallback();
    try {
      const headers = { authorization: basic(h.sb.accountSid, h.sb.authToken), 'content-type': 'application/json' };
      const send = async (extra: Record<string, unknown>): Promise<string> => {
        const res = await fetch(`${h.url}/Messages.json`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ from: h.sb.phoneNumber, to: '+14155550123', body: 'plain send', ...extra }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        return (await json(res)).sid as string;
      };
      // asked once before subscribing: the cached "no" must not outlive the subscribe below
      await send({});
      const sub = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ callbackUrl: cb.url, statuses: ['delivered'] }),
      });
      assert.equal(sub.status, 201);
      const subId = (await json(sub)).id as string;
      const optedOut = await send({ track_status: false });
      const plain = await send({ status_callback: `${own.url}/mine` });
      // events of one subscription and sender arrive in order: an opted-out send would come first
      const [hit] = await cb.waitFor(1);
      assert.equal((parsed(hit!) as { sid: string }).sid, plain);
      assert.notEqual(plain, optedOut);
      let mine = await own.waitFor(1);
      for (let n = 2; !mine.some((x) => new URLSearchParams(x.body).get('MessageStatus') === 'delivered'); n++) {
        mine = await own.waitFor(n);
      }
      assert.ok(
        mine.every((x) => new URLSearchParams(x.body).get('MessageSid') === plain),
        'the caller’s own callback',
      );

      // unsubscribing ends it at once in this process: the next send goes straight to Twilio
      const del = await fetch(`${h.url}/subscriptions/${subId}`, { method: 'DELETE', headers });
      assert.equal(del.status, 204);
      const again = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ callbackUrl: `${cb.url}/second`, statuses: ['delivered'] }),
      });
      assert.equal(again.status, 201);
      const afterResubscribe = await send({});
      const hits = await cb.waitFor(2);
      assert.equal((parsed(hits[1]!) as { sid: string }).sid, afterResubscribe);
      assert.equal(hits[1]!.url, `${cb.url}/second`);
    } finally {
      await h.close();
      await cb.close();
      await own.close();
    }
  });
});

describe('webhook triggers: signed URLs behind a proxy and secrets at rest', () => {
  it('checks signatures against --public-url, and against forwarded headers only when trusted', async () => {
    const sb = await startSandbox();
    const plain = await harness({}, sb);
    const trusting = await harness({ trustProxy: true }, sb);
    // a public URL elsewhere makes the connector public: the test's receivers are on loopback
    const fixed = await harness({ publicUrl: 'https://hooks.example.com/base', allowPrivateCallbacks: true }, sb);
    try {
      for (const x of [plain, trusting, fixed]) {
        const res = await fetch(`${x.url}/subscriptions/messages/status`, {
          method: 'POST',
          headers: { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' },
          body: JSON.stringify({ callbackUrl: 'http://127.0.0.1:9/unused' }),
        });
        assert.equal(res.status, 201);
      }
      const params = { MessageSid: 'SM' + 'c'.repeat(32), AccountSid: sb.accountSid, MessageStatus: 'sent', To: '+1' };
      const post = (base: string, signedFor: string, headers: Record<string, string> = {}): Promise<number> =>
        fetch(`${base}/twilio/messages/status`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(sb.authToken, signedFor, params),
            ...headers,
          },
          body: formBody(params),
        }).then((r) => r.status);
      const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example.org' };
      const publicTarget = 'https://public.example.org/twilio/messages/status';
      assert.equal(await post(trusting.url, publicTarget, proxied), 204);
      assert.equal(await post(plain.url, publicTarget, proxied), 403, 'forwarded headers ignored unless trusted');
      assert.equal(await post(plain.url, `${plain.url}/twilio/messages/status`), 204);
      assert.equal(await post(fixed.url, 'https://hooks.example.com/base/twilio/messages/status'), 204);
      assert.equal(await post(fixed.url, `${fixed.url}/twilio/messages/status`), 403);
    } finally {
      await plain.close();
      await trusting.close();
      await fixed.close();
      await sb.close();
    }
  });

  it('keeps the auth token only sealed, under a key that other data dirs do not share', async () => {
    const h = await harness();
    try {
      const res = await fetch(`${h.url}/subscriptions/messages/status`, {
        method: 'POST',
        headers: { authorization: basic(h.sb.accountSid, h.sb.authToken), 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: 'http://127.0.0.1:9/unused' }),
      });
      const id = (await json(res)).id as string;
      const sub = await h.store.getSubscription(id);
      assert.ok(sub !== undefined);
      assert.ok(!sub.credentials.includes(h.sb.authToken));
      assert.match(sub.credentials, /^v1\./);
      const dirA = mkdtempSync(join(tmpdir(), 'tc-key-'));
      const dirB = mkdtempSync(join(tmpdir(), 'tc-key-'));
      try {
        const a = resolveSecretKey({ dataDir: dirA, sandboxUpstream: true })!;
        assert.deepEqual(resolveSecretKey({ dataDir: dirA, sandboxUpstream: true }), a, 'stable per data dir');
        assert.equal(statSync(join(dirA, 'secret.key')).mode & 0o777, 0o600);
        const b = resolveSecretKey({ dataDir: dirB, sandboxUpstream: true })!;
        const sealed = secretBox(a).seal('token');
        assert.equal(secretBox(a).open(sealed), 'token');
        assert.throws(() => secretBox(b).open(sealed));
        assert.equal(
          resolveSecretKey({ dataDir: dirB, sandboxUpstream: false }),
          undefined,
          'real Twilio: no key, no secrets',
        );
      } finally {
        rmSync(dirA, { recursive: true, force: true });
        rmSync(dirB, { recursive: true, force: true });
      }
    } finally {
      await h.close();
    }
  });
});
