import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { storeMessage } from '../helpers/messages.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { getResponseSchema, twilioSpec, type TwilioSpec } from '../helpers/twilio-spec.js';

// Twilio's published spec is the oracle.
const spec = twilioSpec();

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// The SDK's date parser needs exactly this shape (literal +0000).
ajv.addFormat(
  'date-time-rfc-2822',
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/,
);
ajv.addFormat('phone-number', true);
ajv.addFormat('uri-map', true);
ajv.addFormat('currency', /^[A-Za-z]{3}$/);

/**
 * Where the spec's schemas and Twilio's responses disagree, the responses (and the spec's own
 * examples) win: available numbers' latitude/longitude and usage records' price are strings.
 */
function asTwilioSends(components: TwilioSpec['components']): TwilioSpec['components'] {
  const patched = structuredClone(components);
  for (const [name, schema] of Object.entries(patched.schemas)) {
    if (name.startsWith('api.v2010.account.available_phone_number_country.available_phone_number_')) {
      schema.properties['latitude'] = { type: 'string', nullable: true };
      schema.properties['longitude'] = { type: 'string', nullable: true };
    }
    if (name.startsWith('api.v2010.account.usage.usage_record')) {
      schema.properties['price'] = { type: 'string', nullable: true };
    }
  }
  return patched;
}

/** The spec marks URIs `uri`, but Twilio sends (and the SDK needs) paths relative to api.twilio.com. */
function relativeUris<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replaceAll('"format":"uri"', '"format":"uri-reference"')) as T;
}

ajv.addSchema({ $id: 'twilio', components: relativeUris(spec.components) });
ajv.addSchema({ $id: 'twilio-sent', components: relativeUris(asTwilioSends(spec.components)) });

type Oracle = 'twilio' | 'twilio-sent';

function relaxUris(schema: unknown, oracle: Oracle): unknown {
  return relativeUris(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${oracle}#/components/`)));
}

const component = (name: string, oracle: Oracle = 'twilio'): ValidateFunction =>
  ajv.getSchema(`${oracle}#/components/schemas/${name}`)!;
const listSchema = (path: string, oracle: Oracle = 'twilio'): ValidateFunction =>
  ajv.compile(relaxUris(getResponseSchema(path), oracle) as object);

const MESSAGE = 'api.v2010.account.message';
const MEDIA = 'api.v2010.account.message.media';

function conforms(validate: ValidateFunction, body: unknown, label: string): void {
  const ok = validate(body);
  assert.ok(ok, `${label}: ${ajv.errorsText(validate.errors)}`);
}

/** Same keys as the schema: the spec has no additionalProperties:false, so check it here. */
function sameKeys(schema: string, body: Record<string, unknown>, label: string): void {
  assert.deepEqual(Object.keys(body).sort(), Object.keys(spec.components.schemas[schema]!.properties).sort(), label);
}

describe('sandbox responses validate against Twilio’s OpenAPI spec', () => {
  let sb: TestSandbox;
  let messages: string;
  const bodies: [string, Record<string, unknown>][] = [];

  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
    messages = `/2010-04-01/Accounts/${sb.accountSid}/Messages`;
    const post = async (label: string, form: Record<string, string | string[]>): Promise<void> => {
      const res = await sb.request('POST', `${messages}.json`, { form });
      assert.equal(res.status, 201, label);
      bodies.push([label, await json(res)]);
    };
    const mg = (await sb.client.messaging.v1.services.create({ friendlyName: 'Spec' })).sid;
    const pn = insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: '+14155550181',
      now: Date.now(),
    });
    await sb.client.messaging.v1.services(mg).phoneNumbers.create({ phoneNumberSid: pn.sid });
    await post('plain', { To: '+15558675310', From: sb.phoneNumber, Body: 'Hello! 👍' });
    await post('media', {
      To: '+15558675310',
      From: sb.phoneNumber,
      MediaUrl: ['https://e.com/a.png', 'https://e.com/b'],
    });
    await post('service', { To: '+15558675310', MessagingServiceSid: mg, Body: 'x' });
    const sendAt = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await post('scheduled', {
      To: '+15558675310',
      MessagingServiceSid: mg,
      Body: 'x',
      ScheduleType: 'fixed',
      SendAt: sendAt,
    });
    const now = Date.now();
    const done = storeMessage(sb, {
      status: 'undelivered',
      num_segments: 2,
      price: '-0.01580',
      error_code: 30003,
      error_message: 'Unreachable destination handset',
      date_created: now,
    });
    bodies.push(['finished', await json(await sb.request('GET', `${messages}/${done.sid}.json`))]);
  });
  after(() => sb.close());

  it('created and fetched Messages match the Message schema, key for key', async () => {
    const validate = component(MESSAGE);
    assert.equal(bodies.length, 5);
    for (const [label, body] of bodies) {
      conforms(validate, body, label);
      sameKeys(MESSAGE, body, label);
      const fetched = await json(await sb.request('GET', `${messages}/${String(body['sid'])}.json`));
      conforms(validate, fetched, `${label} (fetched)`);
    }
  });

  it('the Message list page matches ListMessageResponse', async () => {
    const validate = listSchema('/2010-04-01/Accounts/{AccountSid}/Messages.json');
    for (const query of ['', '?PageSize=2', '?To=%2B15558675310&DateSent%3E=2000-01-01&PageSize=1&Page=1']) {
      const res = await sb.request('GET', `${messages}.json${query}`);
      const page = await json(res);
      conforms(validate, page, query);
      for (const item of page.messages) conforms(component(MESSAGE), item, `${query} item`);
    }
    const second = await json(await sb.request('GET', `${messages}.json?PageSize=2`));
    conforms(validate, await json(await sb.request('GET', second.next_page_uri)), 'page via token');
  });

  it('Media and the Media list match their schemas', async () => {
    const mms = bodies.find(([label]) => label === 'media')![1];
    const res = await sb.request('GET', `${messages}/${String(mms['sid'])}/Media.json`);
    const page = await json(res);
    conforms(listSchema('/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json'), page, 'media list');
    assert.equal(page.media_list.length, 2);
    for (const item of page.media_list) {
      conforms(component(MEDIA), item, 'media item');
      sameKeys(MEDIA, item, 'media item');
      const one = await json(await sb.request('GET', String(item.uri)));
      conforms(component(MEDIA), one, 'media fetched');
    }
  });

  it('the validator itself rejects what Twilio would never send', () => {
    const validate = component(MESSAGE);
    const body = bodies[0]![1];
    assert.equal(validate({ ...body, num_segments: 1 }), false);
    assert.equal(validate({ ...body, status: 'pending' }), false);
    assert.equal(validate({ ...body, date_created: '2024-01-01T00:00:00Z' }), false);
    assert.equal(validate({ ...body, sid: 'XX123' }), false);
  });
});

