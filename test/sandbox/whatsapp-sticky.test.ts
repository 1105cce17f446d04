// A Messaging Service's sender pool for WhatsApp users, through the official SDK: sticky sender
// keeps a user on the WhatsApp sender that last wrote to them, as it keeps a phone on its SMS
// number; a new user gets the longest-serving registered WhatsApp sender of the pool.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { setWhatsappSender } from '../../src/sandbox/store/whatsapp.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('Messaging Service sender pool for WhatsApp', () => {
  let sb: TestSandbox;
  before(async () => {
    // messages stay accepted: only the sender the service picked matters here
    sb = await startSandbox({ statusDelay: 3_600_000 });
  });
  after(() => sb.close());

  const addNumber = (phone: string): string =>
    insertNumber(sb.sandbox.ctx.db, { accountSid: sb.accountSid, phoneNumber: phone, now: Date.now() }).sid;
  const from = (sid: string): string => getMessageBySid(sb.sandbox.ctx.db, sid)!.from_addr;
  /** Makes a pool number the longest-serving one, so a non-sticky pick would choose it. */
  const makeOldest = (phone: string): void => {
    sb.sandbox.ctx.db
      .prepare(
        'UPDATE service_numbers SET date_created = 0 WHERE number_sid = (SELECT sid FROM incoming_numbers WHERE phone_number = ?)',
      )
      .run(phone);
  };

  it('keeps a WhatsApp user on the sender that last wrote to them, per channel', async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Sticky WhatsApp' });
    const pool = sb.client.messaging.v1.services(service.sid).phoneNumbers;
    await pool.create({ phoneNumberSid: addNumber('+14155550141') });
    const send = (to: string) => sb.client.messages.create({ to, messagingServiceSid: service.sid, body: 'hi' });

    const first = await send('whatsapp:+15558670011');
    assert.equal(first.status, 'accepted');
    assert.equal(from(first.sid), 'whatsapp:+14155550141');

    await pool.create({ phoneNumberSid: addNumber('+14155550142') });
    makeOldest('+14155550142');
    const again = await send('whatsapp:+15558670011');
    assert.equal(from(again.sid), 'whatsapp:+14155550141', 'same user, same WhatsApp sender');
    const newcomer = await send('whatsapp:+15558670012');
    assert.equal(from(newcomer.sid), 'whatsapp:+14155550142', 'a new user gets the longest-serving sender');
    // the same phone over SMS has no history with the pool yet: stickiness is per channel
    const sms = await send('+15558670011');
    assert.equal(from(sms.sid), '+14155550142');

    // a number withdrawn as a WhatsApp sender is not picked for WhatsApp, sticky or not
    setWhatsappSender(sb.sandbox.ctx.db, sb.accountSid, '+14155550141', false);
    const moved = await send('whatsapp:+15558670011');
    assert.equal(from(moved.sid), 'whatsapp:+14155550142');
    setWhatsappSender(sb.sandbox.ctx.db, sb.accountSid, '+14155550142', false);
    await assert.rejects(send('whatsapp:+15558670013'), (err: { status: number; code: number }) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 63007);
      return true;
    });
  });

  it('without sticky sender, every WhatsApp send takes the longest-serving sender', async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Loose', stickySender: false });
    const pool = sb.client.messaging.v1.services(service.sid).phoneNumbers;
    await pool.create({ phoneNumberSid: addNumber('+14155550151') });
    const send = () =>
      sb.client.messages.create({ to: 'whatsapp:+15558670021', messagingServiceSid: service.sid, body: 'hi' });
    assert.equal(from((await send()).sid), 'whatsapp:+14155550151');
    await pool.create({ phoneNumberSid: addNumber('+14155550152') });
    makeOldest('+14155550152');
    assert.equal(from((await send()).sid), 'whatsapp:+14155550152');
  });
});
