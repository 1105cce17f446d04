import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildConnector } from '../../src/connector/app.js';
import { connectorConfig } from '../../src/connector/config.js';
import { basic, json } from '../helpers/sandbox.js';

// A Twilio stand-in that misbehaves on purpose: the real sandbox cannot be told to answer 429 or 500.
describe('connector: Twilio’s 429 and 5xx answers', () => {
  let upstream: Server;
  let url: string;
  let connector: ReturnType<typeof buildConnector>;
  let mode: 'rate-limited' | 'broken' = 'rate-limited';
  let posts = 0;
  const auth = basic(`AC${'3'.repeat(32)}`, 'token1234');

  before(async () => {
    upstream = createServer((req, res) => {
      if (req.method === 'POST') posts++;
      req.resume();
      if (req.method === 'GET' && /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\.json$/.test(req.url ?? '')) {
        // the connection check a keyed send makes first: these credentials are good
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"sid":"AC","status":"active"}');
      } else if (mode === 'rate-limited') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(
          JSON.stringify({
            code: 20429,
            message: 'Too Many Requests',
            more_info: 'https://www.twilio.com/docs/errors/20429',
            status: 429,
          }),
        );
      } else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            code: 20500,
            message: 'Internal Server Error',
            more_info: 'https://www.twilio.com/docs/errors/20500',
            status: 500,
          }),
        );
      }
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    connector = buildConnector(connectorConfig(), {
      upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    });
    url = await connector.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await connector.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  const send = (key: string): Promise<Response> =>
    fetch(`${url}/Messages.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ from: '+14155550100', to: '+14155550123', body: 'hi' }),
    });

  it('a Twilio 429 is 429 TWILIO_RATE_LIMITED with Retry-After, and frees the idempotency key', async () => {
    mode = 'rate-limited';
    const res = await send('k-429');
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    const { error } = await json(res);
    assert.equal(error.code, 'TWILIO_RATE_LIMITED');
    assert.equal(error.twilio_code, 20429);
    const before = posts;
    const again = await send('k-429');
    assert.equal(again.headers.get('idempotent-replayed'), 'false', 'the retry was sent, not replayed');
    assert.ok(posts > before);
  });

  it('a Twilio 5xx is 502 TWILIO_SERVER_ERROR carrying Twilio’s code', async () => {
    mode = 'broken';
    const res = await fetch(`${url}/Messages.json`, { headers: { authorization: auth } });
    assert.equal(res.status, 502);
    const { error } = await json(res);
    assert.equal(error.code, 'TWILIO_SERVER_ERROR');
    assert.equal(error.twilio_code, 20500);
  });

  it('counts upstream failures in /metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /connector_upstream_errors_total\{operation="ListMessages",kind="TWILIO_SERVER_ERROR"\} [1-9]/);
    assert.match(text, /connector_upstream_errors_total\{operation="SendMessage",kind="TWILIO_RATE_LIMITED"\} [1-9]/);
  });
});
