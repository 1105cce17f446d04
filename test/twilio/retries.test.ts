import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Agent, buildConnector } from 'undici';
import { NetworkError, TwilioApiError } from '../../src/twilio/index.js';
import { backoffMs, parseRetryAfter } from '../../src/twilio/retry.js';
import { ACCOUNT_SID, fakeTwilio, messageJson, sendJson, twilioError, type FakeTwilio } from './servers.js';

const SID = 'SM' + 'a'.repeat(32);

describe('twilio client retries', () => {
  const servers: FakeTwilio[] = [];
  const start = async (...args: Parameters<typeof fakeTwilio>): Promise<FakeTwilio> => {
    const s = await fakeTwilio(...args);
    servers.push(s);
    return s;
  };
  after(() => Promise.all(servers.map((s) => s.close())));

  it('retries a create after 429 with Retry-After and sends it again unchanged', async () => {
    const s = await start((_req, res, n) => {
      if (n === 1) sendJson(res, 429, twilioError(20429, 429, 'Too Many Requests'), { 'retry-after': '0' });
      else sendJson(res, 201, messageJson(SID));
    });
    const msg = await s.client().messages.create({ To: '+15005550006', From: '+15005550001', Body: 'hi' });
    assert.equal(msg.sid, SID);
    assert.equal(s.received.length, 2);
    assert.equal(s.received[0]!.body, s.received[1]!.body);
    assert.equal(s.received[1]!.method, 'POST');
  });

  it('retries code 20429 even when the status is not 429, up to maxRetries, then throws it', async () => {
    const s = await start((_req, res) => sendJson(res, 503, twilioError(20429, 503, 'Too Many Requests')));
    await assert.rejects(
      s.client({ retry: { maxRetries: 2, baseDelayMs: 1 } }).messages.create({ To: '+1', Body: 'x' }),
      (err) => {
        assert.ok(err instanceof TwilioApiError);
        assert.equal(err.twilioCode, 20429);
        return true;
      },
    );
    assert.equal(s.received.length, 3);
  });

  it('does not retry 21611 (sender queue full), although it is a 429', async () => {
    const s = await start((_req, res) => sendJson(res, 429, twilioError(21611, 429, 'SMS queue is full.')));
    await assert.rejects(s.client().messages.create({ To: '+1', Body: 'x' }), {
      code: 'TWILIO_API_ERROR',
      twilioCode: 21611,
    });
    assert.equal(s.received.length, 1);
  });

  it('never retries a POST that got a 5xx: Twilio may have sent the message', async () => {
    const s = await start((_req, res) => sendJson(res, 503, twilioError(20500, 503, 'Service Unavailable')));
    await assert.rejects(s.client().messages.create({ To: '+1', Body: 'x' }), { status: 503 });
    assert.equal(s.received.length, 1);
  });

  it('retries a GET on 502/503/504 and succeeds', async () => {
    const s = await start((_req, res, n) => {
      if (n === 1) sendJson(res, 502, { message: 'bad gateway' });
      else if (n === 2) sendJson(res, 504, twilioError(20504, 504, 'Gateway timeout'));
      else sendJson(res, 200, messageJson(SID));
    });
    assert.equal((await s.client().messages.fetch(SID)).sid, SID);
    assert.equal(s.received.length, 3);
  });

  it('does not retry a GET on 500 or 404', async () => {
    const s = await start((req, res) =>
      req.url.includes('a.json') ? sendJson(res, 500, { x: 1 }) : sendJson(res, 404, twilioError(20404, 404, 'nope')),
    );
    await assert.rejects(s.client().messages.fetch(SID), { status: 500 });
    await assert.rejects(s.client().messages.fetch('SM' + 'b'.repeat(32)), { twilioCode: 20404 });
    assert.equal(s.received.length, 2);
  });

  it('gives a Retry-After longer than maxDelayMs back to the caller instead of waiting', async () => {
    const s = await start((_req, res) =>
      sendJson(res, 429, twilioError(20429, 429, 'Too Many Requests'), { 'retry-after': '120' }),
    );
    await assert.rejects(s.client({ retry: { maxDelayMs: 1000 } }).messages.fetch(SID), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.equal(err.retryAfterMs, 120_000);
      return true;
    });
    assert.equal(s.received.length, 1);
  });

  it('never retries a POST whose connection was reset after the body was sent', async () => {
    // the server has read the whole request, then the connection dies before any answer
    const s = await start((_req, res) => res.socket?.destroy());
    await assert.rejects(s.client().messages.create({ To: '+1', Body: 'x' }), (err) => {
      assert.ok(err instanceof NetworkError);
      assert.equal(err.code, 'TWILIO_UNREACHABLE');
      return true;
    });
    assert.equal(s.received.length, 1);
  });

  it('retries a GET whose connection was reset', async () => {
    const s = await start((_req, res, n) => (n === 1 ? res.socket?.destroy() : sendJson(res, 200, messageJson(SID))));
    assert.equal((await s.client().messages.fetch(SID)).sid, SID);
    assert.equal(s.received.length, 2);
  });

  it('retries a POST when the connection was refused before anything was sent', async () => {
    const s = await start((_req, res) => sendJson(res, 201, messageJson(SID)));
    const connect = buildConnector({});
    let refused = 0;
    const dispatcher = new Agent({
      connect(opts, cb) {
        if (refused++ === 0) {
          cb(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null);
          return;
        }
        connect(opts, cb);
      },
    });
    after(() => dispatcher.close());
    const msg = await s.client({ dispatcher }).messages.create({ To: '+1', Body: 'x' });
    assert.equal(msg.sid, SID);
    assert.equal(refused, 2);
    assert.equal(s.received.length, 1);
  });

  it('reports a closed port as TWILIO_UNREACHABLE / ECONNREFUSED after retrying', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const s = await start(() => undefined);
    const client = s.client({ baseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(client.request('GET', '/Messages.json'), (err) => {
      assert.ok(err instanceof NetworkError);
      assert.equal(err.errno, 'ECONNREFUSED');
      assert.match(
        err.message,
        new RegExp(`GET http://127.0.0.1:${port}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`),
      );
      return true;
    });
  });

  it('backs off exponentially with full jitter and reads both Retry-After forms', () => {
    const opts = { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 5000 };
    assert.equal(
      backoffMs(0, opts, () => 0.999),
      199,
    );
    assert.equal(
      backoffMs(3, opts, () => 0.5),
      800,
    );
    assert.equal(
      backoffMs(10, opts, () => 0.5),
      2500,
    );
    assert.equal(
      backoffMs(2, opts, () => 0),
      0,
    );
    assert.equal(parseRetryAfter('3'), 3000);
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
