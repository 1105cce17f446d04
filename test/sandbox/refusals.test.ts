import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

async function rejectsWith(call: Promise<unknown>, status: number, code: number): Promise<string> {
  let message = '';
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    message = err.message;
    return true;
  });
  return message;
}

describe('sandbox: what Twilio refuses and how it reads its parameters (official Node SDK)', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
  });
  after(() => sb.close());

  it('refuses a message to its own sender with 400 / 21266, and a To too short to exist with 21211', async () => {
    const same = await rejectsWith(
      sb.client.messages.create({ from: sb.phoneNumber, to: sb.phoneNumber, body: 'to myself' }),
      400,
      21266,
    );
    assert.equal(same, "'To' and 'From' number cannot be the same");
    for (const to of ['+1555', '+1415555010', '+123456']) {
      await rejectsWith(sb.client.messages.create({ from: sb.phoneNumber, to, body: 'hi' }), 400, 21211);
    }
    // the shortest real plans: seven digits with the country code
    const niue = await sb.client.messages.create({ from: sb.phoneNumber, to: '+6834001', body: 'hi' });
    assert.equal(niue.to, '+6834001');
    const ok = await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155550123', body: 'hi' });
    assert.equal(ok.status, 'queued');
  });

  it('reads Messaging Service booleans in any case, as older SDKs send them, and refuses other words', async () => {
    const services = sb.client.messaging.v1.services;
    // the SDK passes a string through as it is: this is what Python's str(True) puts on the wire
    const created = await services.create({
      friendlyName: 'Cases',
      stickySender: 'False' as unknown as boolean,
      smartEncoding: 'TRUE' as unknown as boolean,
    });
    assert.equal(created.stickySender, false);
    assert.equal(created.smartEncoding, true);
    const updated = await services(created.sid).update({
      stickySender: 'True' as unknown as boolean,
      smartEncoding: false,
    });
    assert.equal(updated.stickySender, true);
    assert.equal(updated.smartEncoding, false);
    await rejectsWith(services(created.sid).update({ stickySender: 'yes' as unknown as boolean }), 400, 20001);
    assert.equal((await services(created.sid).fetch()).stickySender, true);
  });

  it('never matches a From filter on a message whose sender is not shown yet', async () => {
    const pool = '+14155550172';
    const pn = insertNumber(sb.sandbox.ctx.db, { accountSid: sb.accountSid, phoneNumber: pool, now: Date.now() });
    const mg = (await sb.client.messaging.v1.services.create({ friendlyName: 'Pool' })).sid;
    await sb.client.messaging.v1.services(mg).phoneNumbers.create({ phoneNumberSid: pn.sid });
    const scheduled = await sb.client.messages.create({
      to: '+15558675310',
      messagingServiceSid: mg,
      body: 'later',
      scheduleType: 'fixed',
      sendAt: new Date(Math.floor((Date.now() + 86_400_000) / 1000) * 1000),
    });
    assert.equal(scheduled.from, null);
    const direct = await sb.client.messages.create({ from: pool, to: '+15558675310', body: 'now' });
    const listed = await sb.client.messages.list({ from: pool });
    assert.deepEqual(
      listed.map((m) => m.sid),
      [direct.sid],
    );
    assert.ok(listed.every((m) => m.from === pool));
    // without a From filter the scheduled message is listed, still without a sender
    const all = await sb.client.messages.list({ to: '+15558675310' });
    assert.equal(all.find((m) => m.sid === scheduled.sid)?.from, null);
  });
});
