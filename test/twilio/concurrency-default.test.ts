// The client's default concurrency cap per account is 100 (issue #4): with no maxConcurrency given,
// the 101st simultaneous request waits until one of the first hundred has its answer.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { fakeTwilio, sendJson, type FakeTwilio } from './servers.js';

const CAP = 100;
const EXTRA = 5;

describe('twilio client default concurrency cap', () => {
  let s: FakeTwilio | undefined;
  after(() => s?.close());

  it('keeps 100 requests in flight per account when not told otherwise', async () => {
    const held: ServerResponse[] = [];
    let arrived: () => void = () => undefined;
    s = await fakeTwilio((_req, res) => {
      held.push(res);
      arrived();
    });
    // resolves once n requests are held, or after 2 s so that a lower cap fails instead of hanging
    const heldAtLeast = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, 2000);
        arrived = () => {
          if (held.length < n) return;
          clearTimeout(timer);
          resolve();
        };
        arrived();
      });
    const client = s.client();
    const calls = Array.from({ length: CAP + EXTRA }, (_, i) =>
      client.request('GET', '/Messages.json', { query: { i } }),
    );
    await heldAtLeast(CAP);
    // give the queued ones every chance to slip through if the cap were higher
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.received.length, CAP);

    sendJson(held[0]!, 200, { n: 0 });
    await heldAtLeast(CAP + 1);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.received.length, CAP + 1, 'one answer lets exactly one more through');

    for (let i = 1; i < CAP + EXTRA; i++) {
      await heldAtLeast(Math.min(CAP + EXTRA, i + 1));
      const res = held[i];
      assert.ok(res, `request ${i} reached the server`);
      sendJson(res, 200, { n: i });
    }
    const answers = await Promise.all(calls);
    assert.equal(answers.length, CAP + EXTRA);
    assert.equal(s.received.length, CAP + EXTRA);
  });
});
