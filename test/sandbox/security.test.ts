// What the sandbox refuses so that the web pages a developer visits cannot drive or read it: control
// requests any page could send, foreign Host names (DNS rebinding), and, with --ui-auth, anyone
// without the password.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sandboxSpec } from '../../src/sandbox/config.js';
import { resolveConfig } from '../../src/shared/config.js';
import { ConfigError } from '../../src/shared/errors.js';
import { basic, CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const CUSTOMER = '+15551234567';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with any Host header (fetch will not send one of its choosing). */
function raw(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path, method: init.method ?? 'GET', headers: init.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const messageCount = (sb: TestSandbox): number =>
  (sb.sandbox.ctx.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;

const inboundJson = (sb: TestSandbox, body: string): string =>
  JSON.stringify({ From: CUSTOMER, To: sb.phoneNumber, Body: body });

describe('sandbox control requests: only ones no web page could send unasked', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  it('refuses a plain form POST to /_sandbox/inbound (what a cross-site form sends) and says what to send', async () => {
    const before = messageCount(sb);
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: CUSTOMER, To: sb.phoneNumber, Body: 'forged' }).toString(),
    });
    assert.equal(res.status, 403);
    const err = await json(res);
    assert.equal(err.code, 20403);
    assert.match(err.message, /Content-Type: application\/json/);
    assert.match(err.message, /X-Sandbox-Request: 1/);
    assert.equal(messageCount(sb), before);
    // text/plain is what a no-cors fetch may send: refused too
    const plain = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: inboundJson(sb, 'forged'),
    });
    assert.equal(plain.status, 403);
    assert.equal(messageCount(sb), before);
  });

  it('takes the README command (JSON), and a form or no body with X-Sandbox-Request: 1', async () => {
    const before = messageCount(sb);
    // curl -s http://127.0.0.1:4310/_sandbox/inbound -H 'content-type: application/json' -d '{…}'
    const viaJson = await raw(sb.url, '/_sandbox/inbound', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*', 'user-agent': 'curl/8.5.0' },
      body: inboundJson(sb, 'Hello'),
    });
    assert.equal(viaJson.status, 201, viaJson.body);
    const viaForm = await sb.request('POST', '/_sandbox/inbound', {
      auth: null,
      headers: CONTROL,
      form: { From: CUSTOMER, To: sb.phoneNumber, Body: 'Hello again' },
    });
    assert.equal(viaForm.status, 201);
    assert.equal(messageCount(sb), before + 2);
  });

  it('refuses a body-less POST to /_sandbox/reset without the header, and resets with it', async () => {
    assert.ok(messageCount(sb) > 0);
    const refused = await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST' });
    assert.equal(refused.status, 403);
    assert.ok(messageCount(sb) > 0, 'nothing was deleted');
    const done = await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST', headers: CONTROL });
    assert.equal(done.status, 200);
    assert.equal(messageCount(sb), 0);
  });

  it('refuses a foreign Origin and a cross-site or same-site Sec-Fetch-Site, even with JSON', async () => {
    const before = messageCount(sb);
    const port = new URL(sb.url).port;
    for (const headers of [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${Number(port) === 1 ? 2 : Number(port) - 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const res = await fetch(`${sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: inboundJson(sb, 'forged'),
      });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match((await json(res)).message, /^Refused/);
    }
    assert.equal(messageCount(sb), before);
    // the inbox's own page: same origin
    const own = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: sb.url, 'sec-fetch-site': 'same-origin' },
      body: inboundJson(sb, 'from the inbox'),
    });
    assert.equal(own.status, 201);
  });

  it('guards every state-changing /_sandbox method, also behind an encoded path', async () => {
    const m = await json(
      await fetch(`${sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: inboundJson(sb, 'keep me'),
      }),
    );
    assert.equal((await fetch(`${sb.url}/_sandbox/messages/${m.sid}`, { method: 'DELETE' })).status, 403);
    assert.equal((await fetch(`${sb.url}/_sandbox/messages/clear`, { method: 'POST' })).status, 403);
    assert.equal((await fetch(`${sb.url}/%5Fsandbox/reset`, { method: 'POST' })).status, 403);
    const settings = await fetch(`${sb.url}/_sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: '{"speed_up":10}',
    });
    assert.equal(settings.status, 403);
    assert.equal((await fetch(`${sb.url}/_sandbox/settings/reset`, { method: 'POST' })).status, 403);
    assert.equal((await fetch(`${sb.url}/_sandbox/messages/${m.sid}`)).status, 200, 'the message is still there');
    assert.equal(
      (await fetch(`${sb.url}/_sandbox/messages/${m.sid}`, { method: 'DELETE', headers: CONTROL })).status,
      204,
    );
  });

  it('keeps CORS closed on /_sandbox: no Access-Control-Allow-Origin, no permission in a preflight', async () => {
    const preflight = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-sandbox-request',
      },
    });
    assert.ok(preflight.status >= 400, String(preflight.status));
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.headers.get('access-control-allow-headers'), null);
    const account = await fetch(`${sb.url}/_sandbox/account`, { headers: { origin: 'http://evil.example' } });
    assert.equal(account.headers.get('access-control-allow-origin'), null);
  });

  it("leaves Twilio's paths as Twilio has them: Basic auth, open CORS, no Origin rules", async () => {
    const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      form: { From: sb.phoneNumber, To: '+15558675310', Body: 'from a browser app' },
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });
});

describe('sandbox Host check: DNS rebinding reads nothing', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ allowedHosts: ['inbox.test'], publicUrl: 'https://sandbox.example.com' });
  });
  after(() => sb.close());
  // the sandbox's URL is its public one here: reach it on its socket
  const port = (): string => String((sb.sandbox.app.server.address() as AddressInfo).port);
  const local = (): string => `http://127.0.0.1:${port()}`;

  it('refuses a foreign Host on every path, saying how to allow a name', async () => {
    for (const path of ['/_sandbox/account', '/', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`]) {
      const res = await raw(local(), path, {
        headers: { host: `rebind.example:${port()}`, authorization: basic(sb.accountSid, sb.authToken) },
      });
      assert.equal(res.status, 403, path);
      assert.ok(!res.body.includes(sb.authToken), 'the token stays home');
      assert.match(res.body, /does not answer to the host name \\"rebind\.example\\"/);
      assert.match(res.body, /--allowed-hosts/);
    }
  });

  it('answers loopback names, --allowed-hosts (any case, trailing dot) and the public URL host', async () => {
    for (const host of [
      `127.0.0.1:${port()}`,
      `localhost:${port()}`,
      `LOCALHOST:${port()}`,
      `127.0.0.2:${port()}`,
      `[::1]:${port()}`,
      `inbox.test:${port()}`,
      `Inbox.Test.:${port()}`,
      'sandbox.example.com',
    ]) {
      const res = await raw(local(), '/_sandbox/account', { headers: { host } });
      assert.equal(res.status, 200, host);
    }
    for (const host of [`other.test:${port()}`, `inbox.test.evil.example:${port()}`, `203.0.113.7:${port()}`]) {
      assert.equal((await raw(local(), '/_sandbox/account', { headers: { host } })).status, 403, host);
    }
  });

  it('takes control requests from a page served through the --public-url proxy', async () => {
    const headers = { host: `127.0.0.1:${port()}`, 'content-type': 'application/json', 'x-sandbox-request': '1' };
    const viaProxy = await raw(local(), '/_sandbox/settings', {
      method: 'PATCH',
      headers: { ...headers, origin: 'https://sandbox.example.com' },
      body: '{}',
    });
    assert.equal(viaProxy.status, 200, viaProxy.body);
    const elsewhere = await raw(local(), '/_sandbox/settings', {
      method: 'PATCH',
      headers: { ...headers, origin: 'https://evil.example.com' },
      body: '{}',
    });
    assert.equal(elsewhere.status, 403);
  });

  it('refuses a request with no Host at all (HTTP/1.0)', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port()), '127.0.0.1', () => socket.end('GET /_sandbox/account HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 403/);
    assert.ok(!answer.includes(sb.authToken));
  });

  it('reads --allowed-hosts and SANDBOX_ALLOWED_HOSTS as a comma-separated list, refusing URLs', () => {
    const { config } = resolveConfig(sandboxSpec, { argv: [], env: { SANDBOX_ALLOWED_HOSTS: 'A.test, b.test,' } });
    assert.deepEqual(config.allowedHosts, ['a.test', 'b.test']);
    assert.deepEqual(resolveConfig(sandboxSpec, { argv: [], env: {} }).config.allowedHosts, []);
    assert.throws(
      () => resolveConfig(sandboxSpec, { argv: ['--allowed-hosts', 'http://a.test/'], env: {} }),
      (err: unknown) => err instanceof ConfigError && /--allowed-hosts must be host names/.test(err.message),
    );
  });
});

describe('sandbox --ui-auth', () => {
  const AUTH = { user: 'dev', password: 'inbox-secret' };
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ uiAuth: AUTH });
  });
  after(() => sb.close());

  const ui = basic(AUTH.user, AUTH.password);

  it('asks for the password on the inbox page and its files', async () => {
    for (const path of ['/', '/ui/app.js']) {
      const none = await fetch(`${sb.url}${path}`);
      assert.equal(none.status, 401, path);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      assert.equal(
        (await fetch(`${sb.url}${path}`, { headers: { authorization: basic('dev', 'wrong') } })).status,
        401,
      );
      assert.equal(
        (await fetch(`${sb.url}${path}`, { headers: { authorization: basic('eve', AUTH.password) } })).status,
        401,
      );
      assert.equal((await fetch(`${sb.url}${path}`, { headers: { authorization: ui } })).status, 200, path);
    }
  });

  it('asks for it on the event stream', async () => {
    assert.equal((await fetch(`${sb.url}/_sandbox/events`)).status, 401);
    const controller = new AbortController();
    const res = await fetch(`${sb.url}/_sandbox/events`, { headers: { authorization: ui }, signal: controller.signal });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    controller.abort();
  });

  it('asks for it on the control API, reads and writes alike', async () => {
    const none = await fetch(`${sb.url}/_sandbox/account`);
    assert.equal(none.status, 401);
    assert.ok(!(await none.text()).includes(sb.authToken));
    const wrong = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('dev', 'nope') },
      body: inboundJson(sb, 'no'),
    });
    assert.equal(wrong.status, 401);
    assert.equal(messageCount(sb), 0);
    // the account's own credentials are not the inbox password
    assert.equal((await sb.request('GET', '/_sandbox/account')).status, 401);
    const ok = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: ui },
      body: inboundJson(sb, 'let me in'),
    });
    assert.equal(ok.status, 201);
    assert.equal((await fetch(`${sb.url}/_sandbox/account`, { headers: { authorization: ui } })).status, 200);
  });

  it("leaves Twilio's paths to the account credentials", async () => {
    const list = await sb.client.messages.list({ limit: 5 });
    assert.equal(list.length, 1);
    const withUi = await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
      headers: { authorization: ui },
    });
    assert.equal(withUi.status, 401);
  });

  it('reads SANDBOX_UI_AUTH as user:password and never echoes a bad one', () => {
    const { config } = resolveConfig(sandboxSpec, { argv: [], env: { SANDBOX_UI_AUTH: 'dev:pa:ss' } });
    assert.deepEqual(config.uiAuth, { user: 'dev', password: 'pa:ss' });
    assert.throws(
      () => resolveConfig(sandboxSpec, { argv: ['--ui-auth', 'only-a-secret-word'], env: {} }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /--ui-auth must be user:password/.test(err.message) &&
        !err.message.includes('secret-word'),
    );
  });
});
