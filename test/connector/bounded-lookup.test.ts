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

  it('answers ETIMEOUT at the deadline; with no room for stuck lookups one keeps its slot until it returns', async () => {
    const r = heldResolver();
    const lookup = boundedLookup({ lookup: r.lookup, concurrency: 1, maxStuck: 0, timeoutMs: 20 });
    const stuck = resolve(lookup, 'silent.example');
    const waiting = resolve(lookup, 'queued.example');
    assert.deepEqual(
      await Promise.all([stuck, waiting]),
      ['error ETIMEOUT', 'error EBUSY'],
      'waiting is not a timeout',
    );
    assert.equal(r.running(), 1, 'the queued lookup never reached the resolver');
    const later = resolve(lookup, 'later.example');
    assert.equal(r.running(), 1, 'still one: the stuck lookup holds the only slot');
    r.release(1);
    await new Promise((x) => setImmediate(x));
    assert.equal(r.running(), 1, 'its slot went to the next caller');
    r.release(1);
    assert.equal(await later, '192.0.2.1');
  });

  it('two names whose name servers never answer do not make a healthy name fail', async () => {
    const calls: string[] = [];
    let healthyAnswers = 0;
    // silent.* never answers at all; every other name answers at once
    const resolver: LookupFunction = (hostname, _options, callback) => {
      calls.push(hostname);
      if (hostname.startsWith('silent')) return;
      healthyAnswers++;
      (callback as (e: null, a: LookupAddress[]) => void)(null, [{ address: '192.0.2.7', family: 4 }]);
    };
    const lookup = boundedLookup({ lookup: resolver, concurrency: 2, timeoutMs: 20 });
    const first = await Promise.all([
      resolve(lookup, 'silent-1.example'),
      resolve(lookup, 'silent-1.example'),
      resolve(lookup, 'silent-2.example'),
      resolve(lookup, 'healthy.example'),
    ]);
    assert.deepEqual(first.slice(0, 3), ['error ETIMEOUT', 'error ETIMEOUT', 'error ETIMEOUT']);
    // the healthy name either got its answer or was only kept waiting (EBUSY), never blamed
    assert.ok(['192.0.2.7', 'error EBUSY'].includes(first[3]), first[3]);
    assert.deepEqual(
      calls.filter((h) => h.startsWith('silent')),
      ['silent-1.example', 'silent-2.example'],
      'one lookup per name, the second caller shared it',
    );
    // the stuck names now answer at once from the negative cache, and leave a slot to the healthy one
    for (let round = 0; round < 3; round++) {
      const again = await Promise.all([
        resolve(lookup, 'silent-1.example'),
        resolve(lookup, 'silent-2.example'),
        resolve(lookup, 'healthy.example'),
        resolve(lookup, 'other-healthy.example'),
      ]);
      assert.deepEqual(again, ['error ETIMEOUT', 'error ETIMEOUT', '192.0.2.7', '192.0.2.7']);
    }
    assert.equal(calls.filter((h) => h.startsWith('silent')).length, 2, 'no new lookup of a silent name');
    assert.ok(healthyAnswers <= 2, 'the answers were reused');
  });

  it('keeps a late answer, and looks a name up again once its cache entries expire', async () => {
    let clock = 0;
    const r = heldResolver();
    const lookup = boundedLookup({ lookup: r.lookup, timeoutMs: 20, cacheMs: 10_000, now: () => clock });
    assert.equal(await resolve(lookup, 'slow.example'), 'error ETIMEOUT');
    assert.equal(await resolve(lookup, 'slow.example'), 'error ETIMEOUT');
    assert.equal(r.running(), 1, 'the second caller did not start another lookup');
    r.release(1);
    await new Promise((x) => setImmediate(x));
    assert.equal(await resolve(lookup, 'slow.example'), '192.0.2.1', 'the late answer was kept');
    assert.equal(r.running(), 0);
    clock = 60_000;
    const answer = resolve(lookup, 'slow.example');
    assert.equal(r.running(), 1, 'asked the resolver again');
    r.release(1);
    assert.equal(await answer, '192.0.2.1');
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
