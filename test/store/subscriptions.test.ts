import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Subscription } from '../../src/store/index.js';
import { eachBackend } from './backends.js';

function sub(id: string, over: Partial<Subscription> = {}): Subscription {
  return {
    id,
    kind: 'received',
    account_sid: 'AC1',
    callback_url: `http://127.0.0.1:9/${id}`,
    phone_number: '+15005550006',
    number_sid: 'PN1',
    auto_reply: null,
    statuses: null,
    credentials: 'sealed',
    created_at: 1,
    ...over,
  };
}

const hook = {
  account_sid: 'AC1',
  number_sid: 'PN1',
  phone_number: '+15005550006',
  previous_sms_url: 'https://example.com/sms',
  previous_sms_method: 'GET',
};

eachBackend('subscriptions', (b) => {
  it('stores, lists per number and kind, and fetches subscriptions', async () => {
    await b.store.createSubscription(sub('S1', { auto_reply: 'Thanks!' }));
    await b.store.createSubscription(sub('S2', { created_at: 2 }));
    await b.store.createSubscription(
      sub('S3', { kind: 'status', phone_number: null, number_sid: null, statuses: ['delivered', 'failed'] }),
    );
    const received = await b.store.listSubscriptions('AC1', 'received', '+15005550006');
    assert.deepEqual(
      received.map((s) => [s.id, s.auto_reply]),
      [
        ['S1', 'Thanks!'],
        ['S2', null],
      ],
    );
    assert.deepEqual((await b.store.getSubscription('S3'))?.statuses, ['delivered', 'failed']);
    assert.deepEqual(await b.store.listSubscriptions('AC2', 'received'), []);
    assert.equal(await b.store.getSubscription('nope'), undefined);
  });

  it("remembers a number's first previous webhook only", async () => {
    assert.equal(await b.store.saveNumberHook(hook, 1), true);
    assert.equal(await b.store.saveNumberHook({ ...hook, previous_sms_url: 'http://connector/twilio' }, 2), false);
    assert.equal((await b.store.getNumberHook('AC1', 'PN1'))?.previous_sms_url, 'https://example.com/sms');
  });

  it('returns the hook to restore only when the last subscription on the number goes', async () => {
    const first = await b.store.deleteSubscription('S1');
    assert.equal(first?.removed.id, 'S1');
    assert.equal(first?.lastOnNumber, undefined);
    const last = await b.store.deleteSubscription('S2');
    assert.deepEqual(last?.lastOnNumber, hook);
    assert.equal(await b.store.getNumberHook('AC1', 'PN1'), undefined);
    assert.equal(await b.store.deleteSubscription('S2'), undefined);
  });

  it('sees exactly one "last" when the final subscriptions of a number are deleted at once', async () => {
    await b.store.saveNumberHook(hook, 1);
    const ids = ['T1', 'T2', 'T3', 'T4'];
    for (const id of ids) await b.store.createSubscription(sub(id));
    const other = await b.open();
    const results = await Promise.all(ids.map((id, i) => (i % 2 ? other : b.store).deleteSubscription(id)));
    assert.equal(results.filter((r) => r?.lastOnNumber !== undefined).length, 1);
  });
});
