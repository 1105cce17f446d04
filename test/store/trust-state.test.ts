// The store's shared key and the accounts' current credentials, on both backends: a second connector
// instance on the same database gets the same key (its idempotency scopes and forward tokens agree),
// and the newest credential of an account replaces the older one, which is kept as the previous one.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eachBackend } from './backends.js';

eachBackend('trust state', (b) => {
  it('generates one shared key per store, the same for every instance', async () => {
    const key = await b.store.sharedKey();
    assert.equal(key.length, 32);
    assert.notDeepEqual(key, Buffer.alloc(32));
    const other = await b.open();
    assert.deepEqual(await other.sharedKey(), key);
    assert.deepEqual(await b.store.sharedKey(), key, 'asking again does not rotate it');
  });

  it('keeps the current credential per account and the one it replaced', async () => {
    assert.equal(await b.store.getAccountCredentials('AC-trust'), undefined);
    await b.store.setAccountCredential('AC-trust', 'sealed-1', 1);
    await b.store.setAccountCredential('AC-other', 'sealed-x', 1);
    assert.deepEqual(await b.store.getAccountCredentials('AC-trust'), {
      current: 'sealed-1',
      previous: null,
      since: 1,
    });
    await b.store.setAccountCredential('AC-trust', 'sealed-2', 2);
    await b.store.setAccountCredential('AC-trust', 'sealed-3', 3);
    assert.deepEqual(await b.store.getAccountCredentials('AC-trust'), {
      current: 'sealed-3',
      previous: 'sealed-2',
      since: 3,
    });
    assert.deepEqual(await (await b.open()).getAccountCredentials('AC-other'), {
      current: 'sealed-x',
      previous: null,
      since: 1,
    });
  });
});
