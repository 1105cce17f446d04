import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TwilioApiError, TwilioClient, type Message } from '../../src/twilio/index.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const TO = '+15557654321';

describe('twilio client against the sandbox', () => {
  let sb: TestSandbox;
  let client: TwilioClient;
  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent', statusDelay: 0 });
    client = new TwilioClient(
      { accountSid: sb.accountSid, username: sb.accountSid, password: sb.authToken },
      { baseUrl: sb.url },
    );
  });
  after(() => sb.close());

  it('fetches the account through an absolute path', async () => {
    const res = await client.request<{ sid: string; status: string }>(
      'GET',
      `/2010-04-01/Accounts/${sb.accountSid}.json`,
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.sid, sb.accountSid);
    assert.equal(res.body.status, 'active');
  });

  it('surfaces a wrong token as TwilioApiError 401 / 20003, like the SDK', async () => {
    const bad = new TwilioClient(
      { accountSid: sb.accountSid, username: sb.accountSid, password: 'wrong-token-1' },
      { baseUrl: sb.url },
    );
    await assert.rejects(bad.messages.list(), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.equal(err.status, 401);
      assert.equal(err.twilioCode, 20003);
      assert.ok(!err.message.includes('wrong-token-1'));
      return true;
    });
  });

  it('sends a message with two media URLs that the SDK then reads back identically', async () => {
    const sent = await client.messages.create({
      To: TO,
      From: sb.phoneNumber,
      Body: 'Hello from the typed client',
      MediaUrl: ['https://example.com/a.png', 'https://example.com/b.png'],
    });
    assert.match(sent.sid, /^MM[0-9a-f]{32}$/);
    assert.equal(sent.num_media, '2');
    assert.equal(sent.direction, 'outbound-api');
    const viaSdk = await sb.client.messages(sent.sid).fetch();
    assert.equal(viaSdk.body, 'Hello from the typed client');
    assert.equal(viaSdk.to, TO);
    assert.equal(viaSdk.numMedia, '2');
    const fetched = await client.messages.fetch(sent.sid);
    assert.equal(fetched.sid, sent.sid);
    assert.equal(fetched.date_created, sent.date_created);
  });

  it('reports the sandbox validation errors with the same code the SDK sees', async () => {
    const params = { To: 'not-a-number', From: sb.phoneNumber, Body: 'x' };
    const sdkErr: any = await sb.client.messages
      .create({ to: params.To, from: params.From, body: params.Body })
      .catch((e: unknown) => e);
    assert.equal(typeof sdkErr.code, 'number');
    await assert.rejects(client.messages.create(params), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.equal(err.twilioCode, sdkErr.code);
      assert.equal(err.status, sdkErr.status);
      assert.equal(err.moreInfo, sdkErr.moreInfo);
      return true;
    });
  });

  it('pages through every message with each(), in the order the SDK lists them', async () => {
    for (let i = 0; i < 5; i++) await client.messages.create({ To: TO, From: sb.phoneNumber, Body: `paged ${i}` });
    const mine: string[] = [];
    for await (const m of client.messages.each({ To: TO, PageSize: 2 })) mine.push(m.sid);
    const sdk = (await sb.client.messages.list({ to: TO, pageSize: 2 })).map((m) => m.sid);
    assert.ok(mine.length >= 6);
    assert.deepEqual(mine, sdk);
    const first = await client.messages.list({ To: TO, PageSize: 2 });
    assert.equal(first.items.length, 2);
    assert.notEqual(first.next_page_uri, null);
  });

  it('redacts a delivered message and deletes it, after which fetch is 20404', async () => {
    const sent = await client.messages.create({ To: TO, From: sb.phoneNumber, Body: 'secret' });
    let current: Message = sent;
    for (let i = 0; i < 200 && !['delivered', 'undelivered', 'failed', 'sent'].includes(current.status); i++) {
      await new Promise((r) => setTimeout(r, 10));
      current = await client.messages.fetch(sent.sid);
    }
    const redacted = await client.messages.update(sent.sid, { Body: '' });
    assert.equal(redacted.body, '');
    await client.messages.remove(sent.sid);
    await assert.rejects(client.messages.fetch(sent.sid), { code: 'TWILIO_API_ERROR', status: 404, twilioCode: 20404 });
  });

  it('searches available local numbers like the SDK does', async () => {
    const mine = await client.availablePhoneNumbers.list('us', 'Local', { AreaCode: 415, PageSize: 5 });
    assert.ok(mine.available_phone_numbers.length > 0);
    for (const n of mine.available_phone_numbers) assert.match(n.phone_number, /^\+1415/);
    const sdk = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 5 });
    assert.deepEqual(
      mine.available_phone_numbers.map((n) => n.phone_number),
      sdk.map((n) => n.phoneNumber),
    );
  });

  it('buys, lists, configures and releases a phone number, agreeing with the SDK', async () => {
    const owned = await client.incomingPhoneNumbers.list({ PhoneNumber: sb.phoneNumber });
    assert.deepEqual(
      owned.items.map((n) => n.phone_number),
      [sb.phoneNumber],
    );
    const [candidate] = (await client.availablePhoneNumbers.list('US', 'Local', { AreaCode: 212, PageSize: 1 }))
      .available_phone_numbers;
    assert.ok(candidate);
    const bought = await client.incomingPhoneNumbers.create({
      PhoneNumber: candidate.phone_number,
      FriendlyName: 'Sales',
    });
    assert.match(bought.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(bought.friendly_name, 'Sales');
    const updated = await client.incomingPhoneNumbers.update(bought.sid, {
      SmsUrl: 'https://example.com/sms',
      SmsMethod: 'POST',
    });
    assert.equal(updated.sms_url, 'https://example.com/sms');
    const viaSdk = await sb.client.incomingPhoneNumbers(bought.sid).fetch();
    assert.equal(viaSdk.smsUrl, 'https://example.com/sms');
    assert.equal(viaSdk.phoneNumber, candidate.phone_number);
    const all: string[] = [];
    for await (const n of client.incomingPhoneNumbers.each({ PageSize: 1 })) all.push(n.sid);
    assert.deepEqual(
      all,
      (await sb.client.incomingPhoneNumbers.list({ pageSize: 1 })).map((n) => n.sid),
    );
    assert.ok(all.includes(bought.sid));
    await client.incomingPhoneNumbers.remove(bought.sid);
    await assert.rejects(client.incomingPhoneNumbers.fetch(bought.sid), { status: 404, twilioCode: 20404 });
  });

  it('reads usage records, overall and daily, as the SDK does', async () => {
    await client.messages.create({ To: TO, From: sb.phoneNumber, Body: 'counted' });
    const sms = await client.usage.records({ Category: 'sms' });
    assert.equal(sms.items.length, 1);
    const [record] = sms.items;
    assert.equal(record?.category, 'sms');
    assert.ok(Number(record?.count) > 0);
    const [sdkRecord] = await sb.client.usage.records.list({ category: 'sms' });
    assert.equal(record?.count, sdkRecord?.count);
    assert.equal(record?.start_date, sdkRecord?.startDate.toISOString().slice(0, 10));
    const daily = await client.usage.records({ Category: 'sms', PageSize: 3 }, 'Daily');
    assert.ok(daily.items.length > 0);
    const sdkDaily = await sb.client.usage.records.daily.list({ category: 'sms', pageSize: 3, limit: 3 });
    assert.deepEqual(
      daily.items.map((r) => [r.start_date, r.count]),
      sdkDaily.map((r) => [r.startDate.toISOString().slice(0, 10), r.count]),
    );
  });

  it('authenticates with an API key (SK… / secret) for the same account', async () => {
    const key = await client.request<{ sid: string; secret: string }>('POST', '/Keys.json', {
      form: { FriendlyName: 'client test' },
    });
    assert.equal(key.status, 201);
    assert.match(key.body.sid, /^SK/);
    const viaKey = new TwilioClient(
      { accountSid: sb.accountSid, username: key.body.sid, password: key.body.secret },
      { baseUrl: sb.url },
    );
    const sent = await viaKey.messages.create({ To: TO, From: sb.phoneNumber, Body: 'sent with a key' });
    assert.equal(sent.account_sid, sb.accountSid);
    await client.request('DELETE', `/Keys/${key.body.sid}.json`);
    await assert.rejects(viaKey.messages.fetch(sent.sid), { status: 401, twilioCode: 20003 });
  });
});
