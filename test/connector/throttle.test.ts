import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Throttle } from '../../src/connector/throttle.js';
import { basic, json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

describe('connector throttling per connection', () => {
  let h: Harness;
  let now = Date.UTC(2024, 0, 1, 0, 0, 10);
  before(async () => {
    h = await startConnector({ throttleLimit: 3, throttleWindow: 60 }, { now: () => now });
  });
  after(() => h.close());

  it('answers 429 THROTTLED with Retry-After after N calls, for that connection only', async () => {
    // calls with a wrong token for the same account use their own bucket, not the real connection's
    for (let i = 0; i < 4; i++) {
      const wrong = await h.call('GET', '/Messages.json', { auth: basic(h.sb.accountSid, 'not-the-token-1') });
      assert.equal(wrong.status, i < 3 ? 401 : 429);
    }
    for (let i = 0; i < 3; i++) assert.equal((await h.call('GET', '/Messages.json')).status, 200);
    const res = await h.call('GET', '/Messages.json');
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.equal((await json(res)).error.code, 'THROTTLED');
    // another connection has its own allowance (Twilio then rejects the token, which is not a 429)
    const other = await h.call('GET', '/Messages.json', { auth: basic(`AC${'a'.repeat(32)}`, 'whatever12') });
    assert.notEqual(other.status, 429);
    // health and metrics are never throttled
    assert.equal((await h.call('GET', '/health')).status, 200);
  });

  it('allows calls again once the window has moved on', async () => {
    now += 2 * 60_000;
    assert.equal((await h.call('GET', '/Messages.json')).status, 200);
  });

  it('weights the previous window so a burst at the edge cannot double the rate', () => {
    let t = 59_000;
    const throttle = new Throttle(10, 60, () => t);
    for (let i = 0; i < 10; i++) assert.ok(throttle.take('c').allowed);
    t = 61_000; // a new window, but 58/60 of the previous one still counts
    const d = throttle.take('c');
    assert.equal(d.allowed, false);
    assert.ok(d.retryAfter >= 1);
    t = 120_000 + 59_000;
    assert.ok(throttle.take('c').allowed);
    assert.ok(new Throttle(0, 60).take('c').allowed, 'a limit of 0 disables throttling');
  });
  it('costs each call the same however many distinct credentials came before, and stays bounded', () => {
    const t = 1_000_000;
    const throttle = new Throttle(100, 60, () => t, 1_000);
    // every distinct wrong token is a new key; the work is counted as steps over the throttle's map
    const steps = (run: () => void): number => {
      const proto = Map.prototype as unknown as Record<string | symbol, (this: Map<unknown, unknown>) => unknown>;
      const originals = { entries: proto['entries']!, iterator: proto[Symbol.iterator]! };
      let n = 0;
      const counted = (make: (this: Map<unknown, unknown>) => unknown) =>
        function (this: Map<unknown, unknown>) {
          const it = make.call(this) as Iterator<unknown>;
          return {
            next: () => {
              n++;
              return it.next();
            },
            [Symbol.iterator]() {
              return this;
            },
          };
        };
      proto['entries'] = counted(originals.entries);
      proto[Symbol.iterator] = counted(originals.iterator);
      try {
        run();
      } finally {
        proto['entries'] = originals.entries;
        proto[Symbol.iterator] = originals.iterator;
      }
      return n;
    };
    let i = 0;
    const first = steps(() => {
      while (i < 500) throttle.take(`AC#wrong-${i++}`);
    });
    const later = steps(() => {
      while (i < 20_500) throttle.take(`AC#wrong-${i++}`);
    });
    assert.ok(first <= 500 * 3, `${first} steps for the first 500 keys`);
    assert.ok(later <= 20_000 * 3, `${later} steps for 20,000 more: not growing with the keys already there`);
    assert.equal(throttle.size, 1_000, 'the oldest entries go past the bound');
    assert.ok(throttle.visited <= 20_500 * 3);
  });

  it('drains idle entries as calls come, and never resets a live connection below the bound', () => {
    let t = 1_000_000;
    const throttle = new Throttle(3, 60, () => t, 1_000);
    for (let i = 0; i < 3; i++) assert.ok(throttle.take('AC#real').allowed);
    for (let i = 0; i < 900; i++) throttle.take(`AC#wrong-${i}`);
    assert.equal(throttle.take('AC#real').allowed, false, 'still counted among 900 others');
    assert.equal(throttle.size, 901);
    t += 2 * 60_000 + 1;
    for (let i = 0; i < 450; i++) throttle.take(`AC#later-${i}`);
    assert.equal(throttle.size, 901 + 450 - 2 * 450, 'each new call removes two idle entries');
    assert.ok(throttle.take('AC#real').allowed, 'a connection idle for two windows starts over');
  });
});
