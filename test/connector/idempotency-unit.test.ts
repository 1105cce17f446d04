import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/connector/errors.js';
import { Idempotency, MemoryIdempotencyStore, requestHash, type Outcome } from '../../src/connector/idempotency.js';

const ok = (body: string): Outcome => ({ status: 200, body, contentType: 'application/json' });

describe('Idempotency', () => {
  it('answers IDEMPOTENCY_IN_PROGRESS when the first request outlasts the wait, then replays its answer', async () => {
    const idem = new Idempotency(new MemoryIdempotencyStore(), { waitMs: 0 });
    let finish!: (o: Outcome) => void;
    const first = idem.run('AC1', 'k', 'h', () => new Promise<Outcome>((r) => (finish = r)));
    await new Promise((r) => setImmediate(r));
    await assert.rejects(
      idem.run('AC1', 'k', 'h', () => Promise.resolve(ok('second'))),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'IDEMPOTENCY_IN_PROGRESS');
        return true;
      },
    );
    finish(ok('first'));
    assert.equal((await first).body, 'first');
    const again = await idem.run('AC1', 'k', 'h', () => Promise.resolve(ok('third')));
    assert.deepEqual([again.body, again.replayed], ['first', true]);
  });

  it('frees the key when the outcome says the request never left, and when the send throws', async () => {
    const idem = new Idempotency(new MemoryIdempotencyStore(), { waitMs: 1000 });
    let sends = 0;
    await idem.run('AC1', 'k', 'h', () =>
      Promise.resolve({ ...ok('x'), status: 429, release: true, body: `${++sends}` }),
    );
    await assert.rejects(idem.run('AC1', 'k', 'h', () => Promise.reject(new Error(`boom ${++sends}`))));
    const last = await idem.run('AC1', 'k', 'h', () => Promise.resolve(ok(`${++sends}`)));
    assert.deepEqual([last.body, last.replayed, sends], ['3', false, 3]);
  });

  it('hashes request bodies independently of key order and absent fields', () => {
    assert.equal(
      requestHash('SendMessage', { a: 1, b: [1, { c: 2, d: 3 }] }),
      requestHash('SendMessage', { b: [1, { d: 3, c: 2 }], a: 1 }),
    );
    assert.notEqual(requestHash('SendMessage', { a: 1 }), requestHash('SendMessage', { a: 2 }));
    assert.equal(requestHash('SendMessage', { a: 1, z: undefined }), requestHash('SendMessage', { a: 1 }));
  });
});
