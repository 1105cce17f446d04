// The Twilio-facing endpoints check the signature before reading anything else, and accept the
// account's previous auth token for a while after a rotation. Over real sockets; the test signs as
// Twilio would.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { PREVIOUS_CREDENTIAL_GRACE_MS } from '../../src/connector/triggers/proven.js';
import { secretBox } from '../../src/connector/triggers/index.js';
import { startSecure, type SecureHarness } from './security-harness.js';

const ACCOUNT = `AC${'f'.repeat(32)}`;

describe('security: signing credentials', () => {
  let h: SecureHarness;
  let n = 0;
  before(async () => {
    h = await startSecure();
  });
  after(() => h.close());

  const status = (): Record<string, string> => ({
    MessageSid: `SM${(++n).toString(16).padStart(32, '0')}`,
    AccountSid: ACCOUNT,
    From: '+14155550111',
    To: '+14155550100',
    MessageStatus: 'delivered',
  });
  const seal = (password: string): string =>
    secretBox(h.secretKey).seal(JSON.stringify({ accountSid: ACCOUNT, username: ACCOUNT, password }));

  it('accepts the previous token during the switch and only then', async () => {
    await h.store.setAccountCredential(ACCOUNT, seal('old-token-000000000000000000000'), Date.now() - 60_000);
    await h.store.setAccountCredential(ACCOUNT, seal('new-token-000000000000000000000'), Date.now());
    assert.equal(
      (await h.asTwilio('/twilio/messages/status', status(), 'new-token-000000000000000000000')).status,
      204,
    );
    assert.equal(
      (await h.asTwilio('/twilio/messages/status', status(), 'old-token-000000000000000000000')).status,
      204,
    );
    assert.equal(
      (await h.asTwilio('/twilio/messages/status', status(), 'other-token-0000000000000000000')).status,
      403,
    );

    // the next rotation drops the oldest, and a previous token older than the grace period is refused
    await h.store.setAccountCredential(
      ACCOUNT,
      seal('newest-token-000000000000000000'),
      Date.now() - PREVIOUS_CREDENTIAL_GRACE_MS - 1_000,
    );
    assert.equal(
      (await h.asTwilio('/twilio/messages/status', status(), 'old-token-000000000000000000000')).status,
      403,
    );
    assert.equal(
      (await h.asTwilio('/twilio/messages/status', status(), 'new-token-000000000000000000000')).status,
      403,
    );
    assert.equal(
      (await h.asTwilio('/twilio/messages/status', status(), 'newest-token-000000000000000000')).status,
      204,
    );
  });

  it('forgets the previous token as soon as Twilio refuses it when a caller proves it', async () => {
    const account = h.sb.accountSid;
    const leaked = 'leaked-token-000000000000000000';
    const sealAs = (password: string): string =>
      secretBox(h.secretKey).seal(JSON.stringify({ accountSid: account, username: account, password }));
    const statusOf = (): Record<string, string> => ({ ...status(), AccountSid: account });
    await h.store.setAccountCredential(account, sealAs(leaked), Date.now() - 60_000);
    await h.store.setAccountCredential(account, sealAs(h.sb.authToken), Date.now());
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), leaked)).status, 204, 'in its grace');
    // someone proves an unrelated wrong token: the previous one is kept
    const other = `Basic ${Buffer.from(`${account}:other-token-0000000000000000000`).toString('base64')}`;
    assert.equal((await h.call('GET', '/subscriptions/dead-letters', { auth: other })).status, 401);
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), leaked)).status, 204);
    // Twilio refuses the previous token itself: from now on its signatures are refused too
    const old = `Basic ${Buffer.from(`${account}:${leaked}`).toString('base64')}`;
    assert.equal((await h.call('GET', '/subscriptions/dead-letters', { auth: old })).status, 401);
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), leaked)).status, 403);
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), h.sb.authToken)).status, 204);
    assert.equal((await h.store.getAccountCredentials(account))?.previous, null);
  });

  it('refuses a leaked token that is still the current one once Twilio refuses it', async () => {
    // the owner rotated at Twilio, but no flow has proven the new token here yet: the leaked one is current
    const account = h.sb.accountSid;
    const leaked = 'leaked-current-0000000000000000';
    const sealAs = (password: string): string =>
      secretBox(h.secretKey).seal(JSON.stringify({ accountSid: account, username: account, password }));
    const statusOf = (): Record<string, string> => ({ ...status(), AccountSid: account });
    await h.store.setAccountCredential(account, sealAs(leaked), Date.now());
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), leaked)).status, 204, 'still current');
    const old = `Basic ${Buffer.from(`${account}:${leaked}`).toString('base64')}`;
    assert.equal((await h.call('GET', '/subscriptions/dead-letters', { auth: old })).status, 401);
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), leaked)).status, 403, 'refused at once');
    // the new token is proven: it becomes current, and the refused one does not stay as its previous one
    assert.equal((await h.call('GET', '/subscriptions/dead-letters')).status, 200);
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), h.sb.authToken)).status, 204);
    assert.equal((await h.asTwilio('/twilio/messages/status', statusOf(), leaked)).status, 403, 'no grace');
    assert.equal((await h.store.getAccountCredentials(account))?.previous, null);
  });

  it('checks the signature before reading subscriptions', async () => {
    const reads = { subscriptions: 0, credentials: 0 };
    const listSubscriptions = h.store.listSubscriptions.bind(h.store);
    const getAccountCredentials = h.store.getAccountCredentials.bind(h.store);
    h.store.listSubscriptions = (...args) => {
      reads.subscriptions++;
      return listSubscriptions(...args);
    };
    h.store.getAccountCredentials = (...args) => {
      reads.credentials++;
      return getAccountCredentials(...args);
    };
    try {
      const unsigned = await fetch(`${h.url}/twilio/messages/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(status()).toString(),
      });
      assert.equal(unsigned.status, 403);
      assert.deepEqual(reads, { subscriptions: 0, credentials: 0 }, 'no signature: nothing read');
      const received = { ...status(), To: '+14155550111', Body: 'hi' };
      assert.equal(
        (await h.asTwilio('/twilio/messages/received', received, 'forged-token-00000000000000000')).status,
        403,
      );
      assert.equal(
        (await h.asTwilio('/twilio/messages/status', status(), 'forged-token-00000000000000000')).status,
        403,
      );
      assert.deepEqual(reads, { subscriptions: 0, credentials: 2 }, 'a forged signature: only the credentials read');
      assert.equal(
        (await h.asTwilio('/twilio/messages/status', status(), 'newest-token-000000000000000000')).status,
        204,
      );
      assert.equal(reads.subscriptions, 1, 'a valid one: then the subscriptions');
    } finally {
      h.store.listSubscriptions = listSubscriptions;
      h.store.getAccountCredentials = getAccountCredentials;
    }
  });
  it('reads the subscription an Event Streams request names, then the credentials, and nothing more', async () => {
    const id = randomUUID();
    await h.store.createSubscription({
      id,
      kind: 'status',
      account_sid: ACCOUNT,
      callback_url: 'http://127.0.0.1:9/streamed',
      phone_number: null,
      number_sid: null,
      auto_reply: null,
      statuses: null,
      credentials: seal('newest-token-000000000000000000'),
      created_at: Date.now(),
      stream: { sink_sid: `DG${'1'.repeat(32)}`, subscription_sid: `DF${'1'.repeat(32)}` },
    });
    const reads = { subscription: 0, credentials: 0 };
    const getSubscription = h.store.getSubscription.bind(h.store);
    const getAccountCredentials = h.store.getAccountCredentials.bind(h.store);
    h.store.getSubscription = (...args) => {
      reads.subscription++;
      return getSubscription(...args);
    };
    h.store.getAccountCredentials = (...args) => {
      reads.credentials++;
      return getAccountCredentials(...args);
    };
    const event = JSON.stringify([]);
    const post = (path: string, token: string | undefined): Promise<Response> => {
      const target = `${h.url}${path}?bodySHA256=${createHash('sha256').update(event).digest('hex')}`;
      return fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined
            ? {}
            : { 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, target, {}) }),
        },
        body: event,
      });
    };
    try {
      assert.equal((await post(`/twilio/events/${id}`, undefined)).status, 403);
      assert.deepEqual(reads, { subscription: 0, credentials: 0 }, 'no signature: nothing read');
      assert.equal((await post(`/twilio/events/${randomUUID()}`, 'forged-token-00000000000000000')).status, 403);
      assert.deepEqual(reads, { subscription: 1, credentials: 0 }, 'an unknown id: the subscription read only');
      assert.equal((await post(`/twilio/events/${id}`, 'forged-token-00000000000000000')).status, 403);
      assert.deepEqual(reads, { subscription: 2, credentials: 1 }, 'a real id: then the credentials');
    } finally {
      h.store.getSubscription = getSubscription;
      h.store.getAccountCredentials = getAccountCredentials;
    }
  });
});
