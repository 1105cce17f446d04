// The per-account cache that decides whether SendMessage tracks a message's status: one store query
// per account and TTL, dropped at once when this process changes the account's subscriptions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusWatch } from '../../src/connector/status-watch.js';

describe('StatusWatch', () => {
  it('answers false until a source is attached', async () => {
    assert.equal(await new StatusWatch().has('AC1'), false);
  });

  it('asks the source once per account within the TTL, again after it or after invalidate', async () => {
    let now = 1_000;
    const asked: string[] = [];
    const subscribed = new Set<string>();
    const watch = new StatusWatch(5_000, () => now);
    watch.attach((sid) => {
      asked.push(sid);
      return Promise.resolve(subscribed.has(sid));
    });
    assert.equal(await watch.has('AC1'), false);
    subscribed.add('AC1');
    assert.equal(await watch.has('AC1'), false, 'cached within the TTL (another instance subscribed)');
    assert.equal(await watch.has('AC2'), false);
    assert.deepEqual(asked, ['AC1', 'AC2']);
    now += 5_000;
    assert.equal(await watch.has('AC1'), true, 'asked again once the TTL is over');
    subscribed.delete('AC1');
    watch.invalidate('AC1');
    assert.equal(await watch.has('AC1'), false, 'asked again after a local unsubscribe');
    assert.deepEqual(asked, ['AC1', 'AC2', 'AC1', 'AC1']);
  });

  it('shares one query between concurrent sends and does not remember a failure', async () => {
    let calls = 0;
    let fail = true;
    const watch = new StatusWatch(60_000, () => 0);
    watch.attach(() => {
      calls++;
      return fail ? Promise.reject(new Error('store down')) : Promise.resolve(true);
    });
    const results = await Promise.allSettled([watch.has('AC1'), watch.has('AC1')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(calls, 1);
    fail = false;
    assert.equal(await watch.has('AC1'), true);
    assert.equal(calls, 2);
  });
});
