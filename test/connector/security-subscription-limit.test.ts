// One account cannot multiply its subscriptions: an identical subscribe gets the existing one back
// (so a status change is delivered once, not once per copy), and past --max-subscriptions a subscribe
// is refused with the connector's error envelope, even when many arrive at once. Over real sockets
// against the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecure, type SecureHarness } from './security-harness.js';

const LIMIT = 4;

describe('security: subscriptions per account', () => {
  let h: SecureHarness;
  before(async () => {
    h = await startSecure({}, { maxSubscriptions: LIMIT });
  });
  after(() => h.close());

  const subscribe = (path: string, json: unknown): Promise<Response> =>
    h.call('POST', `/subscriptions/messages/${path}`, { json });
  const count = async (): Promise<number> => {
    let n = 0;
    for (const kind of ['received', 'status', 'optout'] as const) {
      n += (await h.store.listSubscriptions(h.sb.accountSid, kind)).length;
    }
    return n;
  };
  const removeAll = async (): Promise<void> => {
    for (const kind of ['received', 'status', 'optout'] as const) {
      for (const s of await h.store.listSubscriptions(h.sb.accountSid, kind)) {
        assert.equal((await h.call('DELETE', `/subscriptions/${s.id}`)).status, 204);
      }
    }
  };

  it('hands back an identical status subscription: one status change, one delivery', async () => {
    const wanted = { callbackUrl: 'http://127.0.0.1:9/victim', statuses: ['delivered'] };
    const answers = await Promise.all(Array.from({ length: 6 }, () => subscribe('status', wanted)));
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { id: string }[];
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(6).fill(201),
    );
    assert.equal(new Set(bodies.map((b) => b.id)).size, 1, 'one subscription, however many subscribes');
    assert.equal(new Set(answers.map((r) => r.headers.get('location'))).size, 1, 'one Location');
    assert.equal(await count(), 1);

    const signed = await h.asTwilio(
      '/twilio/messages/status',
      {
        MessageSid: `SM${'1'.repeat(32)}`,
        AccountSid: h.sb.accountSid,
        From: h.sb.phoneNumber,
        To: '+14155550100',
        MessageStatus: 'delivered',
      },
      h.sb.authToken,
    );
    assert.equal(signed.status, 204);
    const queued = [
      ...(await h.store.listOutbox(h.sb.accountSid, 'pending', 500)),
      ...(await h.store.listOutbox(h.sb.accountSid, 'dead', 500)),
      ...(await h.store.listOutbox(h.sb.accountSid, 'delivered', 500)),
    ];
    assert.equal(queued.length, 1, 'one outbox event for the status change');

    // different filters are a different subscription
    const other = await subscribe('status', { ...wanted, statuses: ['failed'] });
    assert.equal(other.status, 201);
    assert.notEqual(((await other.json()) as { id: string }).id, bodies[0]?.id);
    await removeAll();
  });

  it('hands back an identical received subscription, and its number stays on the connector', async () => {
    const wanted = { callbackUrl: 'http://127.0.0.1:9/in', to: h.sb.phoneNumber };
    const first = await subscribe('received', wanted);
    assert.equal(first.status, 201);
    const id = ((await first.json()) as { id: string }).id;
    // someone points the number elsewhere; subscribing again puts it back and reuses the subscription
    const [number] = await h.sb.client.incomingPhoneNumbers.list({ phoneNumber: h.sb.phoneNumber });
    assert.ok(number !== undefined);
    const hook = number.smsUrl;
    await h.sb.client.incomingPhoneNumbers(number.sid).update({ smsUrl: 'https://example.com/elsewhere' });
    const again = await subscribe('received', wanted);
    assert.equal(again.status, 201);
    assert.equal(((await again.json()) as { id: string }).id, id);
    assert.equal(again.headers.get('location'), first.headers.get('location'));
    assert.equal((await h.sb.client.incomingPhoneNumbers(number.sid).fetch()).smsUrl, hook);
    assert.equal(await count(), 1);
    await removeAll();
  });

  it('refuses a subscribe past the limit with a message that says how to raise it', async () => {
    for (let i = 0; i < LIMIT; i++) {
      assert.equal((await subscribe('status', { callbackUrl: `http://127.0.0.1:9/s${i}` })).status, 201);
    }
    const refused = await subscribe('received', { callbackUrl: 'http://127.0.0.1:9/over', to: h.sb.phoneNumber });
    assert.equal(refused.status, 400);
    const { error } = (await refused.json()) as { error: { code: string; message: string; status: number } };
    assert.equal(error.code, 'SUBSCRIPTION_LIMIT_REACHED');
    assert.equal(error.status, 400);
    assert.match(error.message, new RegExp(`already has ${LIMIT} subscriptions`));
    assert.match(error.message, /--max-subscriptions \(CONNECTOR_MAX_SUBSCRIPTIONS\)/);
    assert.equal(await count(), LIMIT);
    // the number was not taken over for the refused one
    const [number] = await h.sb.client.incomingPhoneNumbers.list({ phoneNumber: h.sb.phoneNumber });
    assert.equal(await h.store.getNumberHook(h.sb.accountSid, number?.sid ?? ''), undefined);
    // an identical subscribe still gets its subscription back at the limit
    assert.equal((await subscribe('status', { callbackUrl: 'http://127.0.0.1:9/s0' })).status, 201);
    assert.equal(await count(), LIMIT);
    await removeAll();
  });

  it('holds the limit when many distinct subscribes arrive at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => subscribe('status', { callbackUrl: `http://127.0.0.1:9/burst${i}` })),
    );
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(LIMIT).fill(201), ...Array(12 - LIMIT).fill(400)].sort());
    assert.equal(await count(), LIMIT);
    await removeAll();
  });
});