describe('accounts, keys, available numbers and usage validate against the spec, dates included', () => {
  let sb: TestSandbox;
  let account: string;
  before(async () => {
    sb = await startSandbox();
    account = `/2010-04-01/Accounts/${sb.accountSid}`;
    // traffic for the usage records: a message today and one last month
    const res = await sb.request('POST', `${account}/Messages.json`, {
      form: { To: '+15558675310', From: sb.phoneNumber, Body: 'usage' },
    });
    assert.equal(res.status, 201);
    storeMessage(sb, { price: '-0.00790', date_created: Date.now() - 35 * 86_400_000 });
  });
  after(() => sb.close());

  const get = async (path: string): Promise<any> => {
    const res = await sb.request('GET', path);
    assert.equal(res.status, 200, path);
    return json(res);
  };

  it('the Account matches its schema, key for key', async () => {
    const body = await get(`${account}.json`);
    conforms(component('api.v2010.account'), body, 'account');
    sameKeys('api.v2010.account', body, 'account');
  });

  it('a Key, fetched and listed, matches its schema, and the list its envelope', async () => {
    const created = await sb.client.newKeys.create({ friendlyName: 'spec key' });
    const one = await get(`${account}/Keys/${created.sid}.json`);
    conforms(component('api.v2010.account.key'), one, 'key');
    sameKeys('api.v2010.account.key', one, 'key');
    const page = await get(`${account}/Keys.json?PageSize=5`);
    conforms(listSchema('/2010-04-01/Accounts/{AccountSid}/Keys.json'), page, 'key list');
    assert.deepEqual(
      page.keys.map((k: { sid: string }) => k.sid),
      [created.sid],
    );
  });

  it('available numbers: countries, one country, and Local, TollFree and Mobile lists', async () => {
    const countries = await get(`${account}/AvailablePhoneNumbers.json`);
    conforms(listSchema('/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers.json'), countries, 'countries');
    assert.ok(countries.countries.length > 0);
    const us = await get(`${account}/AvailablePhoneNumbers/US.json`);
    conforms(component('api.v2010.account.available_phone_number_country'), us, 'US');

    const ITEM = 'api.v2010.account.available_phone_number_country.available_phone_number_';
    for (const [country, type, schema] of [
      ['US', 'Local', 'local'],
      ['US', 'TollFree', 'toll_free'],
      ['GB', 'Mobile', 'mobile'],
      ['CA', 'TollFree', 'toll_free'],
    ] as const) {
      const label = `${country} ${type}`;
      const path = `/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/${type}.json`;
      const page = await get(`${account}/AvailablePhoneNumbers/${country}/${type}.json?PageSize=5`);
      conforms(listSchema(path, 'twilio-sent'), page, label);
      assert.equal(page.available_phone_numbers.length, 5, label);
      for (const item of page.available_phone_numbers) {
        conforms(component(`${ITEM}${schema}`, 'twilio-sent'), item, `${label} item`);
        sameKeys(`${ITEM}${schema}`, item, `${label} item`);
      }
    }
  });

  it('usage records: the list and every subresource match their envelopes, with RFC 3339 and ISO dates', async () => {
    for (const sub of [
      '',
      '/Daily',
      '/Monthly',
      '/Yearly',
      '/AllTime',
      '/Today',
      '/Yesterday',
      '/ThisMonth',
      '/LastMonth',
    ]) {
      const path = `/2010-04-01/Accounts/{AccountSid}/Usage/Records${sub}.json`;
      const query = sub === '/Daily' ? '?StartDate=-40days&PageSize=20' : '?PageSize=20';
      const page = await get(`${account}/Usage/Records${sub}.json${query}`);
      conforms(listSchema(path, 'twilio-sent'), page, sub || '/Records');
      assert.ok(page.usage_records.length > 0, sub);
      for (const record of page.usage_records) {
        assert.match(record.as_of, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/, `${sub} as_of`);
      }
    }
  });

  it('the date formats are checked: a wrong date format fails', async () => {
    const key = (await get(`${account}/Keys.json`)).keys[0];
    assert.equal(component('api.v2010.account.key')({ ...key, date_created: '2024-01-01T00:00:00Z' }), false);
    const page = await get(`${account}/Usage/Records/Today.json`);
    const record = page.usage_records[0];
    const validate = listSchema('/2010-04-01/Accounts/{AccountSid}/Usage/Records/Today.json', 'twilio-sent');
    assert.equal(validate({ ...page, usage_records: [{ ...record, start_date: '01/02/2024' }] }), false);
    assert.equal(validate({ ...page, usage_records: [{ ...record, price: 1.5 }] }), false);
  });
});
