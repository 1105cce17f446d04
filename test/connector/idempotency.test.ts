import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import type { ConnectorStore } from '../../src/store/types.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

describe('connector Idempotency-Key on SendMessage', () => {
  let h: Harness;
  let store: ConnectorStore;
  before(async () => {
    store = await openStore({ dataDir: ':memory:' });
    h = await startConnector({}, { store });
  });
  after(async () => {
    await h.close();
    await store.close();
  });

  const sentTo = async (to: string): Promise<number> => (await h.sb.client.messages.list({ to })).length;

  it('a repeat with the same key gets the first response and sends nothing new', async () => {
    const to = '+14155550301';
    const message = { from: h.sb.phoneNumber, to, body: 'once' };
    const first = await h.call('POST', '/Messages.json', { json: message, headers: { 'idempotency-key': 'k-1' } });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('idempotent-replayed'), 'false');
    const again = await h.call('POST', '/Messages.json', {
      // same content, different key order: still the same request
      json: { body: 'once', to, from: h.sb.phoneNumber },
      headers: { 'idempotency-key': 'k-1' },
    });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await json(again)).sid, (await json(first)).sid);
    assert.equal(await sentTo(to), 1);
  });

  it('concurrent duplicates cause one upstream send and all get the same message', async () => {
    const to = '+14155550302';
    const message = { from: h.sb.phoneNumber, to, body: 'storm' };
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        h.call('POST', '/Messages.json', { json: message, headers: { 'idempotency-key': 'k-storm' } }),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => json(r)));
    assert.ok(responses.every((r) => r.status === 200));
    assert.equal(new Set(bodies.map((b: { sid: string }) => b.sid)).size, 1);
    assert.equal(responses.filter((r) => r.headers.get('idempotent-replayed') === 'false').length, 1);
    assert.equal(await sentTo(to), 1);
  });

  it('two connector instances sharing the store still send once', async () => {
    const second = await startConnector({}, { store }, h.sb);
    try {
      const to = '+14155550306';
      const message = { from: h.sb.phoneNumber, to, body: 'two instances' };
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? h : second).call('POST', '/Messages.json', {
            json: message,
            headers: { 'idempotency-key': 'k-shared' },
          }),
        ),
      );
      const sids = await Promise.all(responses.map(async (r) => ((await json(r)) as { sid: string }).sid));
      assert.equal(new Set(sids).size, 1);
      assert.equal(await sentTo(to), 1);
    } finally {
      await second.close();
    }
  });

  it('the same key with a different body is refused with 422', async () => {
    const to = '+14155550303';
    await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to, body: 'first' },
      headers: { 'idempotency-key': 'k-2' },
    });
    const res = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to, body: 'second' },
      headers: { 'idempotency-key': 'k-2' },
    });
    assert.equal(res.status, 422);
    assert.equal((await json(res)).error.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(await sentTo(to), 1);
  });

  it('a Twilio rejection is not remembered: the corrected send may use the same key', async () => {
    const bad = { from: '+15005550001', to: '+14155550304', body: 'x' };
    const a = await h.call('POST', '/Messages.json', { json: bad, headers: { 'idempotency-key': 'k-3' } });
    const b = await h.call('POST', '/Messages.json', { json: bad, headers: { 'idempotency-key': 'k-3' } });
    assert.equal(a.status, 400);
    assert.equal(b.status, 400);
    assert.equal(b.headers.get('idempotent-replayed'), 'false', 'Twilio was asked again');
    const good = await h.call('POST', '/Messages.json', {
      json: { ...bad, from: h.sb.phoneNumber },
      headers: { 'idempotency-key': 'k-3' },
    });
    assert.equal(good.status, 200);
    assert.equal(await sentTo('+14155550304'), 1);
  });

  it('rejects an unusable key with 400', async () => {
    const res = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550305', body: 'x' },
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    assert.equal(res.status, 400);
    assert.match((await json(res)).error.message, /Idempotency-Key/);
  });
});
