import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { twilioSpec } from '../helpers/twilio-spec.js';

const spec = twilioSpec();
const ajv = new Ajv({ strict: false, validateFormats: false });
ajv.addSchema({ components: spec.components }, 'oai');
const SCHEMA = 'api.v2010.account.incoming_phone_number';
function assertSchema(value: Record<string, unknown>): void {
  const validate = ajv.getSchema(`oai#/components/schemas/${SCHEMA}`)!;
  assert.ok(validate(value), JSON.stringify(validate.errors));
  const expected = Object.keys(spec.components.schemas[SCHEMA]!.properties);
  for (const key of expected) assert.ok(key in value, `missing ${key}`);
}

const listSchema = spec.paths['/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json'].get.responses['200']
  .content['application/json'].schema as Record<string, unknown>;
const validateList = ajv.compile({ ...listSchema, components: spec.components });

function rejectsWith(status: number, code: number) {
  return (err: any): boolean => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

describe('sandbox incoming phone numbers', () => {
  let sb: TestSandbox;
  let base: string;
  before(async () => {
    sb = await startSandbox();
    base = `/2010-04-01/Accounts/${sb.accountSid}/IncomingPhoneNumbers`;
  });
  after(() => sb.close());

  it('starts with the configured number, with every field of the spec schema', async () => {
    const numbers = await sb.client.incomingPhoneNumbers.list();
    assert.deepEqual(
      numbers.map((n) => n.phoneNumber),
      [sb.phoneNumber],
    );
    const res = await sb.request('GET', `${base}/${numbers[0]!.sid}.json`);
    const body = await json(res);
    assertSchema(body);
    assert.equal(body.friendly_name, '(415) 555-0100');
    assert.deepEqual(body.capabilities, { voice: true, sms: true, mms: true, fax: false });
    assert.equal(body.status, 'in-use');
  });

  it('buys an available number; it then leaves the inventory and a second purchase gets 21422', async () => {
    const [candidate] = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 212, limit: 1 });
    assert.ok(candidate);
    const bought = await sb.client.incomingPhoneNumbers.create({
      phoneNumber: candidate.phoneNumber,
      smsUrl: 'https://example.com/sms',
      friendlyName: 'NYC line',
    });
    assert.match(bought.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(bought.phoneNumber, candidate.phoneNumber);
    assert.equal(bought.smsUrl, 'https://example.com/sms');
    assert.equal(bought.friendlyName, 'NYC line');
    assert.deepEqual(bought.capabilities, candidate.capabilities);

    const again = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 212, limit: 1 });
    assert.notEqual(again[0]?.phoneNumber, candidate.phoneNumber);
    await assert.rejects(
      sb.client.incomingPhoneNumbers.create({ phoneNumber: candidate.phoneNumber }),
      rejectsWith(400, 21422),
    );
  });

  it('answers the magic purchase numbers and area codes as Twilio documents', async () => {
    const c = sb.client.incomingPhoneNumbers;
    await assert.rejects(c.create({ phoneNumber: '+15005550000' }), rejectsWith(400, 21422));
    await assert.rejects(c.create({ phoneNumber: '+15005550001' }), rejectsWith(400, 21421));
    await assert.rejects(c.create({ phoneNumber: 'not-a-number' }), rejectsWith(400, 21421));
    await assert.rejects(c.create({ phoneNumber: '+19995550123' }), rejectsWith(400, 21422));
    await assert.rejects(c.create({ areaCode: '533' }), rejectsWith(400, 21452));
    await assert.rejects(c.create({ areaCode: '12' }), rejectsWith(400, 21451));
    await assert.rejects(c.create({ areaCode: '011' }), rejectsWith(400, 21451));
    await assert.rejects(c.create({}), rejectsWith(400, 20001));
    const magic = await c.create({ areaCode: '500' });
    assert.equal(magic.phoneNumber, '+15005550006');
    assert.equal(magic.friendlyName, '(500) 555-0006');
    await assert.rejects(c.create({ phoneNumber: '+15005550006' }), rejectsWith(400, 21422));
    await c(magic.sid).remove();
    const direct = await c.create({ phoneNumber: '+15005550006' });
    assert.equal(direct.phoneNumber, '+15005550006');
  });

  it('accepts a purchase typed with punctuation or without the country code', async () => {
    const [a, b] = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 512, limit: 2 });
    const national = a!.phoneNumber.slice(2);
    const typed = `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    const first = await sb.client.incomingPhoneNumbers.create({ phoneNumber: typed });
    assert.equal(first.phoneNumber, a!.phoneNumber);
    const second = await sb.client.incomingPhoneNumbers.create({ phoneNumber: b!.phoneNumber.slice(1) });
    assert.equal(second.phoneNumber, b!.phoneNumber);
  });

  it('buys by area code from the inventory (US and Canada)', async () => {
    const us = await sb.client.incomingPhoneNumbers.create({ areaCode: '808' });
    assert.match(us.phoneNumber, /^\+1808\d{7}$/);
    const ca = await sb.client.incomingPhoneNumbers.create({ areaCode: '604' });
    assert.match(ca.phoneNumber, /^\+1604\d{7}$/);
    const res = await sb.request('GET', `${base}/${ca.sid}.json`);
    assert.equal((await json(res)).type, 'local');
  });

  it('type subresources require PhoneNumber, reject AreaCode with 21457 and check the type', async () => {
    const local = sb.client.incomingPhoneNumbers.local;
    for (const form of [{ AreaCode: '415' }, { AreaCode: '415', PhoneNumber: '+15005550006' }]) {
      const res = await sb.request('POST', `${base}/Local.json`, { form });
      assert.equal(res.status, 400);
      const body = await json(res);
      assert.equal(body.code, 21457);
      assert.equal(body.message, 'AreaCode Parameter not Supported');
    }
    const [tf] = await sb.client.availablePhoneNumbers('US').tollFree.list({ limit: 1 });
    assert.ok(tf);
    await assert.rejects(local.create({ phoneNumber: tf.phoneNumber }), rejectsWith(400, 21422));
    const bought = await sb.client.incomingPhoneNumbers.tollFree.create({ phoneNumber: tf.phoneNumber });
    assert.equal(bought.phoneNumber, tf.phoneNumber);
    const [gbMobile] = await sb.client.availablePhoneNumbers('GB').mobile.list({ limit: 1 });
    const mobile = await sb.client.incomingPhoneNumbers.mobile.create({ phoneNumber: gbMobile!.phoneNumber });
    assert.equal(mobile.capabilities.mms, false);

    const tollFreeOnly = await sb.client.incomingPhoneNumbers.tollFree.list();
    assert.deepEqual(
      tollFreeOnly.map((n) => n.phoneNumber),
      [tf.phoneNumber],
    );
    const res = await sb.request('POST', `${base}/Local.json`, { form: {} });
    assert.equal(res.status, 400);
  });

  it('updates webhook fields and validates methods, URLs, names and SIDs', async () => {
    const [n] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    const updated = await sb.client.incomingPhoneNumbers(n!.sid).update({
      smsUrl: 'https://hooks.example.com/in',
      smsMethod: 'GET',
      smsFallbackUrl: 'https://hooks.example.com/fallback',
      smsFallbackMethod: 'GET',
      statusCallback: 'https://hooks.example.com/status',
      statusCallbackMethod: 'GET',
      voiceUrl: 'https://hooks.example.com/voice',
      voiceReceiveMode: 'fax',
      voiceCallerIdLookup: true,
      friendlyName: 'Support',
    });
    assert.equal(updated.smsMethod, 'GET');
    assert.equal(updated.smsFallbackUrl, 'https://hooks.example.com/fallback');
    assert.equal(updated.statusCallback, 'https://hooks.example.com/status');
    assert.equal(updated.voiceUrl, 'https://hooks.example.com/voice');
    assert.equal(updated.voiceReceiveMode, 'fax');
    assert.equal(updated.voiceCallerIdLookup, true);
    const fetched = await sb.client.incomingPhoneNumbers(n!.sid).fetch();
    assert.equal(fetched.friendlyName, 'Support');
    assert.equal(fetched.smsUrl, 'https://hooks.example.com/in');
    assert.ok(fetched.dateUpdated.getTime() >= fetched.dateCreated.getTime());

    const c = sb.client.incomingPhoneNumbers(n!.sid);
    await assert.rejects(c.update({ smsMethod: 'PUT' }), rejectsWith(400, 20001));
    await assert.rejects(c.update({ smsUrl: 'ftp://x.example.com/' }), rejectsWith(400, 21502));
    await assert.rejects(c.update({ statusCallback: 'not a url' }), rejectsWith(400, 21609));
    await assert.rejects(c.update({ friendlyName: 'x'.repeat(65) }), rejectsWith(400, 20001));
    await assert.rejects(c.update({ smsApplicationSid: 'AP123' }), rejectsWith(400, 20001));
    await assert.rejects(c.update({ emergencyStatus: 'On' as any }), rejectsWith(400, 20001));
    await assert.rejects(c.update({ accountSid: 'AC00000000000000000000000000000000' }), rejectsWith(400, 20001));
    const unchanged = await c.fetch();
    assert.equal(unchanged.smsMethod, 'GET');
    const cleared = await c.update({ smsUrl: '', voiceUrl: '' });
    assert.equal(cleared.smsUrl, '');
    assert.equal(cleared.voiceUrl, null);
  });

  it('filters the list by PhoneNumber (partial, * wildcard), FriendlyName, Beta and Origin, and pages', async () => {
    const c = sb.client.incomingPhoneNumbers;
    const all = await c.list();
    assert.ok(all.length >= 5);
    assert.deepEqual(
      (await c.list({ phoneNumber: '415555' })).map((n) => n.phoneNumber),
      [sb.phoneNumber],
    );
    assert.deepEqual(
      (await c.list({ phoneNumber: '+1415*5*0100' })).map((n) => n.phoneNumber),
      [sb.phoneNumber],
    );
    assert.equal((await c.list({ phoneNumber: '+1999' })).length, 0);
    assert.equal((await c.list({ friendlyName: 'Support' })).length, 1);
    assert.equal((await c.list({ origin: 'hosted' })).length, 0);
    assert.equal((await c.list({ origin: 'twilio' })).length, all.length);
    assert.equal((await c.list({ beta: false })).length, all.length);

    const first = await c.page({ pageSize: 2 });
    assert.equal(first.instances.length, 2);
    const second = await first.nextPage();
    assert.ok(second);
    const seen = new Set([...first.instances, ...second.instances].map((n) => n.sid));
    assert.equal(seen.size, 4);
    assert.deepEqual(
      all.slice(0, 4).map((n) => n.sid),
      [...first.instances, ...second.instances].map((n) => n.sid),
    );
    const back = await second.previousPage();
    assert.deepEqual(
      back?.instances.map((n) => n.sid),
      first.instances.map((n) => n.sid),
    );
    const listed = (await json(await sb.request('GET', `${base}.json?PageSize=2`))) as Record<string, any>;
    assert.equal(validateList(listed), true, JSON.stringify(validateList.errors));
    assert.equal(listed.incoming_phone_numbers.length, 2);
    assert.match(
      listed.next_page_uri,
      /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/IncomingPhoneNumbers\.json\?PageSize=2&Page=1&PageToken=PAPN[0-9a-f]{32}$/,
    );
    const res = await sb.request('GET', `${base}.json?Beta=maybe`);
    assert.equal(res.status, 400);
  });

  it('releases a number with 204; it returns to the inventory and fetch is 404', async () => {
    const [candidate] = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 305, limit: 1 });
    const bought = await sb.client.incomingPhoneNumbers.create({ phoneNumber: candidate!.phoneNumber });
    const res = await sb.request('DELETE', `${base}/${bought.sid}.json`);
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    await assert.rejects(sb.client.incomingPhoneNumbers(bought.sid).fetch(), rejectsWith(404, 20404));
    await assert.rejects(sb.client.incomingPhoneNumbers(bought.sid).remove(), rejectsWith(404, 20404));
    const again = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 305, limit: 1 });
    assert.equal(again[0]?.phoneNumber, candidate!.phoneNumber);
  });

  it('serves XML with capabilities as Voice/SMS/MMS/Fax and paging attributes', async () => {
    const res = await sb.request('GET', `${base}.xml?PhoneNumber=4155550100`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(
      text,
      /<IncomingPhoneNumbers end="0" firstpageuri="[^"]*IncomingPhoneNumbers\?PhoneNumber=4155550100&amp;PageSize=50&amp;Page=0"/,
    );
    assert.match(
      text,
      /<Capabilities><Voice>true<\/Voice><SMS>true<\/SMS><MMS>true<\/MMS><Fax>false<\/Fax><\/Capabilities>/,
    );
    assert.match(text, /<PhoneNumber>\+14155550100<\/PhoneNumber>/);
    assert.match(text, /<VoiceUrl\/>|<VoiceUrl>/);
    const one = await sb.request('GET', `${base}/PN00000000000000000000000000000000`);
    assert.equal(one.status, 404);
    assert.match(await one.text(), /<Code>20404<\/Code>/);
  });

  it('never answers 5xx to malformed input', async () => {
    const bodies: Record<string, string>[] = [
      { PhoneNumber: '+1'.repeat(500) },
      { AreaCode: '\u0000' },
      { PhoneNumber: '+14155550100', SmsUrl: 'http://' },
      { AreaCode: '415', VoiceCallerIdLookup: 'yes' },
      { PhoneNumber: '', AreaCode: '' },
    ];
    for (const form of bodies) {
      const res = await sb.request('POST', `${base}.json`, { form });
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(form)} → ${res.status}`);
    }
    for (const q of ['PageSize=0', 'PageToken=junk', 'Origin=x', 'PhoneNumber=%25%25']) {
      const res = await sb.request('GET', `${base}.json?${q}`);
      assert.ok(res.status < 500, `${q} → ${res.status}`);
    }
  });
});
