import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trackedStatusCallback } from '../../src/connector/triggers/index.js';
import { basic } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';
import { startSecure, type SecureHarness } from './security-harness.js';

describe('connector logs', () => {
  let h: Harness;
  const lines: string[] = [];
  const apiKey = 'connector-key-0123456789abcdef';
  before(async () => {
    h = await startConnector({ logLevel: 'trace' }, { logStream: { write: (line) => void lines.push(line) } });
  });
  after(() => h.close());

  it('are structured, carry request ids, and never contain tokens or secrets', async () => {
    const wrongToken = 'WrongToken0123456789';
    const keySecret = 'ApiKeySecretValue0123456789';
    const ok = await h.call('GET', '/Messages.json', { headers: { 'x-request-id': 'trace-me-1' } });
    assert.equal(ok.status, 200);
    await h.call('GET', '/Messages.json', { auth: basic(h.sb.accountSid, wrongToken) });
    await h.call('GET', '/Messages.json', {
      auth: basic(`SK${'b'.repeat(32)}`, keySecret),
      headers: { 'x-twilio-account-sid': h.sb.accountSid, 'x-api-key': apiKey },
    });
    await h.call('POST', '/Messages.json', { json: { from: h.sb.phoneNumber, to: '+14155550401', body: 'hi' } });

    assert.ok(lines.length > 4, 'something was logged');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(
      records.some((r) => r['reqId'] === 'trace-me-1'),
      'the caller’s request id is used',
    );
    const all = lines.join('\n');
    const encoded = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64');
    for (const secret of [
      h.sb.authToken,
      wrongToken,
      keySecret,
      apiKey,
      encoded(h.sb.accountSid, h.sb.authToken),
      encoded(h.sb.accountSid, wrongToken),
    ]) {
      assert.ok(!all.includes(secret), `a secret leaked into the logs: ${secret.slice(0, 6)}…`);
    }
  });
});

describe('connector logs on the trigger and Twilio-facing paths', () => {
  let h: SecureHarness;
  before(async () => {
    h = await startSecure({ logLevel: 'info' });
  });
  after(() => h.close());

  it('carry no query strings of callback, forward or poll URLs and no credentials', async () => {
    const callbackSecret = 'sig=CallbackSignature0123456789';
    const forwardUrl = 'http://127.0.0.1:9/own?token=ForwardSecret0123456789';
    const sub = await h.call('POST', '/subscriptions/messages/status', {
      json: { callbackUrl: `http://127.0.0.1:9/flow?${callbackSecret}` },
    });
    assert.equal(sub.status, 201);
    const received = await h.call('POST', '/subscriptions/messages/received', {
      auth: h.wrongAuth,
      json: { callbackUrl: `http://127.0.0.1:9/flow?${callbackSecret}`, to: h.sb.phoneNumber },
    });
    assert.equal(received.status, 401);
    const first = await h.call('GET', '/triggers/messages/received');
    const cursor = new URL(first.headers.get('location') ?? '').searchParams.get('Cursor') ?? '';
    assert.notEqual(cursor, '');
    await h.call('GET', `/triggers/messages/received?Cursor=${cursor}`);
    const tracked = trackedStatusCallback(h.url, {
      key: await h.app.trust.key(),
      accountSid: h.sb.accountSid,
      url: forwardUrl,
    });
    const token = new URL(tracked).searchParams.get('forward') ?? '';
    const params = {
      MessageSid: `SM${'7'.repeat(32)}`,
      AccountSid: h.sb.accountSid,
      From: h.sb.phoneNumber,
      To: '+14155550100',
      MessageStatus: 'sent',
    };
    const path = tracked.slice(h.url.length);
    assert.equal((await h.asTwilio(path, params, h.sb.authToken)).status, 204);
    assert.equal((await h.asTwilio(path, params, 'a-forged-signing-token')).status, 403);
    await h.call('GET', '/subscriptions/dead-letters?x=QueryOnDeadLetters0123');

    const all = h.lines.join('\n');
    for (const secret of [
      'CallbackSignature0123456789',
      'ForwardSecret0123456789',
      token,
      cursor,
      'QueryOnDeadLetters0123',
      h.sb.authToken,
      'not-the-auth-token-0123456789ab',
    ]) {
      assert.ok(!all.includes(secret), `leaked into the logs: ${secret.slice(0, 12)}…`);
    }
  });

  it('write one access line per request: method, route, status, duration, request id, operation', async () => {
    h.lines.length = 0;
    const res = await h.call('GET', '/subscriptions/dead-letters?page=2', { headers: { 'x-request-id': 'one-line' } });
    assert.equal(res.status, 200);
    await h.call('GET', '/health');
    await new Promise((r) => setImmediate(r));
    const records = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = records.filter((r) => r['reqId'] === 'one-line');
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.deepEqual(
      { ...mine[0], time: 0, pid: 0, hostname: '', ms: 0 },
      {
        level: 30,
        time: 0,
        pid: 0,
        hostname: '',
        reqId: 'one-line',
        method: 'GET',
        route: '/subscriptions/dead-letters',
        status: 200,
        ms: 0,
        operation: 'ListDeadLetters',
        msg: 'request',
      },
    );
    assert.equal(typeof mine[0]!['ms'], 'number');
    assert.equal(records.length, 2, 'one line each, nothing else at info');
  });
});
