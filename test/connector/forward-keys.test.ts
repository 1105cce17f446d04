// Every outbox claim visits each order key that has a pending event, so an account must not be able
// to add keys without bound: a caller who sends with a different, unreachable status_callback each
// time would otherwise make everyone's claims slower for the 25 hours those forwards are retried.
// Measured by what the claim walks (distinct pending order keys), not by time; over real sockets,
// status callbacks signed as Twilio signs them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trackedStatusCallback } from '../../src/connector/triggers/index.js';
import { FORWARD_QUEUES } from '../../src/connector/triggers/twilio-endpoints.js';
import { startSecure, type SecureHarness } from './security-harness.js';

const URLS = 100;

describe('forwarded status callbacks: order keys per account', () => {
  let h: SecureHarness;
  let n = 0;
  before(async () => {
    // retries far apart: each forward fails once and then waits, without keeping the machine busy
    h = await startSecure({}, { delivery: { baseDelayMs: 600_000, maxDelayMs: 600_000, pollMs: 50 } });
    // a subscriber makes the account's token the one the status endpoint checks signatures with
    const res = await h.call('POST', '/subscriptions/messages/status', {
      json: { callbackUrl: 'http://127.0.0.1:9/s' },
    });
    assert.equal(res.status, 201);
  });
  after(() => h.close());

  async function statusFor(forwardTo: string, status: string, sid: string): Promise<void> {
    const tracked = trackedStatusCallback(h.url, {
      key: await h.app.trust.key(),
      accountSid: h.sb.accountSid,
      url: forwardTo,
    });
    const params = {
      MessageSid: sid,
      AccountSid: h.sb.accountSid,
      From: h.sb.phoneNumber,
      To: '+14155550100',
      MessageStatus: status,
    };
    const res = await h.asTwilio(tracked.slice(h.url.length), params, h.sb.authToken);
    assert.equal(res.status, 204);
  }

  const pendingKeys = async (prefix: string): Promise<Map<string, string[]>> => {
    const byKey = new Map<string, string[]>();
    for (const e of await h.store.listOutbox(h.sb.accountSid, 'pending', 10_000)) {
      if (!e.order_key.startsWith(prefix)) continue;
      byKey.set(e.order_key, [...(byKey.get(e.order_key) ?? []), e.callback_url]);
    }
    return byKey;
  };

  it('many distinct unreachable callbacks add a bounded number of keys, each callback in one', async () => {
    for (let i = 0; i < URLS; i++) {
      const sid = `SM${(++n).toString(16).padStart(32, '0')}`;
      // port 9 (discard) is closed: every forward fails and waits for its retry
      await statusFor(`http://127.0.0.1:9/flow-${i}?sig=s${i}`, 'sent', sid);
      await statusFor(`http://127.0.0.1:9/flow-${i}?sig=s${i}`, 'delivered', sid);
    }
    const forwards = await pendingKeys('forward:');
    const events = [...forwards.values()].flat();
    assert.equal(events.length, 2 * URLS, 'every forward is still pending');
    assert.ok(forwards.size <= FORWARD_QUEUES, `${URLS} callbacks made ${forwards.size} order keys`);
    // one callback's events share a key, so its statuses stay in order
    const keyOf = new Map<string, Set<string>>();
    for (const [key, urls] of forwards) for (const url of urls) keyOf.set(url, (keyOf.get(url) ?? new Set()).add(key));
    assert.equal(keyOf.size, URLS);
    for (const [url, keys] of keyOf) assert.equal(keys.size, 1, url);
  });
});
