import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { ConcurrencyLimiter } from '../../src/twilio/index.js';
import { ACCOUNT_SID, fakeTwilio, sendJson, type FakeTwilio } from './servers.js';

const PREFIX = `/2010-04-01/Accounts/${ACCOUNT_SID}`;

describe('twilio client concurrency and paging', () => {
  const servers: FakeTwilio[] = [];
  const start = async (...args: Parameters<typeof fakeTwilio>): Promise<FakeTwilio> => {
    const s = await fakeTwilio(...args);
    servers.push(s);
    return s;
  };
  after(() => Promise.all(servers.map((s) => s.close())));

  it('keeps at most maxConcurrency requests in flight per account and serves the rest in FIFO order', async () => {
    const held: ServerResponse[] = [];
    let arrived: () => void = () => undefined;
    const s = await start((_req, res) => {
      held.push(res);
      arrived();
    });
    const waitForHeld = (n: number): Promise<void> =>
      new Promise((resolve) => {
        arrived = () => {
          if (held.length >= n) resolve();
        };
        arrived();
      });
    // two clients for the same account share one cap, as the connector builds one per call
    const a = s.client({ maxConcurrency: 2 });
    const b = s.client({ maxConcurrency: 2 });
    const calls = [0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? b : a).request('GET', `/Messages.json`, { query: { i } }));
    await waitForHeld(2);
    // give queued requests every chance to slip through if the cap were broken
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.received.length, 2);
    for (let done = 0; done < 6; done++) {
      await waitForHeld(Math.min(6, done + 2));
      sendJson(held[done]!, 200, { n: done });
      if (done + 2 < 6) {
        await waitForHeld(done + 3);
        assert.ok(s.received.length <= done + 3);
      }
    }
    const bodies = await Promise.all(calls);
    assert.deepEqual(
      s.received.map((r) => new URL(r.url, 'http://x').searchParams.get('i')),
      ['0', '1', '2', '3', '4', '5'],
    );
    assert.deepEqual(
      bodies.map((r) => r.body),
      [0, 1, 2, 3, 4, 5].map((n) => ({ n })),
    );
  });

  it('drops a queued request whose signal aborts, without taking a slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    const ac = new AbortController();
    const queued = limiter.acquire(ac.signal);
    const next = limiter.acquire();
    assert.equal(limiter.waiting, 2);
    ac.abort(new Error('caller gave up'));
    await assert.rejects(queued, /caller gave up/);
    release();
    const releaseNext = await next;
    assert.equal(limiter.inFlight, 1);
    assert.equal(limiter.waiting, 0);
    releaseNext();
    assert.equal(limiter.inFlight, 0);
  });

  it('follows next_page_uri (relative to the base URL) through every page', async () => {
    const sid = (n: number): string => `SM${String(n).padStart(32, '0')}`;
    const s = await start((req, res) => {
      const page = Number(new URL(req.url, 'http://x').searchParams.get('Page') ?? '0');
      const items = page < 2 ? [sid(page * 2), sid(page * 2 + 1)] : [sid(4)];
      sendJson(res, 200, {
        messages: items.map((x) => ({ sid: x })),
        page,
        page_size: 2,
        start: page * 2,
        end: page * 2 + items.length - 1,
        uri: `${PREFIX}/Messages.json?PageSize=2&Page=${page}`,
        first_page_uri: `${PREFIX}/Messages.json?PageSize=2&Page=0`,
        previous_page_uri: null,
        next_page_uri:
          page < 2 ? `${PREFIX}/Messages.json?PageSize=2&Page=${page + 1}&PageToken=PA${items.at(-1)!}` : null,
      });
    });
    const c = s.client();
    const first = await c.messages.list({ PageSize: 2 });
    assert.equal(first.items.length, 2);
    assert.equal(first.page_size, 2);
    assert.equal(first.raw['start'], 0);
    const sids: string[] = [];
    for await (const m of c.messages.each({ PageSize: 2 })) sids.push(m.sid);
    assert.deepEqual(sids, [0, 1, 2, 3, 4].map(sid));
    const second = await c.nextPage(first);
    assert.equal(second?.page, 1);
    assert.equal(new URL(s.received.at(-1)!.url, 'http://x').searchParams.get('PageToken'), `PA${sid(1)}`);
    const last = await c.nextPage((await c.nextPage(second))!);
    assert.equal(last, null);
  });

  it('stops iterating when next_page_uri points back at a page already read', async () => {
    const s = await start((_req, res) =>
      sendJson(res, 200, {
        messages: [{ sid: 'x' }],
        page: 0,
        page_size: 1,
        next_page_uri: `${PREFIX}/Messages.json?Page=1`,
      }),
    );
    const items = [];
    for await (const m of s.client().messages.each()) items.push(m);
    assert.equal(items.length, 2);
    assert.equal(s.received.length, 2);
  });
});
