// Who may send: a From number must belong to the account and be able to send SMS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
});
