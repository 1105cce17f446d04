import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { twilioSpec } from '../helpers/twilio-spec.js';

const spec = twilioSpec();
const LOCAL = 'api.v2010.account.available_phone_number_country.available_phone_number_local';
// Twilio sends latitude/longitude as strings (its own examples do): validate those two against
// the examples' type and everything else against the schema.
const itemSchema = structuredClone(spec.components.schemas[LOCAL]!);
itemSchema.properties['latitude'] = { type: 'string', nullable: true };
itemSchema.properties['longitude'] = { type: 'string', nullable: true };
const ajv = new Ajv({ strict: false, validateFormats: false });
const validateItem = ajv.compile(itemSchema);
const validateCountry = ajv.compile(spec.components.schemas['api.v2010.account.available_phone_number_country']!);
const example = spec.paths['/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json'].get
  .responses['200'].content['application/json'].examples.readFull.value.available_phone_numbers[0] as Record<
  string,
  unknown
>;

function checkItem(item: Record<string, unknown>): void {
  assert.ok(validateItem(item), JSON.stringify(validateItem.errors));
  assert.deepEqual(Object.keys(item).sort(), Object.keys(example).sort());
  for (const [k, v] of Object.entries(example)) {
    if (v !== null && item[k] !== null) assert.equal(typeof item[k], typeof v, k);
  }
}

