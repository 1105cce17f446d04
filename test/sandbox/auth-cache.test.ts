// Accepted credentials are remembered per connection: revoking or rotating them must still take
// effect on the very next request, whichever code path wrote the change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('sandbox authentication after credentials change', () => {
  let sb: TestSandbox;
  let accountPath: string;
  before(async () => {
    sb = await startSandbox();
    accountPath = `/2010-04-01/Accounts/${sb.accountSid}.json`;
  });
  after(() => sb.close());

  it('refuses a deleted API key on the next request', async () => {
    const key = await sb.client.newKeys.create({ friendlyName: 'short-lived' });
    const auth = basic(key.sid, key.secret);
    assert.equal((await sb.request('GET', accountPath, { auth })).status, 200);
    assert.equal((await sb.request('GET', accountPath, { auth })).status, 200);
    await sb.client.keys(key.sid).remove();
    const res = await sb.request('GET', accountPath, { auth });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { code: number }).code, 20003);
  });

  it('refuses the old auth token once it is rotated in the store, and accepts the new one', async () => {
    const old = basic(sb.accountSid, sb.authToken);
    assert.equal((await sb.request('GET', accountPath, { auth: old })).status, 200);
    sb.sandbox.ctx.db.prepare('UPDATE accounts SET auth_token = ? WHERE sid = ?').run('f'.repeat(32), sb.accountSid);
    assert.equal((await sb.request('GET', accountPath, { auth: old })).status, 401);
    const fresh = basic(sb.accountSid, 'f'.repeat(32));
    assert.equal((await sb.request('GET', accountPath, { auth: fresh })).status, 200);
  });

  it('still refuses unknown and wrong credentials every time', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = await sb.request('GET', accountPath, { auth: basic(sb.accountSid, 'nope') });
      assert.equal(wrong.status, 401);
      assert.equal((await sb.request('GET', accountPath, { auth: null })).status, 401);
    }
  });
});
