// The connection verifier on its own: one upstream check per credential per TTL, shared by
// concurrent requests; refusals are never cached; an unreachable Twilio is a 5xx, never a 401. The
// check is a function here, so the count of upstream calls is exact; the sockets are covered in
// security-auth.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/connector/errors.js';
import { ConnectionVerifier } from '../../src/connector/verify.js';
import { TwilioApiError, NetworkError } from '../../src/twilio/index.js';
import type { Connection } from '../../src/connector/auth.js';

const SID = `AC${'1'.repeat(32)}`;
const conn = (password: string, tag = password): Connection => ({
  accountSid: SID,
  username: SID,
  password,
  scope: SID,
  throttleKey: `${SID}#${tag}`,
});
const refused = () =>
  new TwilioApiError({
    method: 'GET',
    url: `https://api.twilio.com/2010-04-01/Accounts/${SID}.json`,
    status: 401,
    twilioCode: 20003,
    twilioMessage: 'Authenticate',
    moreInfo: 'https://www.twilio.com/docs/errors/20003',
    requestId: undefined,
    retryAfterMs: undefined,
    body: undefined,
  });

describe('connection verifier', () => {
  it('asks once per credential within the TTL, and concurrent checks share the call', async () => {
    let now = 1_000;
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const v = new ConnectionVerifier(
      async () => {
        calls++;
        await gate;
      },
      { ttlMs: 60_000, now: () => now },
    );
    const c = conn('good');
    const asked = now;
    const all = Promise.all([v.verify(c), v.verify(c), v.verify(conn('good'))]);
    now += 5;
    release();
    const results = await all;
    assert.equal(calls, 1);
    assert.deepEqual(
      results.map((r) => r.fresh),
      [true, false, false],
    );
    assert.deepEqual(await v.verify(c), { fresh: false, at: asked }, 'a cached answer says when it was asked for');
    assert.equal(calls, 1);
    now += 60_001;
    assert.deepEqual(await v.verify(c), { fresh: true, at: now });
    assert.equal(calls, 2, 'checked again after the TTL');
    await v.verify(conn('other'));
    assert.equal(calls, 3, 'another credential is checked on its own');
  });

  it('never caches a refusal, and words it as the Auth Token', async () => {
    let calls = 0;
    const v = new ConnectionVerifier(() => {
      calls++;
      return Promise.reject(refused());
    });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(v.verify(conn('bad')), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.status, 401);
        assert.equal(err.code, 'TWILIO_AUTH_FAILED');
        assert.match(err.message, /the Auth Token is not the one of this Account SID/);
        return true;
      });
    }
    assert.equal(calls, 2);
  });

  it('reports an unreachable Twilio as 502, and remembers nothing', async () => {
    let down = true;
    const v = new ConnectionVerifier(() =>
      down
        ? Promise.reject(new NetworkError({ method: 'GET', url: 'https://api.twilio.com/' }, 'ECONNREFUSED', undefined))
        : Promise.resolve(),
    );
    await assert.rejects(v.verify(conn('t')), (err: unknown) => err instanceof ApiError && err.status === 502);
    down = false;
    assert.equal((await v.verify(conn('t'))).fresh, true);
  });

  it('keeps at most maxEntries credentials', async () => {
    let calls = 0;
    const v = new ConnectionVerifier(
      () => {
        calls++;
        return Promise.resolve();
      },
      { maxEntries: 2 },
    );
    for (const p of ['a', 'b', 'c', 'a']) await v.verify(conn(p));
    assert.equal(calls, 4, 'the oldest was evicted and checked again');
  });
});
