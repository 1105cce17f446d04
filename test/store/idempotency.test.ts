import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eachBackend } from './backends.js';

const DAY = 86_400_000;

eachBackend('idempotency keys', (b) => {
  it('claims a new key once, then reports it in flight with its request hash', async () => {
    assert.deepEqual(await b.store.claimIdempotencyKey('AC1', 'k1', 'h1', DAY), { state: 'new' });
    assert.deepEqual(await b.store.claimIdempotencyKey('AC1', 'k1', 'h2', DAY), {
      state: 'in-flight',
      requestHash: 'h1',
    });
  });

  it('keeps keys apart per scope', async () => {
    assert.equal((await b.store.claimIdempotencyKey('AC2', 'k1', 'h1', DAY)).state, 'new');
  });

  it('returns the stored response after completion', async () => {
    await b.store.claimIdempotencyKey('AC1', 'k2', 'h1', DAY);
    await b.store.completeIdempotencyKey('AC1', 'k2', 201, '{"sid":"SM1"}', 'application/json');
    assert.deepEqual(await b.store.claimIdempotencyKey('AC1', 'k2', 'h1', DAY), {
      state: 'done',
      requestHash: 'h1',
      status: 201,
      body: '{"sid":"SM1"}',
      contentType: 'application/json',
    });
  });

  it('lets a retry claim again after a release, but never releases a completed key', async () => {
    await b.store.claimIdempotencyKey('AC1', 'k3', 'h1', DAY);
    await b.store.releaseIdempotencyKey('AC1', 'k3');
    assert.equal((await b.store.claimIdempotencyKey('AC1', 'k3', 'h1', DAY)).state, 'new');
    await b.store.completeIdempotencyKey('AC1', 'k3', 200, 'x', 'text/plain');
    await b.store.releaseIdempotencyKey('AC1', 'k3');
    assert.equal((await b.store.claimIdempotencyKey('AC1', 'k3', 'h1', DAY)).state, 'done');
  });

  it('treats an expired key as new', async () => {
    await b.store.claimIdempotencyKey('AC1', 'k4', 'h1', 1);
    await b.store.completeIdempotencyKey('AC1', 'k4', 200, 'old', 'text/plain');
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await b.store.claimIdempotencyKey('AC1', 'k4', 'h2', DAY), { state: 'new' });
    assert.deepEqual(await b.store.claimIdempotencyKey('AC1', 'k4', 'h2', DAY), {
      state: 'in-flight',
      requestHash: 'h2',
    });
  });

  it('gives exactly one "new" to many concurrent claims, also across two instances', async () => {
    const other = await b.open();
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? b.store : other).claimIdempotencyKey('AC1', 'race', `h${i}`, DAY),
      ),
    );
    assert.equal(claims.filter((c) => c.state === 'new').length, 1);
    assert.equal(claims.filter((c) => c.state === 'in-flight').length, 39);
  });
});

eachBackend('idempotency claim leases', (b) => {
  const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

  it('an in-flight claim whose lease ran out is taken over by the same body, never by another', async () => {
    assert.equal((await b.store.claimIdempotencyKey('ACl', 'dead', 'h1', DAY, { ms: 1, token: 't1' })).state, 'new');
    await tick();
    assert.deepEqual(await b.store.claimIdempotencyKey('ACl', 'dead', 'h2', DAY, { ms: DAY, token: 't2' }), {
      state: 'in-flight',
      requestHash: 'h1',
    });
    assert.deepEqual(await b.store.claimIdempotencyKey('ACl', 'dead', 'h1', DAY, { ms: DAY, token: 't3' }), {
      state: 'new',
    });
    // the new holder's lease is live: nobody else gets the key
    assert.equal(
      (await b.store.claimIdempotencyKey('ACl', 'dead', 'h1', DAY, { ms: DAY, token: 't4' })).state,
      'in-flight',
    );
  });

  it('a live lease, or a claim without one, holds the key', async () => {
    await b.store.claimIdempotencyKey('ACl', 'live', 'h', DAY, { ms: DAY, token: 't1' });
    await b.store.claimIdempotencyKey('ACl', 'unleased', 'h', DAY);
    await tick();
    assert.equal(
      (await b.store.claimIdempotencyKey('ACl', 'live', 'h', DAY, { ms: 1, token: 't2' })).state,
      'in-flight',
    );
    assert.equal(
      (await b.store.claimIdempotencyKey('ACl', 'unleased', 'h', DAY, { ms: 1, token: 't2' })).state,
      'in-flight',
    );
  });

  it('a completed key is never taken over, whatever its lease was', async () => {
    await b.store.claimIdempotencyKey('ACl', 'done', 'h', DAY, { ms: 1, token: 't1' });
    await b.store.completeIdempotencyKey('ACl', 'done', 200, 'first', 'application/json', 't1');
    await tick();
    const claim = await b.store.claimIdempotencyKey('ACl', 'done', 'h', DAY, { ms: DAY, token: 't2' });
    assert.equal(claim.state, 'done');
    assert.equal(claim.state === 'done' ? claim.body : undefined, 'first');
  });

  it('the holder that lost its claim can neither complete nor release the new holder’s', async () => {
    await b.store.claimIdempotencyKey('ACl', 'late', 'h', DAY, { ms: 1, token: 'old' });
    await tick();
    assert.equal((await b.store.claimIdempotencyKey('ACl', 'late', 'h', DAY, { ms: DAY, token: 'new' })).state, 'new');
    await b.store.releaseIdempotencyKey('ACl', 'late', 'old');
    await b.store.completeIdempotencyKey('ACl', 'late', 502, 'old answer', 'application/json', 'old');
    assert.equal(
      (await b.store.claimIdempotencyKey('ACl', 'late', 'h', DAY, { ms: DAY, token: 'x' })).state,
      'in-flight',
    );
    await b.store.completeIdempotencyKey('ACl', 'late', 200, 'new answer', 'application/json', 'new');
    const claim = await b.store.claimIdempotencyKey('ACl', 'late', 'h', DAY, { ms: DAY, token: 'y' });
    assert.equal(claim.state === 'done' ? claim.body : claim.state, 'new answer');
  });

  it('many concurrent takeovers of an abandoned claim give exactly one "new", also across instances', async () => {
    await b.store.claimIdempotencyKey('ACl', 'herd', 'h', DAY, { ms: 1, token: 'dead' });
    await tick();
    const other = await b.open();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? b.store : other).claimIdempotencyKey('ACl', 'herd', 'h', DAY, { ms: DAY, token: `t${i}` }),
      ),
    );
    assert.equal(claims.filter((c) => c.state === 'new').length, 1);
  });
});

eachBackend('idempotency key pruning', (b) => {
  it('deletes only keys whose TTL ended', async () => {
    await b.store.claimIdempotencyKey('AC9', 'short', 'h', 1);
    await b.store.claimIdempotencyKey('AC9', 'long', 'h', DAY);
    assert.equal(await b.store.pruneIdempotencyKeys(Date.now() + 10), 1);
    assert.equal((await b.store.claimIdempotencyKey('AC9', 'long', 'h', DAY)).state, 'in-flight');
    assert.equal((await b.store.claimIdempotencyKey('AC9', 'short', 'h', DAY)).state, 'new');
  });
});
