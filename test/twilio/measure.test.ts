import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../../src/shared/errors.js';
import { measure } from '../../src/twilio/index.js';

describe('measure()', () => {
  it('runs every operation once with bounded concurrency and counts failures by code', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const m = await measure(
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        seen.push(i);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        if (i % 4 === 1) throw new ConnectorError('TWILIO_TIMEOUT', 'slow');
        if (i % 4 === 3) throw new TypeError('bad');
      },
      { concurrency: 3, count: 20 },
    );
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(peak, 3);
    assert.equal(m.count, 20);
    assert.equal(m.ok, 10);
    assert.deepEqual(m.errors, { TWILIO_TIMEOUT: 5, TypeError: 5 });
    assert.ok(m.p99Ms >= m.p50Ms);
    assert.ok(m.perSecond > 0);
  });
});
