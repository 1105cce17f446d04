import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { reach, settled } from '../helpers/outbound.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

describe('lifecycle and inbound through the official SDK', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });

  it('a message sent with the SDK reaches delivered, with signed callbacks after the initial status', async () => {
    const statusCallback = `${hook.url}/cb`;
    const created = await sb.client.messages.create({
      from: sb.phoneNumber,
      to: '+15557770000',
      body: 'Your code is 1234',
      statusCallback,
    });
    assert.equal(created.status, 'queued');
    assert.equal(created.price, null);
    const calls = await hook.waitFor(3, (r) => r.params['MessageSid'] === created.sid);
    assert.deepEqual(
      calls.map((c) => c.params['MessageStatus']),
      ['sending', 'sent', 'delivered'],
    );
    for (const c of calls) {
      assert.equal(
        twilio.validateRequest(sb.authToken, String(c.headers['x-twilio-signature']), statusCallback, c.params),
        true,
      );
    }
    await reach(sb, created.sid, 'delivered');
    const fetched = await sb.client.messages(created.sid).fetch();
    assert.equal(fetched.status, 'delivered');
    assert.equal(fetched.price, '-0.00790');
    assert.equal(fetched.priceUnit, 'USD');
    assert.ok(fetched.dateSent instanceof Date && !Number.isNaN(fetched.dateSent.getTime()));
    assert.equal(fetched.errorCode, null);
  });

  it('an SDK-visible undelivered message carries its error code', async () => {
    const created = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15550030005', body: 'hi' });
    await reach(sb, created.sid, 'undelivered');
    const fetched = await sb.client.messages(created.sid).fetch();
    assert.equal(fetched.status, 'undelivered');
    assert.equal(fetched.errorCode, 30005);
  });

  it('a number configured with the SDK gets the inbound webhook, and the reply is listed by the SDK', async () => {
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    assert.ok(number);
    await sb.client.incomingPhoneNumbers(number.sid).update({ smsUrl: `${hook.url}/in`, smsMethod: 'POST' });
    hook.answer((r) =>
      r.path === '/in'
        ? { status: 200, contentType: 'text/xml', body: '<Response><Message>Got it</Message></Response>' }
        : { status: 204 },
    );
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: '+15553334444', To: sb.phoneNumber, Body: 'STATUS?' }),
    });
    assert.equal(res.status, 201);
    const inbound = (await res.json()) as { sid: string };
    await settled(sb, inbound.sid, 1);
    const [reply] = await sb.client.messages.list({ to: '+15553334444', from: sb.phoneNumber });
    assert.ok(reply);
    assert.equal(reply.direction, 'outbound-reply');
    assert.equal(reply.body, 'Got it');
    await reach(sb, reply.sid, 'delivered');
    assert.equal((await sb.client.messages(reply.sid).fetch()).status, 'delivered');
  });
});
