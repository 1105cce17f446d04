// Who may send: a From number must belong to the account and be able to send SMS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { senderNumber } from '../../src/sandbox/store/numbers.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('sandbox Messages: the sender check', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  const send = (from: string) => sb.client.messages.create({ from, to: '+14155550123', body: 'hi' });

  it('accepts an owned number whose capabilities say nothing of SMS, refuses one without SMS (21606)', async () => {
    const db = sb.sandbox.ctx.db;
    const setCaps = (caps: string) =>
      db.prepare('UPDATE incoming_numbers SET capabilities = ? WHERE phone_number = ?').run(caps, sb.phoneNumber);
    setCaps('{"voice":true}');
    assert.equal((await send(sb.phoneNumber)).from, sb.phoneNumber);
    setCaps('{"voice":true,"sms":false,"mms":true}');
    await assert.rejects(send(sb.phoneNumber), (err: { status: number; code: number }) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 21606);
      return true;
    });
    setCaps('{"voice":true,"sms":true,"mms":true}');
    assert.equal((await send(sb.phoneNumber)).status, 'queued');
  });

  it("refuses a number the account does not own (21606), and another account's number alike", async () => {
    await assert.rejects(send('+14155559999'), (err: { code: number }) => err.code === 21606);
    const db = sb.sandbox.ctx.db;
    db.prepare(
      `INSERT INTO incoming_numbers (sid, account_sid, phone_number, friendly_name, capabilities, date_created, date_updated)
       VALUES ('PN' || lower(hex(randomblob(16))), 'AC' || lower(hex(randomblob(16))), '+14155558888', 'x', '{"sms":true}', 0, 0)`,
    ).run();
    await assert.rejects(send('+14155558888'), (err: { code: number }) => err.code === 21606);
  });

  it('sees a number bought, released or rolled back on the very next send', async () => {
    const [available] = await sb.client.availablePhoneNumbers('US').local.list({ limit: 1 });
    const number = available!.phoneNumber;
    await assert.rejects(send(number), (err: { code: number }) => err.code === 21606);
    const bought = await sb.client.incomingPhoneNumbers.create({ phoneNumber: number });
    assert.equal((await send(number)).from, number);
    await sb.client.incomingPhoneNumbers(bought.sid).remove();
    await assert.rejects(send(number), (err: { code: number }) => err.code === 21606);

    // a write undone with the rest of its turn leaves no trace of what was read in between
    const { ctx } = sb.sandbox;
    ctx.writes.join();
    ctx.db
      .prepare(
        `INSERT INTO incoming_numbers (sid, account_sid, phone_number, friendly_name, capabilities, date_created, date_updated)
         VALUES ('PN' || lower(hex(randomblob(16))), ?, ?, 'x', '{"sms":true}', 0, 0)`,
      )
      .run(sb.accountSid, number);
    assert.equal(senderNumber(ctx.db, number)?.account_sid, sb.accountSid);
    ctx.writes.abort(new Error('undone'));
    assert.equal(senderNumber(ctx.db, number), undefined);
    await assert.rejects(send(number), (err: { code: number }) => err.code === 21606);
  });
});

describe('sandbox Messages: the sender check after a rolled-back first turn', () => {
  it('still sees numbers released and bought when the very first check was rolled back', async () => {
    const sb = await startSandbox();
    try {
      const { ctx } = sb.sandbox;
      // the first sender check of this database, in a turn that is then undone
      ctx.writes.join();
      assert.equal(senderNumber(ctx.db, sb.phoneNumber)?.account_sid, sb.accountSid);
      ctx.writes.abort(new Error('undone'));
      // a send remembers the sender again; releasing the number must still be seen
      const send = () => sb.client.messages.create({ from: sb.phoneNumber, to: '+14155550123', body: 'hi' });
      assert.equal((await send()).from, sb.phoneNumber);
      const [owned] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
      await sb.client.incomingPhoneNumbers(owned!.sid).remove();
      await assert.rejects(send(), (err: { code: number }) => err.code === 21606);
    } finally {
      await sb.close();
    }
  });
});
