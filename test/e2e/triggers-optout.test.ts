// The opt-out trigger over real sockets: the sandbox texts the connector's SmsUrl as Twilio would
// (signed), the connector posts each keyword to a real callback server, and SendMessage reports the
// block the sandbox keeps.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import type { ConnectorStore } from '../../src/store/index.js';
import { CONTROL, formBody, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startTriggerConnector, type TriggerConnector } from '../helpers/trigger-connector.js';

const PHONE = '+15557650111';

interface Callback {
  url: string;
  events: Record<string, unknown>[];
  waitFor(n: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function startCallback(): Promise<Callback> {
  const waiters: { n: number; resolve: (e: Record<string, unknown>[]) => void }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      cb.events.push(JSON.parse(body) as Record<string, unknown>);
      for (const w of waiters.filter((x) => cb.events.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(cb.events.slice());
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const cb: Callback = {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`,
    events: [],
    waitFor: (n) =>
      new Promise((resolve) => {
        if (cb.events.length >= n) resolve(cb.events.slice());
        else waiters.push({ n, resolve });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return cb;
}

describe('the opt-out trigger', () => {
  let sb: TestSandbox;
  let connector: TriggerConnector;
  let url = '';
  let store: ConnectorStore;
  let cb: Callback;
  let received: Callback;

  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    connector = await startTriggerConnector(sb);
    ({ url, store } = connector);
    cb = await startCallback();
    received = await startCallback();
  });
  after(async () => {
    await connector.close();
    await sb.close();
    await cb.close();
    await received.close();
  });

  const call = (method: string, path: string, payload?: unknown, token?: string): Promise<Response> =>
    connector.call(method, path, payload, token);

  /** A phone texts the sandbox number; the sandbox posts the signed webhook to the number's SmsUrl. */
  async function text(body: string, to = sb.phoneNumber): Promise<string> {
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: PHONE, To: to, Body: body }),
    });
    assert.equal(res.status, 201);
    return String((await json(res)).sid);
  }

  let optOutId = '';
  let receivedId = '';

  it('refuses bad subscriptions and unproven callers before anything is stored', { timeout: 60_000 }, async () => {
    for (const [payload, field] of [
      [{ to: sb.phoneNumber }, 'callbackUrl'],
      [{ callbackUrl: 'ftp://x', to: sb.phoneNumber }, 'callbackUrl'],
      [{ callbackUrl: cb.url, to: 'nope' }, 'to'],
      [{ callbackUrl: cb.url, to: '+15005550199' }, 'to'],
      [{ callbackUrl: cb.url, type: 'stop' }, 'type'],
    ] as const) {
      const res = await call('POST', '/subscriptions/messages/optout', payload);
      assert.equal(res.status, 400, JSON.stringify(payload));
      assert.match((await json(res)).error.message, new RegExp(field));
    }
    const refused = await call('POST', '/subscriptions/messages/optout', { callbackUrl: 'http://169.254.169.254/x' });
    assert.equal(refused.status, 400);
    assert.equal((await json(refused)).error.code, 'CALLBACK_URL_REFUSED');
    const wrong = await call('POST', '/subscriptions/messages/optout', { callbackUrl: cb.url }, 'not-the-token');
    assert.equal(wrong.status, 401);
    assert.equal((await store.listSubscriptions(sb.accountSid, 'optout')).length, 0);
  });

  it('subscribes on the number (SmsUrl to the connector) next to a received trigger', { timeout: 60_000 }, async () => {
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.incomingPhoneNumbers(number!.sid).update({ smsUrl: 'https://example.com/app', smsMethod: 'POST' });
    // without `to`, the account's only number
    const res = await call('POST', '/subscriptions/messages/optout', { callbackUrl: `${cb.url}/optout` });
    assert.equal(res.status, 201);
    const sub = await json(res);
    optOutId = sub.id;
    assert.equal(sub.kind, 'optout');
    assert.equal(sub.to, sb.phoneNumber);
    assert.equal(res.headers.get('location'), `${url}/subscriptions/${optOutId}`);
    assert.equal((await sb.client.incomingPhoneNumbers(number!.sid).fetch()).smsUrl, `${url}/twilio/messages/received`);
    const other = await call('POST', '/subscriptions/messages/received', { callbackUrl: received.url });
    assert.equal(other.status, 201);
    receivedId = (await json(other)).id;
  });

  it(
    'posts one event per keyword, in order, and none for other messages; SendMessage says the recipient opted out',
    { timeout: 60_000 },
    async () => {
      const stop = await text(' Stop ');
      await text('stop by later?');
      const events = await cb.waitFor(1);
      assert.deepEqual(events[0], {
        type: 'opt-out',
        from: PHONE,
        to: sb.phoneNumber,
        body: ' Stop ',
        message_sid: stop,
        messaging_service_sid: null,
      });
      const send = await call('POST', '/Messages.json', { from: sb.phoneNumber, to: PHONE, body: 'Sale!' });
      assert.equal(send.status, 400);
      const { error } = await json(send);
      assert.equal(error.code, 'RECIPIENT_OPTED_OUT');
      assert.equal(error.twilio_code, 21610);
      const help = await text('HELP');
      const start = await text('start');
      const all = await cb.waitFor(3);
      assert.deepEqual(
        all.map((e) => [e['type'], e['message_sid']]),
        [
          ['opt-out', stop],
          ['help', help],
          ['opt-in', start],
        ],
      );
      // the received trigger saw every message, keywords included
      const bodies = (await received.waitFor(4)).map((e) => e['body']);
      assert.deepEqual(bodies, [' Stop ', 'stop by later?', 'HELP', 'start']);
      const again = await call('POST', '/Messages.json', { from: sb.phoneNumber, to: PHONE, body: 'Welcome back' });
      assert.equal(again.status, 200);
      assert.equal((await json(again)).status, 'queued');
    },
  );

  it('posts WhatsApp keywords to the subscription of the number they were sent to', { timeout: 60_000 }, async () => {
    const wa = (to: string, body: string): Promise<Response> =>
      fetch(`${sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ From: `whatsapp:${PHONE}`, To: `whatsapp:${to}`, Body: body }),
      });
    const before = cb.events.length;
    const stop = await wa(sb.phoneNumber, 'STOP');
    assert.equal(stop.status, 201);
    const stopSid = String((await json(stop)).sid);
    const [event] = (await cb.waitFor(before + 1)).slice(before);
    assert.deepEqual(event, {
      type: 'opt-out',
      from: `whatsapp:${PHONE}`,
      to: `whatsapp:${sb.phoneNumber}`,
      body: 'STOP',
      message_sid: stopSid,
      messaging_service_sid: null,
    });
    const send = await call('POST', '/Messages.json', {
      from: `whatsapp:${sb.phoneNumber}`,
      to: `whatsapp:${PHONE}`,
      body: 'Sale!',
    });
    assert.equal(send.status, 400);
    assert.equal((await json(send)).error.code, 'RECIPIENT_OPTED_OUT');
    const start = await wa(sb.phoneNumber, 'START');
    assert.equal(start.status, 201);
    const [optIn] = (await cb.waitFor(before + 2)).slice(before + 1);
    assert.equal(optIn?.['type'], 'opt-in');
  });

