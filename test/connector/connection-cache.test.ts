// Connections and their Twilio clients are reused per credential: every call must still reach
// Twilio with its own credentials and account, however calls with different ones interleave.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Lru } from '../../src/connector/lru.js';
import { basic } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

const ACCOUNT_A = `AC${'a'.repeat(32)}`;
const ACCOUNT_B = `AC${'b'.repeat(32)}`;
const KEY = `SK${'c'.repeat(32)}`;

describe('per-credential connections and clients', () => {
  let upstream: Server;
  const seen: { authorization: string | undefined; url: string | undefined }[] = [];
  let h: Harness;
  before(async () => {
    upstream = createServer((req, res) => {
      seen.push({ authorization: req.headers.authorization, url: req.url });
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${'0'.repeat(32)}`, status: 'queued', error_code: null }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    h = await startConnector({}, { upstreamUrl: `http://127.0.0.1:${port}` });
  });
  after(async () => {
    await h.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('sends each call with its own credentials and account', async () => {
    const calls: { auth: string; headers?: Record<string, string>; account: string }[] = [
      { auth: basic(ACCOUNT_A, 'token-one'), account: ACCOUNT_A },
      { auth: basic(ACCOUNT_A, 'token-two'), account: ACCOUNT_A },
      { auth: basic(ACCOUNT_B, 'token-one'), account: ACCOUNT_B },
      // too long to be cached: parsed on every call
      { auth: basic(ACCOUNT_A, 't'.repeat(600)), account: ACCOUNT_A },
      { auth: basic(KEY, 'secret'), headers: { 'x-twilio-account-sid': ACCOUNT_A }, account: ACCOUNT_A },
      { auth: basic(KEY, 'secret'), headers: { 'x-twilio-account-sid': ACCOUNT_B }, account: ACCOUNT_B },
    ];
    // twice, interleaved, so the second round is served from the caches
    for (const round of [1, 2]) {
      for (const c of calls) {
        seen.length = 0;
        const res = await h.call('POST', '/Messages.json', {
          auth: c.auth,
          ...(c.headers ? { headers: c.headers } : {}),
          json: { from: '+14155550100', to: '+14155550101', body: `round ${round}` },
        });
        assert.equal(res.status, 200);
        assert.equal(seen.length, 1);
        assert.equal(seen[0]!.authorization, c.auth);
        assert.equal(seen[0]!.url, `/2010-04-01/Accounts/${c.account}/Messages.json`);
      }
    }
  });

  it('still refuses a malformed credential after a good one for the same account', async () => {
    const ok = await h.call('GET', '/Messages/SM' + '0'.repeat(32) + '.json', { auth: basic(ACCOUNT_A, 'token-one') });
    assert.equal(ok.status, 200);
    const keyWithoutAccount = await h.call('POST', '/Messages.json', {
      auth: basic(KEY, 'secret'),
      json: { from: '+14155550100', to: '+14155550101', body: 'x' },
    });
    assert.equal(keyWithoutAccount.status, 401);
  });
});

describe('Lru', () => {
  it('evicts the least recently used entry', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1); // a is now the most recent
    lru.set('c', 3);
    assert.equal(lru.get('b'), undefined);
    assert.equal(lru.get('a'), 1);
    assert.equal(lru.get('c'), 3);
    assert.equal(lru.size, 2);
    assert.equal(
      lru.getOrSet('d', () => 4),
      4,
    );
    assert.equal(
      lru.getOrSet('d', () => 5),
      4,
    );
  });
});
