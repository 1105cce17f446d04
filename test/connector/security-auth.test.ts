// Credentials are verified, not parsed: with the account SID and a wrong token, no route that reads
// or changes connector state does anything, and the state it would have touched is unchanged
// afterwards. Idempotency keys belong to the credential that used them. Over real sockets, against
// the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, json } from '../helpers/sandbox.js';
import { startSecure, type SecureHarness } from './security-harness.js';

describe('security: a wrong token on every state route', () => {
  let h: SecureHarness;
  let subId = '';
  let numberSid = '';
  let hookUrl = '';
  before(async () => {
    h = await startSecure();
    const [number] = await h.sb.client.incomingPhoneNumbers.list({ phoneNumber: h.sb.phoneNumber });
    numberSid = number!.sid;
    await h.sb.client.incomingPhoneNumbers(numberSid).update({ smsUrl: 'https://example.com/own', smsMethod: 'GET' });
    const res = await h.call('POST', '/subscriptions/messages/received', {
      json: { callbackUrl: 'http://127.0.0.1:9/hook', to: h.sb.phoneNumber },
    });
    assert.equal(res.status, 201);
    subId = (await json(res)).id;
    hookUrl = `${h.url}/twilio/messages/received`;
  });
  after(() => h.close());

  const refused = async (res: Response): Promise<void> => {
    assert.equal(res.status, 401, `${res.url}: ${res.status}`);
    const { error } = await json(res);
    assert.equal(error.code, 'TWILIO_AUTH_FAILED');
    assert.match(error.message, /the Auth Token is not the one of this Account SID/);
  };

  it('refuses to create subscriptions, and stores nothing nor touches the number', async () => {
    await refused(
      await h.call('POST', '/subscriptions/messages/received', {
        auth: h.wrongAuth,
        json: { callbackUrl: 'http://127.0.0.1:9/attacker', to: h.sb.phoneNumber },
      }),
    );
    await refused(
      await h.call('POST', '/subscriptions/messages/status', {
        auth: h.wrongAuth,
        json: { callbackUrl: 'http://127.0.0.1:9/attacker' },
      }),
    );
    const received = await h.store.listSubscriptions(h.sb.accountSid, 'received');
    const status = await h.store.listSubscriptions(h.sb.accountSid, 'status');
    assert.deepEqual(
      received.map((s) => s.id),
      [subId],
    );
    assert.equal(status.length, 0);
    assert.equal((await h.sb.client.incomingPhoneNumbers(numberSid).fetch()).smsUrl, hookUrl);
  });

  it('refuses to delete a subscription: it still exists and the SmsUrl still points at the connector', async () => {
    await refused(await h.call('DELETE', `/subscriptions/${subId}`, { auth: h.wrongAuth }));
    assert.notEqual(await h.store.getSubscription(subId), undefined);
    const number = await h.sb.client.incomingPhoneNumbers(numberSid).fetch();
    assert.equal(number.smsUrl, hookUrl);
    assert.notEqual(await h.store.getNumberHook(h.sb.accountSid, numberSid), undefined, 'the previous URL is kept');
  });

  it('refuses to list dead letters and to poll', async () => {
    await refused(await h.call('GET', '/subscriptions/dead-letters', { auth: h.wrongAuth }));
    await refused(await h.call('GET', '/triggers/messages/received', { auth: h.wrongAuth }));
  });

  it('a wrong-token send with an Idempotency-Key does not poison the key for the real send', async () => {
    const message = { from: h.sb.phoneNumber, to: '+14155550901', body: 'the real one' };
    await refused(
      await h.call('POST', '/Messages.json', {
        auth: h.wrongAuth,
        json: message,
        headers: { 'idempotency-key': 'K1' },
      }),
    );
    const real = await h.call('POST', '/Messages.json', { json: message, headers: { 'idempotency-key': 'K1' } });
    assert.equal(real.status, 200);
    assert.equal(real.headers.get('idempotent-replayed'), 'false');
    assert.equal((await h.sb.client.messages.list({ to: message.to })).length, 1);
  });

  it('a wrong-token send with the key of a real send neither replays it nor reveals it (no 422)', async () => {
    const message = { from: h.sb.phoneNumber, to: '+14155550902', body: 'secret text' };
    const real = await h.call('POST', '/Messages.json', { json: message, headers: { 'idempotency-key': 'K2' } });
    assert.equal(real.status, 200);
    for (const body of [message, { ...message, body: 'a probe' }]) {
      await refused(
        await h.call('POST', '/Messages.json', { auth: h.wrongAuth, json: body, headers: { 'idempotency-key': 'K2' } }),
      );
    }
  });

  it('the right credentials still work, and an unkeyed send keeps Twilio’s own answer', async () => {
    assert.equal((await h.call('GET', '/subscriptions/dead-letters')).status, 200);
    const wrong = await h.call('POST', '/Messages.json', {
      auth: h.wrongAuth,
      json: { from: h.sb.phoneNumber, to: '+14155550903', body: 'x' },
    });
    assert.equal(wrong.status, 401);
    assert.equal((await json(wrong)).error.code, 'TWILIO_AUTH_FAILED');
    const del = await h.call('DELETE', `/subscriptions/${subId}`);
    assert.equal(del.status, 204);
    assert.equal((await h.sb.client.incomingPhoneNumbers(numberSid).fetch()).smsUrl, 'https://example.com/own');
  });
});

