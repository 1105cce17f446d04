import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ServerResponse } from 'node:http';
import { ConfigError, ConnectorError } from '../../src/shared/errors.js';
import {
  InvalidArgumentError,
  NetworkError,
  TimeoutError,
  TwilioApiError,
  TwilioClient,
} from '../../src/twilio/index.js';
import { ACCOUNT_SID, AUTH_TOKEN, fakeTwilio, messageJson, sendJson, twilioError, type FakeTwilio } from './servers.js';

const SID = 'MM' + 'c'.repeat(32);
const PREFIX = `/2010-04-01/Accounts/${ACCOUNT_SID}`;

describe('twilio client requests', () => {
  const servers: FakeTwilio[] = [];
  const start = async (...args: Parameters<typeof fakeTwilio>): Promise<FakeTwilio> => {
    const s = await fakeTwilio(...args);
    servers.push(s);
    return s;
  };
  after(() => Promise.all(servers.map((s) => s.close())));

  it('sends a create as Twilio expects: .json path, Basic auth, JSON accept, repeated MediaUrl keys', async () => {
    const s = await start((_req, res) => sendJson(res, 201, messageJson(SID), { 'twilio-request-id': 'RQ123' }));
    const msg = await s.client().messages.create({
      To: '+15005550006',
      From: '+15005550001',
      Body: 'héllo & bye',
      MediaUrl: ['https://a.example/1.png', 'https://a.example/2.png'],
      SmartEncoded: true,
      ValidityPeriod: 600,
    });
    assert.equal(msg.sid, SID);
    const req = s.received[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `${PREFIX}/Messages.json`);
    assert.equal(
      req.headers['authorization'],
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    assert.equal(req.headers['accept'], 'application/json');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    assert.deepEqual(form.getAll('MediaUrl'), ['https://a.example/1.png', 'https://a.example/2.png']);
    assert.equal(form.get('Body'), 'héllo & bye');
    assert.equal(form.get('SmartEncoded'), 'true');
    assert.equal(form.get('ValidityPeriod'), '600');
    assert.equal(form.has('StatusCallback'), false);
  });

  it('exposes status, headers and the request id from request()', async () => {
    const s = await start((_req, res) => sendJson(res, 200, { ok: 1 }, { 'twilio-request-id': 'RQabc' }));
    const res = await s
      .client()
      .request<{ ok: number }>('GET', '/2010-04-01/Accounts.json', { query: { FriendlyName: 'a b' } });
    assert.deepEqual(res.body, { ok: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.requestId, 'RQabc');
    assert.equal(s.received[0]!.url, '/2010-04-01/Accounts.json?FriendlyName=a+b');
  });

  it('spells the message date filters DateSent< and DateSent>', async () => {
    const s = await start((_req, res) =>
      sendJson(res, 200, { messages: [], next_page_uri: null, page: 0, page_size: 5 }),
    );
    await s
      .client()
      .messages.list({ To: '+1555', DateSentAfter: '2024-01-02', DateSentBefore: '2024-02-01', PageSize: 5 });
    const url = new URL(s.received[0]!.url, 'http://x');
    assert.equal(url.pathname, `${PREFIX}/Messages.json`);
    assert.equal(url.searchParams.get('DateSent>'), '2024-01-02');
    assert.equal(url.searchParams.get('DateSent<'), '2024-02-01');
    assert.equal(url.searchParams.get('PageSize'), '5');
    assert.match(s.received[0]!.url, /DateSent%3E=2024-01-02/);
  });

  it('turns a Twilio JSON error into TwilioApiError with code, more_info, request id, method and URL', async () => {
    const s = await start((_req, res) =>
      sendJson(res, 400, twilioError(21211, 400, "The 'To' number 123 is not a valid phone number."), {
        'twilio-request-id': 'RQ999',
      }),
    );
    await assert.rejects(s.client().messages.create({ To: '123', From: '+15005550006', Body: 'x' }), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.ok(ConnectorError.is(err));
      assert.equal(err.code, 'TWILIO_API_ERROR');
      assert.equal(err.status, 400);
      assert.equal(err.twilioCode, 21211);
      assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/21211');
      assert.equal(err.requestId, 'RQ999');
      assert.equal(err.method, 'POST');
      assert.equal(err.url, `${s.url}${PREFIX}/Messages.json`);
      assert.match(err.message, /POST .*Messages\.json failed with 400 \(code 21211\): The 'To' number 123/);
      assert.ok(!JSON.stringify({ m: err.message, d: err.details }).includes(AUTH_TOKEN));
      return true;
    });
  });

  it('handles HTML and empty error bodies, and a 200 that is not JSON, without crashing', async () => {
    const html = (res: ServerResponse, status: number): void => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway from a proxy</body></html>');
    };
    const s = await start((req, res) => {
      if (req.url.includes('empty')) {
        res.writeHead(500);
        res.end();
      } else if (req.url.includes('ok')) html(res, 200);
      else html(res, 500);
    });
    const c = s.client();
    await assert.rejects(c.request('GET', '/html.json'), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.equal(err.twilioCode, undefined);
      assert.match(err.message, /failed with 500: non-JSON response: <html><body>Bad gateway/);
      return true;
    });
    await assert.rejects(c.request('GET', '/empty.json'), /failed with 500: HTTP 500/);
    await assert.rejects(c.request('GET', '/ok.json'), { code: 'TWILIO_API_ERROR', status: 200 });
  });

  it('resolves remove() on 204 with an empty body', async () => {
    const s = await start((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await s.client().messages.remove(SID);
    assert.equal(s.received[0]!.method, 'DELETE');
    assert.equal(s.received[0]!.url, `${PREFIX}/Messages/${SID}.json`);
  });

  it('times out a slow answer with TWILIO_TIMEOUT; a POST is attempted once, a GET again', async () => {
    const s = await start(() => undefined); // never answers
    const c = s.client({ timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } });
    await assert.rejects(c.messages.create({ To: '+1', Body: 'x' }), (err) => {
      assert.ok(err instanceof TimeoutError);
      assert.equal(err.code, 'TWILIO_TIMEOUT');
      assert.match(err.message, /POST .* timed out after 100 ms/);
      return true;
    });
    assert.equal(s.received.length, 1);
    await assert.rejects(c.messages.fetch(SID), { code: 'TWILIO_TIMEOUT' });
    assert.equal(s.received.length, 3);
  });

  it('times out an answer whose body stalls after the headers', async () => {
    const s = await start((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.write('{"sid":'); // and nothing more
    });
    const c = s.client({ timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } });
    await assert.rejects(c.messages.create({ To: '+1', Body: 'x' }), { code: 'TWILIO_TIMEOUT' });
    assert.equal(s.received.length, 1);
  });

  it('rejects SIDs, countries and subresources that would change the path, before any request', async () => {
    const s = await start((_req, res) => sendJson(res, 200, {}));
    const c = s.client();
    for (const bad of ['../Accounts', 'SM123', `SM${'a'.repeat(31)}/`, `PN${'a'.repeat(32)}`]) {
      await assert.rejects(c.messages.fetch(bad), InvalidArgumentError);
    }
    await assert.rejects(c.incomingPhoneNumbers.fetch(`SM${'a'.repeat(32)}`), { code: 'TWILIO_INVALID_ARGUMENT' });
    await assert.rejects(c.availablePhoneNumbers.list('U/', 'Local'), InvalidArgumentError);
    await assert.rejects(c.availablePhoneNumbers.list('US', 'Fax' as 'Local'), InvalidArgumentError);
    await assert.rejects(c.usage.records({}, '../x' as 'Daily'), InvalidArgumentError);
    assert.equal(s.received.length, 0);
  });

  it('validates credentials and options at construction, never echoing the secret', () => {
    assert.throws(
      () => new TwilioClient({ accountSid: 'nope', username: '', password: '' }, { baseUrl: 'ftp://x' }),
      (err) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 3);
        return true;
      },
    );
    const creds = { accountSid: ACCOUNT_SID, username: ACCOUNT_SID, password: AUTH_TOKEN };
    assert.throws(
      () => new TwilioClient(creds, { baseUrl: `http://u:${AUTH_TOKEN}@h` }),
      (err: Error) => {
        assert.ok(!err.message.includes(AUTH_TOKEN));
        return err instanceof ConfigError;
      },
    );
    assert.throws(() => new TwilioClient(creds, { baseUrl: 'ftp://x' }), ConfigError);
    assert.throws(() => new TwilioClient(creds, { maxConcurrency: 0 }), ConfigError);
    assert.throws(() => new TwilioClient(creds, { timeoutMs: -1 }), ConfigError);
  });

  it('names a baseUrl given in the wrong place, or a misspelled option, instead of calling api.twilio.com', async () => {
    const s = await start((_req, res) => sendJson(res, 200, { sid: 'x' }));
    const creds = { accountSid: ACCOUNT_SID, username: ACCOUNT_SID, password: AUTH_TOKEN };
    const problemsOf = (make: () => unknown): readonly string[] => {
      try {
        make();
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems;
      }
      return assert.fail('constructed a client');
    };
    // what JavaScript callers and object spreads can produce; the types alone do not stop them
    const loose = TwilioClient as unknown as new (credentials: object, options?: object) => TwilioClient;
    assert.deepEqual(
      problemsOf(() => new loose({ ...creds, baseUrl: s.url })),
      ['baseUrl is an option, not a credential: new TwilioClient(credentials, { baseUrl })'],
    );
    assert.deepEqual(
      problemsOf(() => new loose(creds, { baseURL: s.url })),
      ['unknown option baseURL: did you mean baseUrl?'],
    );
    assert.match(problemsOf(() => new loose(creds, { base: s.url }))[0]!, /^unknown option base \(expected baseUrl, /);
    assert.deepEqual(
      problemsOf(() => new loose(creds, { retry: { retries: 1 } })),
      ['unknown option retry.retries (expected maxRetries, baseDelayMs, maxDelayMs)'],
    );
    assert.deepEqual(
      problemsOf(() => new loose({ ...creds, base_url: s.url })),
      ['base_url is an option, not a credential: new TwilioClient(credentials, { baseUrl })'],
    );
    // any object with the credential fields will do, as TypeScript allows (the connector passes its connections)
    assert.equal(new loose({ ...creds, scope: 'AC…', throttleKey: 'k' }).accountSid, ACCOUNT_SID);
    assert.throws(() => new loose(creds, 'http://127.0.0.1:4310' as unknown as object), ConfigError);
    // the documented form reaches the given server
    const client = new TwilioClient(creds, { baseUrl: s.url });
    await client.messages.fetch(`SM${'a'.repeat(32)}`);
    assert.equal(s.received.length, 1);
  });

  it("rejects with the caller's abort reason, not a network error, and does not retry", async () => {
    const s = await start(() => undefined); // never answers
    const ac = new AbortController();
    const pending = s.client().request('GET', '/Messages.json', { signal: ac.signal });
    while (s.received.length === 0) await new Promise((r) => setImmediate(r));
    ac.abort(new Error('user cancelled'));
    await assert.rejects(pending, /user cancelled/);
    assert.equal(s.received.length, 1);
  });

  it('reuses keep-alive connections instead of opening one per request', async () => {
    const s = await start((_req, res) => sendJson(res, 200, messageJson(SID)));
    let connections = 0;
    s.server.on('connection', () => connections++);
    const c = s.client();
    for (let i = 0; i < 20; i++) await c.messages.fetch(SID);
    assert.equal(s.received.length, 20);
    // undici may open a second socket while the first response is being released; never one per request
    assert.ok(connections <= 2, `${connections} connections for 20 requests`);
  });

  it('abandons an answer larger than maxResponseBytes with TWILIO_UNREACHABLE', async () => {
    const s = await start((_req, res) => sendJson(res, 200, { messages: [], pad: 'x'.repeat(200_000) }));
    await assert.rejects(s.client({ maxResponseBytes: 100_000 }).messages.list(), (err) => {
      assert.ok(err instanceof NetworkError);
      assert.equal(err.errno, 'RESPONSE_TOO_LARGE');
      return true;
    });
    assert.equal((await s.client({ maxResponseBytes: 300_000 }).messages.list()).items.length, 0);
  });

  it('reports a 200 that is not a list, and a path without a leading slash, clearly', async () => {
    const s = await start((_req, res) => sendJson(res, 200, { hello: 'world' }));
    const c = s.client();
    await assert.rejects(c.messages.list(), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.match(err.message, /GET .*Messages\.json failed with 200: the answer is not a Twilio list/);
      return true;
    });
    await assert.rejects(c.request('GET', 'Messages.json'), { code: 'TWILIO_INVALID_ARGUMENT' });
    await assert.rejects(c.request('PUT' as 'GET', '/Messages.json'), { code: 'TWILIO_INVALID_ARGUMENT' });
    assert.equal(s.received.length, 1);
  });

  it('refuses form values Twilio could not read, with a 4xx-style error and no request', async () => {
    const s = await start((_req, res) => sendJson(res, 201, messageJson(SID)));
    const c = s.client();
    for (const bad of [Number.NaN, Infinity, { nested: 1 }, [['a']]]) {
      await assert.rejects(
        c.request('POST', '/Messages.json', { form: { To: '+1', Body: bad as unknown as string } }),
        (err) => {
          assert.ok(err instanceof InvalidArgumentError);
          assert.equal(err.status, 400);
          assert.match(err.message, /^Body must be/);
          return true;
        },
      );
    }
    assert.equal(s.received.length, 0);
    await c.request('POST', '/Messages.json', { form: { To: '+1', Body: null as unknown as string, Attempt: 2 } });
    assert.equal(s.received[0]!.body, 'To=%2B1&Attempt=2');
  });
});
