import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { insertNumber, numberByPhone } from '../../src/sandbox/store/numbers.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

async function rejectsWith(call: Promise<unknown>, status: number, code: number): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

describe('sandbox Messaging Services (/v1/Services)', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
  });
  after(() => sb.close());

  const addNumber = (phone: string, sms = true): string =>
    insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: phone,
      now: Date.now(),
      capabilities: { voice: true, sms, mms: sms, fax: false },
    }).sid;

  it('creates, fetches, updates, lists and deletes a service through the SDK', async () => {
    const created = await sb.client.messaging.v1.services.create({
      friendlyName: 'Alerts',
      statusCallback: 'https://example.com/status',
      stickySender: false,
    });
    assert.match(created.sid, /^MG[0-9a-f]{32}$/);
    assert.equal(created.friendlyName, 'Alerts');
    assert.equal(created.statusCallback, 'https://example.com/status');
    assert.equal(created.stickySender, false);
    assert.equal(created.smartEncoding, true);
    assert.equal(created.inboundRequestUrl, null);
    assert.equal(created.accountSid, sb.accountSid);
    assert.ok(created.dateCreated instanceof Date && !Number.isNaN(created.dateCreated.getTime()));
    assert.equal(created.url, `${sb.url}/v1/Services/${created.sid}`);
    assert.equal(created.links['phone_numbers'], `${sb.url}/v1/Services/${created.sid}/PhoneNumbers`);

    const updated = await sb.client.messaging.v1
      .services(created.sid)
      .update({ friendlyName: 'Alerts 2', inboundRequestUrl: 'https://example.com/in', validityPeriod: 600 });
    assert.equal(updated.friendlyName, 'Alerts 2');
    assert.equal(updated.inboundRequestUrl, 'https://example.com/in');
    assert.equal(updated.validityPeriod, 600);
    assert.equal(updated.statusCallback, 'https://example.com/status');
    assert.equal((await sb.client.messaging.v1.services(created.sid).fetch()).friendlyName, 'Alerts 2');

    const listed = await sb.client.messaging.v1.services.list();
    assert.ok(listed.some((s) => s.sid === created.sid));

    assert.equal(await sb.client.messaging.v1.services(created.sid).remove(), true);
    await rejectsWith(sb.client.messaging.v1.services(created.sid).fetch(), 404, 20404);
  });

  it('pages services in the v1 shape, and the SDK follows the absolute next_page_url', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await sb.client.messaging.v1.services.create({ friendlyName: `S${i}` })).sid);
    const res = await sb.request('GET', '/v1/Services?PageSize=2');
    assert.equal(res.status, 200);
    const page = await json(res);
    assert.deepEqual(Object.keys(page).sort(), ['meta', 'services']);
    assert.equal(page.services.length, 2);
    assert.equal(page.meta.key, 'services');
    assert.equal(page.meta.page, 0);
    assert.equal(page.meta.page_size, 2);
    assert.equal(page.meta.first_page_url, `${sb.url}/v1/Services?PageSize=2&Page=0`);
    assert.equal(page.meta.previous_page_url, null);
    assert.match(page.meta.next_page_url, new RegExp(`^${sb.url}/v1/Services\\?PageSize=2&Page=1&PageToken=PAMG`));
    const all = await sb.client.messaging.v1.services.list({ pageSize: 1 });
    for (const sid of made) assert.equal(all.filter((s) => s.sid === sid).length, 1);
  });

  it('validates service input: FriendlyName required, URLs, booleans, SIDs in the path', async () => {
    for (const form of [
      {},
      { FriendlyName: '' },
      { FriendlyName: 'x', StatusCallback: 'nope' },
      { FriendlyName: 'x', StickySender: 'maybe' },
    ]) {
      const res = await sb.request('POST', '/v1/Services', { form });
      assert.equal(res.status, 400, JSON.stringify(form));
      const body = await json(res);
      assert.equal(body.code, 20001);
      assert.equal(body.more_info, 'https://www.twilio.com/docs/errors/20001');
    }
    for (const sid of ['garbage', `MG${'0'.repeat(32)}`]) {
      const res = await sb.request('GET', `/v1/Services/${sid}`);
      assert.equal(res.status, 404);
      assert.equal((await json(res)).code, 20404);
    }
    const anon = await sb.request('GET', '/v1/Services', { auth: null });
    assert.equal(anon.status, 401);
    assert.equal((await json(anon)).code, 20003);
  });

  it('manages the sender pool: add by PhoneNumberSid, list, fetch, remove, with Twilio’s errors', async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Pool' });
    const other = await sb.client.messaging.v1.services.create({ friendlyName: 'Other' });
    const pn = addNumber('+14155550111');
    const pool = sb.client.messaging.v1.services(service.sid).phoneNumbers;
    const added = await pool.create({ phoneNumberSid: pn });
    assert.equal(added.sid, pn);
    assert.equal(added.phoneNumber, '+14155550111');
    assert.equal(added.serviceSid, service.sid);
    assert.equal(added.countryCode, 'US');
    assert.deepEqual(added.capabilities, ['MMS', 'SMS', 'Voice']);
    assert.deepEqual(
      (await pool.list()).map((n) => n.sid),
      [pn],
    );
    assert.equal((await pool(pn).fetch()).phoneNumber, '+14155550111');

    await rejectsWith(pool.create({ phoneNumberSid: pn }), 409, 21710);
    await rejectsWith(
      sb.client.messaging.v1.services(other.sid).phoneNumbers.create({ phoneNumberSid: pn }),
      409,
      21712,
    );
    await rejectsWith(pool.create({ phoneNumberSid: `PN${'0'.repeat(32)}` }), 400, 21421);
    await rejectsWith(pool.create({ phoneNumberSid: 'PN-bad' }), 400, 21421);
    await rejectsWith(pool.create({ phoneNumberSid: addNumber('+14155550112', false) }), 400, 21715);

    assert.equal(await pool(pn).remove(), true);
    await rejectsWith(pool(pn).fetch(), 404, 20404);
    assert.deepEqual(await pool.list(), []);
    assert.ok(numberByPhone(sb.sandbox.ctx.db, '+14155550111'), 'the number itself stays on the account');
  });

  it('sends through a service: accepted, no sender or segments yet, a sender picked from the pool', async () => {
    const service = await sb.client.messaging.v1.services.create({
      friendlyName: 'Send',
      statusCallback: 'https://example.com/service-status',
    });
    const pn = addNumber('+14155550121');
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: pn });
    const m = await sb.client.messages.create({ to: '+15558675310', messagingServiceSid: service.sid, body: 'hi' });
    assert.equal(m.status, 'accepted');
    assert.equal(m.from, null);
    assert.equal(m.numSegments, '0');
    assert.equal(m.messagingServiceSid, service.sid);
    assert.equal(m.dateSent, null);
    const row = getMessageBySid(sb.sandbox.ctx.db, m.sid)!;
    assert.equal(row.from_addr, '+14155550121');
    assert.equal(row.num_segments, 1);
    assert.equal(row.next_status, 'queued');
    assert.equal(row.status_callback, 'https://example.com/service-status');
    assert.equal(row.validity_period, 14400, "the service's default validity period");

    const own = await sb.client.messages.create({
      to: '+15558675310',
      messagingServiceSid: service.sid,
      body: 'hi',
      statusCallback: 'https://example.com/mine',
      validityPeriod: 60,
    });
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, own.sid)!.status_callback, 'https://example.com/mine');
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, own.sid)!.validity_period, 60);

    const explicit = await sb.client.messages.create({
      to: '+15558675310',
      from: sb.phoneNumber,
      messagingServiceSid: service.sid,
      body: 'hi',
    });
    assert.equal(explicit.status, 'accepted');
    assert.equal(explicit.from, sb.phoneNumber);
  });

  it('keeps a recipient on the same sender (sticky sender)', async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Sticky' });
    const pool = sb.client.messaging.v1.services(service.sid).phoneNumbers;
    await pool.create({ phoneNumberSid: addNumber('+14155550131') });
    const m1 = await sb.client.messages.create({ to: '+15558670001', messagingServiceSid: service.sid, body: 'a' });
    await pool.create({ phoneNumberSid: addNumber('+14155550132') });
    sb.sandbox.ctx.db
      .prepare(
        "UPDATE service_numbers SET date_created = 0 WHERE number_sid = (SELECT sid FROM incoming_numbers WHERE phone_number = '+14155550132')",
      )
      .run();
    const m2 = await sb.client.messages.create({ to: '+15558670001', messagingServiceSid: service.sid, body: 'b' });
    const m3 = await sb.client.messages.create({ to: '+15558670002', messagingServiceSid: service.sid, body: 'c' });
    const from = (sid: string): string => getMessageBySid(sb.sandbox.ctx.db, sid)!.from_addr;
    assert.equal(from(m1.sid), '+14155550131');
    assert.equal(from(m2.sid), '+14155550131', 'same recipient, same sender');
    assert.equal(from(m3.sid), '+14155550132', 'a new recipient gets the first number of the pool');
  });

  it('answers 21619 for an empty message and 21704 for an empty pool', async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Empty' });
    await rejectsWith(sb.client.messages.create({ to: '+15558675310', messagingServiceSid: service.sid }), 400, 21619);
    await rejectsWith(
      sb.client.messages.create({ to: '+15558675310', messagingServiceSid: service.sid, body: 'x' }),
      400,
      21704,
    );
  });

  it('smart-encodes through a service that asks for it, and not through one that does not', async () => {
    const on = await sb.client.messaging.v1.services.create({ friendlyName: 'On' });
    const off = await sb.client.messaging.v1.services.create({ friendlyName: 'Off', smartEncoding: false });
    await sb.client.messaging.v1.services(on.sid).phoneNumbers.create({ phoneNumberSid: addNumber('+14155550141') });
    await sb.client.messaging.v1.services(off.sid).phoneNumbers.create({ phoneNumberSid: addNumber('+14155550142') });
    const a = await sb.client.messages.create({ to: '+15558675310', messagingServiceSid: on.sid, body: 'it\u2019s' });
    const b = await sb.client.messages.create({ to: '+15558675310', messagingServiceSid: off.sid, body: 'it\u2019s' });
    assert.equal(a.body, "it's");
    assert.equal(b.body, 'it\u2019s');
  });
});

describe('a service message once the lifecycle has moved it on', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
  });
  after(() => sb.close());

  it('shows the sender the service picked and its real segment count', async () => {
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Live' });
    const pn = insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: '+14155550151',
      now: Date.now(),
    });
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: pn.sid });
    const m = await sb.client.messages.create({
      to: '+15558675310',
      messagingServiceSid: service.sid,
      body: 'a'.repeat(200),
    });
    assert.equal(m.from, null);
    await sb.sandbox.ctx.lifecycle.drain();
    const later = await sb.client.messages(m.sid).fetch();
    assert.notEqual(later.status, 'accepted');
    assert.equal(later.from, '+14155550151');
    assert.equal(later.numSegments, '2');
  });
});