  it('uses OptOutType: a Messaging Service’s own keywords with Advanced Opt-Out', { timeout: 60_000 }, async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Alerts' });
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: number!.sid });
    const put = await fetch(`${sb.url}/_sandbox/services/${service.sid}/opt-out`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, opt_out_keywords: ['PAUSE'] }),
    });
    assert.equal(put.status, 200);
    const before = cb.events.length;
    const pause = await text('pause');
    const [event] = (await cb.waitFor(before + 1)).slice(before);
    assert.deepEqual(event, {
      type: 'opt-out',
      from: PHONE,
      to: sb.phoneNumber,
      body: 'pause',
      message_sid: pause,
      messaging_service_sid: service.sid,
    });
    await fetch(`${sb.url}/_sandbox/opt-outs`, { method: 'DELETE', headers: CONTROL });
  });

  it('answers 403 to an unsigned or forged keyword webhook and posts nothing', { timeout: 60_000 }, async () => {
    const params = {
      MessageSid: `SM${'f'.repeat(32)}`,
      AccountSid: sb.accountSid,
      From: PHONE,
      To: sb.phoneNumber,
      Body: 'STOP',
    };
    const target = `${url}/twilio/messages/received`;
    const before = cb.events.length;
    for (const signature of ['', twilio.getExpectedTwilioSignature('wrong-token', target, params)]) {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: formBody(params),
      });
      assert.equal(res.status, 403);
    }
    // a signed one proves the endpoint would have taken it, so nothing above was merely late
    const signed = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(sb.authToken, target, params),
      },
      body: formBody(params),
    });
    assert.equal(signed.status, 200);
    const events = await cb.waitFor(before + 1);
    assert.deepEqual(
      events.slice(before).map((e) => e['message_sid']),
      [params.MessageSid],
    );
  });

  it('unsubscribes; the last subscription on the number gives its SmsUrl back', { timeout: 60_000 }, async () => {
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    assert.equal((await call('DELETE', `/subscriptions/${optOutId}`)).status, 204);
    assert.equal((await sb.client.incomingPhoneNumbers(number!.sid).fetch()).smsUrl, `${url}/twilio/messages/received`);
    assert.equal((await call('DELETE', `/subscriptions/${receivedId}`)).status, 204);
    assert.equal((await sb.client.incomingPhoneNumbers(number!.sid).fetch()).smsUrl, 'https://example.com/app');
    assert.equal((await call('DELETE', `/subscriptions/${optOutId}`)).status, 204, 'idempotent');
    assert.equal((await store.listSubscriptions(sb.accountSid, 'optout')).length, 0);
  });
});