describe('sandbox available phone numbers', () => {
  let sb: TestSandbox;
  let base: string;
  before(async () => {
    sb = await startSandbox();
    base = `/2010-04-01/Accounts/${sb.accountSid}/AvailablePhoneNumbers`;
  });
  after(() => sb.close());

  const search = async (path: string): Promise<Record<string, any>[]> => {
    const res = await sb.request('GET', `${base}/${path}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await json(res)).available_phone_numbers as Record<string, any>[];
  };
  /** A search that must find something, so that checks over its items cannot pass on nothing. */
  const found = async (path: string): Promise<Record<string, any>[]> => {
    const numbers = await search(path);
    assert.ok(numbers.length > 0, `${path} found no numbers`);
    return numbers;
  };

  it('lists and fetches countries through the SDK, 404 for unknown ones', async () => {
    const countries = await sb.client.availablePhoneNumbers.list();
    const codes = countries.map((c) => c.countryCode);
    for (const code of ['US', 'CA', 'GB', 'DE', 'FR', 'AU']) assert.ok(codes.includes(code), code);
    const gb = await sb.client.availablePhoneNumbers('GB').fetch();
    assert.equal(gb.country, 'United Kingdom');
    assert.deepEqual(Object.keys(gb.subresourceUris).sort(), ['local', 'mobile', 'toll_free']);
    const res = await sb.request('GET', `${base}.json`);
    const body = await json(res);
    assert.deepEqual(Object.keys(body).sort(), ['countries', 'uri']);
    for (const c of body.countries) assert.ok(validateCountry(c), JSON.stringify(validateCountry.errors));
    await assert.rejects(sb.client.availablePhoneNumbers('ZZ').fetch(), (err: any) => {
      assert.equal(err.status, 404);
      assert.equal(err.code, 20404);
      return true;
    });
    await assert.rejects(sb.client.availablePhoneNumbers('ZZ').local.list(), (err: any) => err.code === 20404);
    await assert.rejects(sb.client.availablePhoneNumbers('US').mobile.list(), (err: any) => err.status === 404);
  });

  it('searches local numbers by area code with every field typed as in the spec example', async () => {
    const listed = await sb.client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 20 });
    assert.equal(listed.length, 20);
    for (const n of listed) {
      assert.match(n.phoneNumber, /^\+1415\d{7}$/);
      assert.equal(n.region, 'CA');
      assert.equal(n.isoCountry, 'US');
      assert.equal(n.lata, '722');
    }
    const res = await sb.request('GET', `${base}/US/Local.json?AreaCode=415&PageSize=5`);
    const body = await json(res);
    assert.deepEqual(Object.keys(body).sort(), ['available_phone_numbers', 'uri']);
    assert.equal(body.uri, `${base}/US/Local.json`);
    assert.equal(body.available_phone_numbers.length, 5);
    for (const item of body.available_phone_numbers) checkItem(item);
    assert.match(body.available_phone_numbers[0].latitude, /^-?\d+\.\d{6}$/);
  });

  it('is deterministic and large: 1000 distinct numbers in one area code, same answer twice', async () => {
    const a = await search('US/Local.json?AreaCode=212&PageSize=1000');
    const b = await search('US/Local.json?AreaCode=212&PageSize=1000');
    assert.equal(a.length, 1000);
    assert.equal(new Set(a.map((n) => String(n.phone_number))).size, 1000);
    assert.deepEqual(
      a.map((n) => String(n.phone_number)),
      b.map((n) => String(n.phone_number)),
    );
  });

  it('applies Contains with wildcards, anchors and keypad letters', async () => {
    for (const n of await found('US/Local.json?Contains=STORE&PageSize=5')) assert.match(n.phone_number, /78673/);
    for (const n of await found('US/Local.json?Contains=%2B1212*&PageSize=5')) {
      assert.match(n.phone_number, /^\+1212/);
    }
    const ends = await search('US/Local.json?Contains=77%24&PageSize=5');
    assert.equal(ends.length, 5);
    for (const n of ends) assert.match(n.phone_number, /77$/);
    for (const n of await found('US/Local.json?Contains=5**0%250&PageSize=5')) {
      assert.match(n.phone_number.slice(1), /5\d\d0\d*0/);
    }
    assert.equal((await search('US/Local.json?Contains=%2B44&PageSize=5')).length, 0);
  });

  it('filters by capabilities, address requirements and Beta', async () => {
    const noMms = await search('US/Local.json?MmsEnabled=false&PageSize=10');
    assert.equal(noMms.length, 10);
    for (const n of noMms) assert.equal(n.capabilities.mms, false);
    for (const n of await found('US/Local.json?FaxEnabled=true&SmsEnabled=true&PageSize=10')) {
      assert.equal(n.capabilities.fax, true);
      assert.equal(n.capabilities.sms, true);
    }
    assert.equal((await search('GB/TollFree.json?SmsEnabled=true')).length, 0);
    assert.ok((await search('GB/TollFree.json?VoiceEnabled=true')).length > 0);
    assert.equal((await search('GB/Local.json?ExcludeAllAddressRequired=true')).length, 0);
    assert.equal((await search('DE/Local.json?ExcludeLocalAddressRequired=true')).length, 0);
    assert.ok((await search('DE/Local.json?ExcludeForeignAddressRequired=true')).length > 0);
    assert.ok((await found('US/Local.json?AreaCode=919&PageSize=3')).every((n) => n.beta === true));
    assert.equal((await search('US/Local.json?AreaCode=919&Beta=false')).length, 0);
  });

  it('filters by region, locality, postal code, rate center with LATA, and distance', async () => {
    for (const n of await found('US/Local.json?InRegion=HI&PageSize=10')) assert.equal(n.region, 'HI');
    for (const n of await found('US/Local.json?InLocality=Boulder&PageSize=5')) assert.equal(n.locality, 'Boulder');
    for (const n of await found('US/Local.json?InPostalCode=96720&PageSize=5')) assert.equal(n.postal_code, '96720');
    const hilo = await search('US/Local.json?InRateCenter=HILO&InLata=834&PageSize=5');
    assert.equal(hilo.length, 5);
    for (const n of hilo) assert.equal(n.rate_center, 'HILO');
    const near = await search('US/Local.json?NearLatLong=37.7749,-122.4194&Distance=15&PageSize=50');
    assert.ok(near.length > 0);
    assert.ok(
      near.every((n) => n.region === 'CA' && ['San Francisco', 'Sausalito', 'San Rafael'].includes(n.locality)),
    );
    const byNumber = await found('US/Local.json?NearNumber=%2B18089251571&Distance=5&PageSize=5');
    assert.ok(byNumber.every((n) => n.locality === 'Hilo'));
    const canada = await search('CA/Local.json?InRegion=ON&PageSize=10');
    assert.ok(canada.length === 10 && canada.every((n) => n.iso_country === 'CA' && n.region === 'ON'));
  });

  it('serves toll-free (null locations), mobile numbers and XML', async () => {
    const tf = await sb.client.availablePhoneNumbers('US').tollFree.list({ limit: 3 });
    assert.equal(tf.length, 3);
    for (const n of tf) {
      assert.match(n.phoneNumber, /^\+18(00|33|44|55|66|77|88)\d{7}$/);
      assert.equal(n.latitude, null);
      assert.equal(n.rateCenter, null);
    }
    for (const [country, re] of [
      ['GB', /^\+447/],
      ['DE', /^\+4915/],
      ['FR', /^\+336/],
      ['AU', /^\+614/],
    ] as const) {
      const mobile = await sb.client.availablePhoneNumbers(country).mobile.list({ limit: 2 });
      assert.equal(mobile.length, 2, country);
      for (const n of mobile) assert.match(n.phoneNumber, re);
    }
    const res = await sb.request('GET', `${base}/US/Local.xml?AreaCode=808&PageSize=1`);
    const text = await res.text();
    assert.match(
      text,
      /<AvailablePhoneNumbers uri="\/2010-04-01\/Accounts\/AC[0-9a-f]+\/AvailablePhoneNumbers\/US\/Local"><AvailablePhoneNumber><FriendlyName>\(808\)/,
    );
    assert.match(
      text,
      /<Capabilities><Voice>true<\/Voice><SMS>true<\/SMS><MMS>(true|false)<\/MMS><Fax>(true|false)<\/Fax><\/Capabilities>/,
    );
  });

  it('answers bad filters with a 400 that names the parameter, never 5xx', async () => {
    const cases: [string, RegExp][] = [
      ['Contains=a', /Contains/],
      ['Contains=1$2', /Contains/],
      ['Contains=12345678901234567', /Contains/],
      ['SmsEnabled=maybe', /SmsEnabled/],
      ['NearLatLong=abc', /NearLatLong/],
      ['NearLatLong=95,10', /NearLatLong/],
      ['NearNumber=%2B99', /NearNumber/],
      ['Distance=501&NearLatLong=1,1', /Distance/],
      ['InRateCenter=HILO', /InLata/],
      ['PageSize=0', /PageSize/],
      ['PageSize=abc', /PageSize/],
      ['AreaCode=abc', /AreaCode/],
    ];
    await assert.rejects(sb.client.availablePhoneNumbers('US').local.list({ contains: 'a' }), (err: any) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 20001);
      return true;
    });
    for (const [q, re] of cases) {
      const res = await sb.request('GET', `${base}/US/Local.json?${q}`);
      assert.equal(res.status, 400, q);
      const body = await json(res);
      assert.equal(body.code, 20001, q);
      assert.match(body.message, re, q);
    }
  });

  it('never answers 5xx whatever the filter values', async () => {
    const params = [
      'AreaCode',
      'Contains',
      'SmsEnabled',
      'MmsEnabled',
      'VoiceEnabled',
      'FaxEnabled',
      'Beta',
      'InRegion',
      'InPostalCode',
      'InLocality',
      'InRateCenter',
      'InLata',
      'NearNumber',
      'NearLatLong',
      'Distance',
      'PageSize',
      'ExcludeAllAddressRequired',
      'PageToken',
    ];
    const values = [
      '',
      '\u0000',
      '%',
      '-1',
      '1e400',
      'NaN',
      'x'.repeat(5000),
      '+',
      '$',
      '99999999999999999999',
      'true',
    ];
    for (const country of ['US', 'gb', 'XX', '..', 'U%20S']) {
      for (const p of params) {
        for (const v of values) {
          const res = await sb.request(
            'GET',
            `${base}/${country}/Local.json?${new URLSearchParams({ [p]: v }).toString()}`,
          );
          assert.ok(res.status < 500, `${country} ${p}=${v.slice(0, 20)} → ${res.status}`);
          await res.arrayBuffer();
        }
      }
    }
  });
});
