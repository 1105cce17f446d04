import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { basic, json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

const ENVELOPE_KEYS = ['code', 'message', 'request_id', 'status'];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

describe('connector errors: one envelope for every failure', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector();
  });
  after(() => h.close());

  it('401 AUTH_MISSING without credentials, with WWW-Authenticate', async () => {
    const res = await h.call('GET', '/Messages.json', { auth: null });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic/);
    const { error } = await json(res);
    assert.deepEqual(Object.keys(error).sort(), ENVELOPE_KEYS);
    assert.equal(error.code, 'AUTH_MISSING');
    assert.equal(error.request_id, res.headers.get('x-request-id'));
  });

  it('401 AUTH_INVALID for malformed credentials, saying what is wrong', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['Bearer abc', {}, /Missing credentials/],
      ['Digest x', {}, /Basic scheme/],
      [basic('someone', 'secret12'), {}, /Account SID \(AC…\) or an API key SID/],
      [basic(`SK${'0'.repeat(32)}`, 'secret12'), {}, /X-Twilio-Account-Sid/],
      [basic(h.sb.accountSid, h.sb.authToken), { 'x-twilio-account-sid': `AC${'1'.repeat(32)}` }, /differs/],
    ];
    for (const [auth, headers, message] of cases) {
      const res = await h.call('GET', '/Messages.json', { auth, headers });
      assert.equal(res.status, 401, auth);
      assert.match((await json(res)).error.message, message);
    }
  });

  it('401 TWILIO_AUTH_FAILED with Twilio’s code when Twilio rejects the token, as the SDK sees it', async () => {
    const res = await h.call('GET', '/Messages.json', { auth: basic(h.sb.accountSid, 'wrongtoken123') });
    assert.equal(res.status, 401);
    const { error } = await json(res);
    assert.equal(error.code, 'TWILIO_AUTH_FAILED');
    assert.equal(error.twilio_code, 20003);
    assert.equal(error.more_info, 'https://www.twilio.com/docs/errors/20003');
    assert.doesNotMatch(JSON.stringify(error), /wrongtoken123/);
    // what to fix, in the connector's words rather than Twilio's "invalid username"
    assert.match(error.message, /Auth Token is not the one of this Account SID/);
    assert.doesNotMatch(error.message, /username|embedded sandbox/i);
  });

  it('401 TWILIO_AUTH_FAILED names where the embedded sandbox shows its credentials', async () => {
    const embedded = await startConnector({}, { sandboxUrl: h.sb.url }, h.sb);
    try {
      for (const [method, path, init] of [
        ['GET', '/Messages.json', {}],
        ['POST', '/Messages.json', { json: { from: h.sb.phoneNumber, to: '+14155550123', body: 'x' } }],
      ] as const) {
        const res = await embedded.call(method, path, { ...init, auth: basic(h.sb.accountSid, 'wrongtoken123') });
        assert.equal(res.status, 401);
        const { error } = await json(res);
        assert.equal(error.code, 'TWILIO_AUTH_FAILED');
        assert.equal(error.twilio_code, 20003);
        assert.match(error.message, /Account SID/);
        assert.ok(error.message.includes(`${h.sb.url}/`), error.message);
        assert.match(error.message, /twilio-connector serve/);
      }
    } finally {
      await embedded.close();
    }
  });

  it('keeps Twilio’s status and code for rejected sends (the SDK gets the same code)', async () => {
    const body = { from: '+15005550001', to: '+14155550123', body: 'x' };
    const sdkCode = await h.sb.client.messages.create(body).then(
      () => undefined,
      (err: unknown) => (err as { code: number }).code,
    );
    assert.ok(sdkCode !== undefined);
    const res = await h.call('POST', '/Messages.json', { json: body });
    assert.equal(res.status, 400);
    const { error } = await json(res);
    assert.equal(error.code, 'TWILIO_REJECTED');
    assert.equal(error.twilio_code, sdkCode);
    assert.equal(error.more_info, `https://www.twilio.com/docs/errors/${sdkCode}`);
  });

  it('404 NOT_FOUND for unknown messages (with Twilio’s 20404) and unknown paths; 405 for wrong methods', async () => {
    const missing = await h.call('GET', `/Messages/SM${'0'.repeat(32)}.json`);
    assert.equal(missing.status, 404);
    assert.equal((await json(missing)).error.twilio_code, 20404);
    const nowhere = await h.call('GET', '/Calls.json');
    assert.equal(nowhere.status, 404);
    assert.equal((await json(nowhere)).error.code, 'NOT_FOUND');
    const wrong = await h.call('DELETE', '/Messages.json');
    assert.equal(wrong.status, 405);
    assert.equal((await json(wrong)).error.code, 'METHOD_NOT_ALLOWED');
  });

  it('413 for huge bodies, 415 for unknown content types, XML errors when XML is asked for', async () => {
    const big = await h.call('POST', '/Messages.json', {
      json: { to: '+14155550123', body: 'x'.repeat(2 * 1024 * 1024) },
    });
    assert.equal(big.status, 413);
    assert.equal((await json(big)).error.code, 'PAYLOAD_TOO_LARGE');
    const text = await h.call('POST', '/Messages.json', { body: 'hello', headers: { 'content-type': 'text/csv' } });
    assert.equal(text.status, 415);
    assert.equal((await json(text)).error.code, 'UNSUPPORTED_MEDIA_TYPE');
    const xml = await h.call('GET', '/Messages/nope.xml');
    assert.equal(xml.status, 400);
    assert.match(await xml.text(), /<error><code>VALIDATION_FAILED<\/code>/);
  });

  it('502 UPSTREAM_UNREACHABLE when Twilio cannot be reached', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((r) => closed.close(r));
    const down = await startConnector({}, { upstreamUrl: url }, h.sb);
    after(() => down.close());
    const res = await down.call('GET', '/Messages.json');
    assert.equal(res.status, 502);
    const { error } = await json(res);
    assert.equal(error.code, 'UPSTREAM_UNREACHABLE');
    assert.doesNotMatch(error.message, /127\.0\.0\.1/, 'no internal addresses in the message');
  });

  it('504 UPSTREAM_TIMEOUT when Twilio does not answer in time', async () => {
    const silent = createServer(() => {
      /* never answers */
    });
    const url = await listen(silent);
    const slow = await startConnector({ upstreamTimeout: 200 }, { upstreamUrl: url }, h.sb);
    after(async () => {
      await slow.close();
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    });
    const res = await slow.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', body: 'x' },
    });
    assert.equal(res.status, 504);
    assert.equal((await json(res)).error.code, 'UPSTREAM_TIMEOUT');
  });

  it('answers hostile input with 4xx, never 5xx', async () => {
    const paths = [
      ['GET', '/Messages/%00%ff.json'],
      ['GET', '/AvailablePhoneNumbers/USA/Local.json'],
      ['GET', '/AvailablePhoneNumbers/US/Local.json?AreaCode=abc'],
      ['GET', '/Usage/Records/Weekly.json'],
      ['GET', '/IncomingPhoneNumbers/PNxyz.json'],
      ['POST', '/IncomingPhoneNumbers.json'],
      ['POST', '/Messages.json'],
    ] as const;
    for (const [method, path] of paths) {
      const res = await h.call(
        method,
        path,
        method === 'POST' ? { body: 'null', headers: { 'content-type': 'application/json' } } : {},
      );
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} → ${res.status}`);
      assert.ok((await json(res)).error.code);
    }
    for (const path of ['/Messages.json?To=%E0%A4%A&From[]=x', '/Messages.json?PageSize=1e3&Page=-0']) {
      const res = await h.call('GET', path);
      assert.ok(res.status < 500, `${path} → ${res.status}`);
    }
  });
});