describe('security: idempotency keys are scoped to the credential', () => {
  let h: SecureHarness;
  let keyAuth = '';
  let keySid = '';
  before(async () => {
    h = await startSecure();
    const res = await fetch(`${h.sb.url}/2010-04-01/Accounts/${h.sb.accountSid}/Keys.json`, {
      method: 'POST',
      headers: { authorization: h.auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=second',
    });
    assert.equal(res.status, 201);
    const key = (await res.json()) as { sid: string; secret: string };
    keySid = key.sid;
    keyAuth = basic(key.sid, key.secret);
  });
  after(() => h.close());

  const viaKey = (key: string, body: unknown): Promise<Response> =>
    h.call('POST', '/Messages.json', {
      auth: keyAuth,
      json: body,
      headers: { 'idempotency-key': key, 'x-twilio-account-sid': h.sb.accountSid },
    });

  it('another credential of the same account with the same key and body sends its own message', async () => {
    const message = { from: h.sb.phoneNumber, to: '+14155550911', body: 'from the auth token' };
    const first = await h.call('POST', '/Messages.json', { json: message, headers: { 'idempotency-key': 'shared' } });
    assert.equal(first.status, 200);
    const same = await viaKey('shared', message);
    assert.equal(same.status, 200);
    assert.equal(same.headers.get('idempotent-replayed'), 'false', 'no replay of another credential’s message');
    assert.notEqual((await json(same)).sid, (await json(first)).sid);
    const again = await viaKey('shared', message);
    assert.equal(again.headers.get('idempotent-replayed'), 'true', 'its own key does replay');
    assert.equal((await viaKey('shared', { ...message, body: 'changed' })).status, 422, 'its own key is its own');
  });

  it('another credential cannot probe whether a key was used (no 422 for a different body)', async () => {
    const message = { from: h.sb.phoneNumber, to: '+14155550912', body: 'private' };
    assert.equal(
      (await h.call('POST', '/Messages.json', { json: message, headers: { 'idempotency-key': 'probe' } })).status,
      200,
    );
    const probe = await viaKey('probe', { ...message, body: 'guess' });
    assert.equal(probe.status, 200);
    assert.equal(probe.headers.get('idempotent-replayed'), 'false');
  });

  it('a wrong API key secret is refused on state routes with a message naming the key', async () => {
    const res = await h.call('GET', '/subscriptions/dead-letters', {
      auth: basic(keySid, 'not-the-key-secret'),
      headers: { 'x-twilio-account-sid': h.sb.accountSid },
    });
    assert.equal(res.status, 401);
    assert.match((await json(res)).error.message, /API key/);
    const ok = await h.call('GET', '/subscriptions/dead-letters', {
      auth: keyAuth,
      headers: { 'x-twilio-account-sid': h.sb.accountSid },
    });
    assert.equal(ok.status, 200);
  });
});

describe('security: Twilio unreachable during the check', () => {
  let h: SecureHarness;
  before(async () => {
    h = await startSecure({}, {}, 'http://127.0.0.1:9');
  });
  after(() => h.close());

  it('answers 502, never 401, and changes nothing', async () => {
    for (const [method, path, body] of [
      ['GET', '/subscriptions/dead-letters', undefined],
      ['GET', '/triggers/messages/received', undefined],
      ['POST', '/subscriptions/messages/status', { callbackUrl: 'http://127.0.0.1:9/x' }],
      ['DELETE', '/subscriptions/00000000-0000-0000-0000-000000000000', undefined],
    ] as const) {
      const res = await h.call(method, path, body === undefined ? {} : { json: body });
      assert.equal(res.status, 502, `${method} ${path}`);
      assert.equal((await json(res)).error.code, 'UPSTREAM_UNREACHABLE');
    }
    const keyed = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550921', body: 'x' },
      headers: { 'idempotency-key': 'down' },
    });
    assert.equal(keyed.status, 502);
    assert.equal((await h.store.listSubscriptions(h.sb.accountSid, 'status')).length, 0);
  });
});
