import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewOutboxEvent } from '../../src/store/index.js';
import { eachBackend } from './backends.js';

let n = 0;
function ev(order: string, dedupe: string, sub = `SUB-${order}`): NewOutboxEvent {
  n++;
  return {
    account_sid: 'AC1',
    subscription_id: sub,
    order_key: order,
    dedupe_key: dedupe,
    callback_url: 'http://127.0.0.1:9/cb',
    payload: JSON.stringify({ n }),
  };
}

eachBackend('outbox', (b) => {
  it('drops duplicates of one subscription and dedupe key, keeps them apart per subscription', async () => {
    const now = 1_000;
    assert.equal(await b.store.enqueue([ev('A', 'SM1'), ev('A', 'SM1')], now), 1);
    assert.equal(await b.store.enqueue([ev('A', 'SM1')], now), 0);
    assert.equal(await b.store.enqueue([ev('A', 'SM1', 'SUB-other')], now), 1);
    let delivered = 0;
    for (
      let got = await b.store.claimDue('w', now, 1000, 10);
      got.length > 0;
      got = await b.store.claimDue('w', now, 1000, 10)
    ) {
      for (const e of got) await b.store.markDelivered(e.id, 'w', now);
      delivered += got.length;
    }
    assert.equal(delivered, 2);
  });

  it('hands out only the head of each order key, in order, and leases it', async () => {
    const now = 2_000;
    await b.store.enqueue([ev('B', 'SM1'), ev('B', 'SM2'), ev('C', 'SM1')], now);
    const first = await b.store.claimDue('w1', now, 60_000, 10);
    assert.deepEqual(
      first.map((e) => [e.order_key, e.dedupe_key, e.attempts]),
      [
        ['B', 'SM1', 1],
        ['C', 'SM1', 1],
      ],
    );
    // leased: nobody else gets them, and SM2 waits behind SM1
    assert.deepEqual(await b.store.claimDue('w2', now, 60_000, 10), []);
    const [b1, c1] = first;
    await b.store.markFailed(b1!.id, 'w1', 'HTTP 503', now + 500, now);
    await b.store.markDelivered(c1!.id, 'w1', now);
    assert.deepEqual(await b.store.claimDue('w2', now + 100, 60_000, 10), [], 'retry not due yet, SM2 still blocked');
    const retry = await b.store.claimDue('w2', now + 500, 60_000, 10);
    assert.deepEqual(
      retry.map((e) => [e.dedupe_key, e.attempts, e.last_error]),
      [['SM1', 2, 'HTTP 503']],
    );
    await b.store.markDelivered(retry[0]!.id, 'w2', now + 500);
    const next = await b.store.claimDue('w2', now + 500, 60_000, 10);
    assert.deepEqual(
      next.map((e) => e.dedupe_key),
      ['SM2'],
    );
    await b.store.markDelivered(next[0]!.id, 'w2', now + 500);
  });

  it('gives an expired lease to another worker and ignores the late result of the first', async () => {
    const now = 3_000;
    await b.store.enqueue([ev('D', 'SM1')], now);
    const [a] = await b.store.claimDue('w1', now, 100, 10);
    const [again] = await b.store.claimDue('w2', now + 100, 100, 10);
    assert.equal(again?.id, a?.id);
    await b.store.markFailed(a!.id, 'w1', 'late', null, now + 150);
    assert.deepEqual(await b.store.listOutbox('AC1', 'dead', 10), [], 'stale owner cannot settle it');
    await b.store.markDelivered(again!.id, 'w2', now + 150);
  });

  it('keeps dead letters and releases the order key behind them', async () => {
    const now = 4_000;
    await b.store.enqueue([ev('E', 'SM1'), ev('E', 'SM2')], now);
    const [e1] = await b.store.claimDue('w', now, 1000, 10);
    await b.store.markFailed(e1!.id, 'w', 'HTTP 500', null, now);
    const dead = await b.store.listOutbox('AC1', 'dead', 10);
    assert.deepEqual(
      dead.map((e) => [e.order_key, e.dedupe_key, e.last_error]),
      [['E', 'SM1', 'HTTP 500']],
    );
    const [e2] = await b.store.claimDue('w', now, 1000, 10);
    assert.equal(e2?.dedupe_key, 'SM2');
    await b.store.markDelivered(e2.id, 'w', now);
  });

  it('lets four workers on two instances drain one queue with every event claimed exactly once', async () => {
    const other = await b.open();
    const now = 5_000;
    const events = Array.from({ length: 300 }, (_, i) => ev(`K${i % 6}`, `SM${i}`));
    await b.store.enqueue(events, now);
    const seen: string[] = [];
    const worker = async (name: string, store: typeof other): Promise<void> => {
      for (let idle = 0; idle < 3;) {
        const got = await store.claimDue(name, now, 60_000, 4);
        if (got.length === 0) {
          idle++;
          await new Promise((r) => setTimeout(r, 2));
          continue;
        }
        idle = 0;
        for (const e of got) {
          seen.push(`${e.order_key}/${e.dedupe_key}`);
          await store.markDelivered(e.id, name, now);
        }
      }
    };
    await Promise.all([worker('x', b.store), worker('y', other), worker('z', b.store), worker('v', other)]);
    assert.equal(new Set(seen).size, 300);
    assert.equal(seen.length, 300, 'no event claimed again after it was delivered');
    for (let k = 0; k < 6; k++) {
      const order = seen.filter((s) => s.startsWith(`K${k}/`)).map((s) => Number(s.split('/SM')[1]));
      assert.deepEqual(
        order,
        [...order].sort((x, y) => x - y),
        `K${k} delivered in order`,
      );
    }
  });

  it('hands a subscription at most one event at a time, across its order keys', async () => {
    const now = 6_000;
    // one subscription watching two numbers (two order keys), and another subscription
    await b.store.enqueue([ev('S|n1', 'SM1', 'SUB-S'), ev('S|n2', 'SM2', 'SUB-S'), ev('T|n1', 'SM1', 'SUB-T')], now);
    const first = await b.store.claimDue('w1', now, 60_000, 10);
    assert.deepEqual(
      first.map((e) => [e.subscription_id, e.dedupe_key]),
      [
        ['SUB-S', 'SM1'],
        ['SUB-T', 'SM1'],
      ],
    );
    // SUB-S has an event leased: its other number waits, even for another worker
    assert.deepEqual(await b.store.claimDue('w2', now, 60_000, 10), []);
    await b.store.markDelivered(first[0]!.id, 'w1', now);
    const next = await b.store.claimDue('w2', now, 60_000, 10);
    assert.deepEqual(
      next.map((e) => [e.subscription_id, e.dedupe_key]),
      [['SUB-S', 'SM2']],
    );
    await b.store.markDelivered(next[0]!.id, 'w2', now);
    await b.store.markDelivered(first[1]!.id, 'w1', now);
  });

  it('gives a released claim back at once, without counting the interrupted attempt', async () => {
    const now = 7_000;
    await b.store.enqueue([ev('R', 'SM1'), ev('R', 'SM2')], now);
    const [r1] = await b.store.claimDue('w1', now, 60_000, 10);
    assert.equal(r1?.attempts, 1);
    await b.store.releaseClaim(r1.id, 'someone-else');
    assert.deepEqual(await b.store.claimDue('w2', now, 60_000, 10), [], 'only the holder may release it');
    await b.store.releaseClaim(r1.id, 'w1');
    const [again] = await b.store.claimDue('w2', now, 60_000, 10);
    assert.deepEqual([again?.id, again?.attempts, again?.dedupe_key], [r1.id, 1, 'SM1']);
    await b.store.markDelivered(again!.id, 'w2', now);
    const [r2] = await b.store.claimDue('w2', now, 60_000, 10);
    assert.equal(r2?.dedupe_key, 'SM2');
    await b.store.markDelivered(r2.id, 'w2', now);
  });

  it('prunes delivered events only', async () => {
    const removed = await b.store.pruneOutbox(10_000);
    assert.ok(removed > 0);
    assert.equal((await b.store.listOutbox('AC1', 'dead', 10)).length, 1);
  });
});
