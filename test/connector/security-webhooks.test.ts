// The Twilio-facing endpoints trust only the account's current credential, and the connector
// forwards status callbacks only to destinations it minted itself. Over real sockets against the
// sandbox; the test signs as Twilio would with the official SDK.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openForward } from '../../src/connector/triggers/forward-token.js';
import { secretBox, trackedStatusCallback } from '../../src/connector/triggers/index.js';
import { startSecure, type SecureHarness } from './security-harness.js';

describe('security: signatures and forwarded callbacks', () => {
  let h: SecureHarness;
  let n = 0;
  const sid = (): string => `SM${(++n).toString(16).padStart(32, '0')}`;
  before(async () => {
    h = await startSecure();
    const res = await h.call('POST', '/subscriptions/messages/status', {
      json: { callbackUrl: 'http://127.0.0.1:9/s' },
    });
    assert.equal(res.status, 201);
  });
  after(() => h.close());

  const events = async (): Promise<{ callback_url: string; payload: string }[]> => [
    ...(await h.store.listOutbox(h.sb.accountSid, 'pending', 500)),
    ...(await h.store.listOutbox(h.sb.accountSid, 'delivered', 500)),
    ...(await h.store.listOutbox(h.sb.accountSid, 'dead', 500)),
  ];
  const status = (extra: Record<string, string> = {}): Record<string, string> => ({
    MessageSid: sid(),
    AccountSid: h.sb.accountSid,
    From: h.sb.phoneNumber,
    To: '+14155550100',
    MessageStatus: 'delivered',
    ...extra,
  });

  it('a signature made with a token another subscription stored is refused with 403', async () => {
    // a subscription whose sealed token is not the account's (left from before, or planted)
    const planted = 'planted-token-0123456789abcdef0';
    const box = secretBox(h.secretKey);
    await h.store.createSubscription({
      id: randomUUID(),
      kind: 'status',
      account_sid: h.sb.accountSid,
      callback_url: 'http://127.0.0.1:9/planted',
      phone_number: null,
      number_sid: null,
      auto_reply: null,
      statuses: null,
      credentials: box.seal(
        JSON.stringify({ accountSid: h.sb.accountSid, username: h.sb.accountSid, password: planted }),
      ),
      created_at: Date.now() + 60_000,
    });
    const before = (await events()).length;
    const forged = status();
    assert.equal((await h.asTwilio('/twilio/messages/status', forged, planted)).status, 403);
    assert.equal(
      (await h.asTwilio('/twilio/messages/received', { ...forged, To: h.sb.phoneNumber, Body: 'x' }, planted)).status,
      403,
    );
    assert.equal((await events()).length, before, 'nothing was stored');
    // the account's real token still signs
    assert.equal((await h.asTwilio('/twilio/messages/status', status(), h.sb.authToken)).status, 204);
    assert.ok((await events()).length > before);
  });

  it('never forwards to a URL named in the request, signed or not', async () => {
    const attacker = 'http://127.0.0.1:9/attacker';
    for (const query of [
      `?forward=${encodeURIComponent(attacker)}`,
      `?forward=${Buffer.from(attacker).toString('base64url')}.${'A'.repeat(32)}`,
      `?forward=${Buffer.from(attacker).toString('base64url')}`,
    ]) {
      const res = await h.asTwilio(`/twilio/messages/status${query}`, status(), h.sb.authToken);
      assert.equal(res.status, 204, query);
    }
    assert.ok(!(await events()).some((e) => e.callback_url.includes('attacker')), 'no event names the attacker URL');
  });

  it('a forward token minted for one account does not open for another', async () => {
    const tracked = trackedStatusCallback(h.url, {
      key: await h.app.trust.key(),
      accountSid: h.sb.accountSid,
      url: 'http://127.0.0.1:9/mine',
    });
    const query = new URL(tracked).search;
    assert.match(query, /^\?forward=/);
    const token = decodeURIComponent(query.slice('?forward='.length));
    for (const part of [token, ...token.split('.').map((p) => Buffer.from(p, 'base64url').toString('latin1'))]) {
      assert.ok(!part.includes('127.0.0.1:9/mine'), 'the destination is not readable in the StatusCallback');
    }
    const other = `AC${'e'.repeat(32)}`;
    const res = await h.asTwilio(`/twilio/messages/status${query}`, status({ AccountSid: other }), h.sb.authToken);
    assert.equal(res.status, 403, 'no current credential for that account');
    assert.equal(openForward(await h.app.trust.key(), other, query.slice('?forward='.length)), undefined);
    const mine = await h.asTwilio(`/twilio/messages/status${query}`, status(), h.sb.authToken);
    assert.equal(mine.status, 204);
    assert.ok((await events()).some((e) => e.callback_url === 'http://127.0.0.1:9/mine'));
  });
});
