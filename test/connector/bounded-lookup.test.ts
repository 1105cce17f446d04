import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, it } from 'node:test';
import { boundedLookup } from '../../src/connector/bounded-lookup.js';

/** A resolver whose answers the test releases by hand, like a name server that is slow to reply. */
function heldResolver(): { lookup: LookupFunction; running: () => number; release: (n: number) => void } {
  const held: (() => void)[] = [];
  const lookup: LookupFunction = (_hostname, _options, callback) => {
    held.push(() => (callback as (e: null, a: LookupAddress[]) => void)(null, [{ address: '192.0.2.1', family: 4 }]));
  };
  return {
    lookup,
    running: () => held.length,
    release: (n) => {
      for (const answer of held.splice(0, n)) answer();
    },
  };
}

function resolve(lookup: LookupFunction, host: string): Promise<string> {
  return new Promise((done) => {
    lookup(host, { all: true }, (err, addresses) => {
      done(err ? `error ${err.code}` : (addresses as unknown as LookupAddress[])[0]!.address);
    });
  });
}

describe('bounded DNS lookups', () => {
  it('runs at most `concurrency` lookups, the rest wait their turn', async () => {
    const r = heldResolver();
    const lookup = boundedLookup({ lookup: r.lookup, concurrency: 2, timeoutMs: 60_000 });
    const answers = ['a', 'b', 'c', 'd', 'e'].map((h) => resolve(lookup, `${h}.example`));
    assert.equal(r.running(), 2, 'two started, three waiting');
    r.release(2);
    await new Promise((x) => setImmediate(x));
    assert.equal(r.running(), 2, 'the next two started as the first two answered');
    r.release(2);
    await new Promise((x) => setImmediate(x));
    r.release(1);
    assert.deepEqual(await Promise.all(answers), Array(5).fill('192.0.2.1'));
  });

  it('answers ETIMEOUT at the deadline, and a stuck lookup keeps its slot until it returns', async () => {
    const r = heldResolver();
    const lookup = boundedLookup({ lookup: r.lookup, concurrency: 1, timeoutMs: 20 });
    const stuck = resolve(lookup, 'silent.example');
    const waiting = resolve(lookup, 'queued.example');
    assert.deepEqual(await Promise.all([stuck, waiting]), ['error ETIMEOUT', 'error ETIMEOUT']);
    assert.equal(r.running(), 1, 'the queued lookup never reached the resolver');
    const later = resolve(lookup, 'later.example');
    assert.equal(r.running(), 1, 'still one: the stuck lookup holds the only slot');
    r.release(1);
    await new Promise((x) => setImmediate(x));
    assert.equal(r.running(), 1, 'its slot went to the next caller');
    r.release(1);
    assert.equal(await later, '192.0.2.1');
  });

  it('refuses callers beyond the queue with EBUSY', async () => {
    const r = heldResolver();
    const lookup = boundedLookup({ lookup: r.lookup, concurrency: 1, maxQueued: 1, timeoutMs: 60_000 });
    const first = resolve(lookup, 'one.example');
    const second = resolve(lookup, 'two.example');
    assert.equal(await resolve(lookup, 'three.example'), 'error EBUSY');
    r.release(1);
    await new Promise((x) => setImmediate(x));
    r.release(1);
    assert.deepEqual(await Promise.all([first, second]), ['192.0.2.1', '192.0.2.1']);
  });
});
