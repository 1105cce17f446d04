import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { storeMessage } from '../helpers/messages.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { twilioSpec } from '../helpers/twilio-spec.js';

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
ajv.addSchema({ $id: 'twilio', components: spec.components });

/** The spec marks list URIs `uri`, but Twilio sends (and the SDK needs) paths relative to api.twilio.com. */
function relaxUris(schema: unknown): unknown {
  return JSON.parse(
    JSON.stringify(schema)
      .replaceAll('"#/components/', '"twilio#/components/')
      .replaceAll('"format":"uri"', '"format":"uri-reference"'),
  );
}

const component = (name: string): ValidateFunction => ajv.getSchema(`twilio#/components/schemas/${name}`)!;
const listSchema = (path: string): ValidateFunction =>
  ajv.compile(relaxUris(spec.paths[path].get.responses['200'].content['application/json'].schema) as object);

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
