import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import type { NewMessage } from '../../src/sandbox/store/messages.js';
import { storeMessage } from '../helpers/messages.js';
import { MESSAGE_USAGE_SQL } from '../../src/sandbox/store/usage.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { twilioSpec } from '../helpers/twilio-spec.js';

const spec = twilioSpec();
// Twilio sends usage `price` as a string (its own examples do): validate it against the example's type.
const recordSchema = structuredClone(spec.components.schemas['api.v2010.account.usage.usage_record']!);
recordSchema.properties['price'] = { type: 'string', nullable: true };
const validateRecord = new Ajv({ strict: false, validateFormats: false }).compile(recordSchema);
const example = spec.paths['/2010-04-01/Accounts/{AccountSid}/Usage/Records.json'].get.responses['200'].content[
  'application/json'
].examples.readFull.value as Record<string, any>;

const DAY = 86_400_000;

describe('sandbox usage records', () => {
  let sb: TestSandbox;
  let base: string;
  const now = Date.now();

  function message(over: Partial<NewMessage> & Pick<NewMessage, 'date_created'>): void {
    storeMessage(sb, { to_addr: '+15551230000', body: 'hi', ...over });
  }

  before(async () => {
    sb = await startSandbox();
    base = `/2010-04-01/Accounts/${sb.accountSid}/Usage/Records`;
    const d1 = Date.UTC(2024, 2, 10, 12);
    message({ date_created: d1 });
    message({ date_created: d1 + 1000, num_segments: 3, price: '-0.02370' });
    message({ date_created: d1 + 2000, direction: 'inbound', to_addr: sb.phoneNumber, from_addr: '+15551230000' });
    message({
      date_created: d1 + 3000,
      price: '-0.02000',
      media: [{ url: 'https://e.com/a.png', contentType: 'image/png' }],
    });
    message({ date_created: d1 + 4000, status: 'canceled', price: null });
    message({ date_created: Date.UTC(2024, 3, 2, 8), num_segments: 2, price: null });
    message({ date_created: now - 5 * DAY, price: '-0.01000' });
    message({ date_created: now - DAY, direction: 'inbound', price: '-0.00790' });
  });
  after(() => sb.close());

  const records = async (path: string): Promise<Record<string, any>[]> => {
    const res = await sb.request('GET', `${base}${path}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await json(res)).usage_records as Record<string, any>[];
  };

  it('sums SMS and MMS by direction, with segments, prices and the SDK reading them', async () => {
    const spring = { startDate: new Date('2024-03-01T00:00:00Z'), endDate: new Date('2024-04-30T00:00:00Z') };
    const [sms] = await sb.client.usage.records.list({ category: 'sms', ...spring });
    assert.ok(sms);
    assert.equal(sms.count, '4');
    assert.equal(sms.usage, '7');
    assert.equal(sms.price, '0.0395' as unknown as number);
    assert.equal(sms.priceUnit, 'usd');
    assert.equal(sms.startDate.toISOString().slice(0, 10), '2024-03-01');
    const byCat = new Map(
      (await records('.json?StartDate=2024-03-01&EndDate=2024-04-30')).map((r) => [r.category as string, r]),
    );
    assert.equal(byCat.get('sms-outbound')?.count, '3');
    assert.equal(byCat.get('sms-outbound')?.usage, '6');
    assert.equal(byCat.get('sms-outbound')?.price, '0.0316');
    assert.equal(byCat.get('sms-inbound')?.count, '1');
    assert.equal(byCat.get('mms')?.count, '1');
    assert.equal(byCat.get('mms-outbound')?.price, '0.02');
    assert.equal(byCat.get('mms-inbound')?.count, '0');
    assert.equal(byCat.get('totalprice')?.price, '0.0595');
    assert.equal(byCat.get('phonenumbers')?.count, '0');
  });

  it('every record validates against the spec (price typed as in its example) with the same fields', async () => {
    const all = await records('.json?StartDate=2024-03-01&EndDate=2024-03-31');
    assert.equal(all.length, 11);
    const exampleKeys = Object.keys(example['usage_records'][0]).sort();
    for (const r of all) {
      assert.ok(validateRecord(r), JSON.stringify(validateRecord.errors));
      assert.deepEqual(Object.keys(r).sort(), exampleKeys);
      assert.match(String((r as Record<string, unknown>)['as_of']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    }
    const sms = all.find((r) => r.category === 'sms')!;
    assert.equal(sms.uri, `${base}.json?Category=sms&StartDate=2024-03-01&EndDate=2024-03-31`);
    assert.equal(sms.subresource_uris.daily, `${base}/Daily.json?Category=sms`);
    const res = await sb.request('GET', `${base}.json?Category=sms&StartDate=2024-03-01&EndDate=2024-03-31`);
    const body = await json(res);
    assert.deepEqual(Object.keys(body).sort(), Object.keys(example).sort());
  });

  it('splits by day, month and year, including empty periods', async () => {
    const daily = await records('/Daily.json?Category=sms&StartDate=2024-03-09&EndDate=2024-03-11');
    assert.deepEqual(
      daily.map((r) => [String(r.start_date), String(r.end_date), String(r.count)]),
      [
        ['2024-03-09', '2024-03-09', '0'],
        ['2024-03-10', '2024-03-10', '3'],
        ['2024-03-11', '2024-03-11', '0'],
      ],
    );
    const monthly = await records('/Monthly.json?Category=totalprice&StartDate=2024-03-15&EndDate=2024-04-30');
    assert.deepEqual(
      monthly.map((r) => [String(r.start_date), String(r.end_date), String(r.price)]),
      [
        ['2024-03-15', '2024-03-31', '0'],
        ['2024-04-01', '2024-04-30', '0'],
      ],
    );
    const yearly = await sb.client.usage.records.yearly.list({
      category: 'sms',
      startDate: new Date('2023-06-01T00:00:00Z'),
      endDate: new Date('2024-12-31T00:00:00Z'),
    });
    assert.deepEqual(
      yearly.map((r) => r.count),
      ['0', '4'],
    );
  });

  it('answers Today, Yesterday, ThisMonth, LastMonth and AllTime, with numbers billed monthly', async () => {
    const [today] = await sb.client.usage.records.today.list({ category: 'phonenumbers-local' });
    assert.equal(today?.count, '1');
    assert.equal(String(today?.price), '1.15');
    const [yesterday] = await sb.client.usage.records.yesterday.list({ category: 'sms-inbound' });
    assert.equal(yesterday?.count, '1');
    const [thisMonth] = await sb.client.usage.records.thisMonth.list({ category: 'phonenumbers' });
    assert.equal(thisMonth?.count, '1');
    const lastMonth = await records('/LastMonth.json?Category=sms');
    assert.equal(lastMonth.length, 1);
    const [allTime] = await records('/AllTime.json?Category=totalprice');
    // March 0.0595 + five days ago 0.01 + yesterday 0.0079 + the number's first month 1.15
    assert.equal(allTime?.price, '1.2274');
    assert.equal(allTime?.start_date, '2024-03-10');
  });

  it('accepts relative StartDate offsets', async () => {
    const [recent] = await records('.json?Category=sms-outbound&StartDate=-30days');
    assert.equal(recent?.count, '1');
    assert.equal(recent?.price, '0.01');
    const [none] = await records('.json?Category=sms-outbound&StartDate=-3days&EndDate=%2B0days');
    assert.equal(none?.count, '0');
  });

  it('pages with opaque tokens through the SDK', async () => {
    const page = await sb.client.usage.records.daily.page({
      category: 'sms',
      startDate: new Date('2024-03-01T00:00:00Z'),
      endDate: new Date('2024-03-05T00:00:00Z'),
      pageSize: 2,
    });
    assert.equal(page.instances.length, 2);
    const days: string[] = page.instances.map((r) => r.startDate.toISOString().slice(0, 10));
    let next = await page.nextPage();
    while (next) {
      days.push(...next.instances.map((r) => r.startDate.toISOString().slice(0, 10)));
      next = await next.nextPage();
    }
    assert.deepEqual(days, ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05']);
    const res = await sb.request(
      'GET',
      `${base}/Daily.json?Category=sms&StartDate=2024-03-01&EndDate=2024-03-05&PageSize=2`,
    );
    const body = await json(res);
    assert.match(body.next_page_uri, /PageSize=2&Page=1&PageToken=APMQ%3D%3D$/);
    assert.equal(body.previous_page_uri, null);
  });

  it('aggregates in SQL with one range scan of the usage index, reading rows only when needed', () => {
    const { db } = sb.sandbox.ctx;
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${MESSAGE_USAGE_SQL}`).all(sb.accountSid, 0, DAY) as {
      detail: string;
    }[];
    const details = plan.map((p) => p.detail).join('\n');
    assert.match(
      details,
      /SEARCH messages USING INDEX messages_usage \(account_sid=\? AND date_created>\? AND date_created<\?\)/,
    );
    assert.doesNotMatch(details, /SCAN messages/);
    // the row is found lazily (a deferred seek): only a message without a price has its status read
    const program = db.prepare(`EXPLAIN ${MESSAGE_USAGE_SQL}`).all(sb.accountSid, 0, DAY) as { opcode: string }[];
    assert.ok(program.some((op) => op.opcode === 'DeferredSeek'));
  });

  it('serves XML', async () => {
    const res = await sb.request('GET', `${base}/Daily.xml?Category=mms&StartDate=2024-03-10&EndDate=2024-03-10`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(
      text,
      /<UsageRecords end="0" firstpageuri="[^"]*Daily\?Category=mms&amp;StartDate=2024-03-10&amp;EndDate=2024-03-10&amp;PageSize=50&amp;Page=0"/,
    );
    assert.match(
      text,
      /<UsageRecord><AccountSid>AC[0-9a-f]{32}<\/AccountSid>.*<Category>mms<\/Category><Count>1<\/Count>/,
    );
    assert.match(text, /<SubresourceUris><AllTime>[^<]*\/Usage\/Records\/AllTime\?Category=mms<\/AllTime>/);
  });

  it('answers bad input with 400 naming the parameter, never 5xx', async () => {
    await assert.rejects(sb.client.usage.records.list({ category: 'bogus' }), (err: any) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 20001);
      assert.match(err.message, /Category/);
      return true;
    });
    for (const [q, code, re] of [
      ['StartDate=2024-13-01', 20001, /StartDate/],
      ['EndDate=yesterday', 20001, /EndDate/],
      ['PageSize=0', 20001, /PageSize/],
      ['PageToken=junk', 21481, /PageToken/],
      ['PageToken=AP%2F%2F%2F%2F', 21481, /PageToken/],
      ['Page=-1', 20001, /Page/],
    ] as const) {
      const res = await sb.request('GET', `${base}.json?${q}`);
      assert.equal(res.status, 400, q);
      const body = await json(res);
      assert.equal(body.code, code, q);
      assert.match(body.message, re, q);
    }
    const late = await records('/Daily.json?StartDate=2030-01-02&EndDate=2030-01-01');
    assert.equal(late.length, 0);
    const far = await sb.request('GET', `${base}/Daily.json?StartDate=1970-01-01&Page=5000`);
    assert.equal(far.status, 200);
  });

  it('never answers 5xx whatever the query', async () => {
    const values = [
      '',
      '\u0000',
      '%',
      '-1',
      '-99999days',
      '+99999days',
      '0000-01-01',
      '9999-12-31',
      'x'.repeat(5000),
      'APMQ',
      'AP',
    ];
    for (const sub of ['', '/Daily', '/Monthly', '/Yearly', '/AllTime', '/LastMonth']) {
      for (const p of ['Category', 'StartDate', 'EndDate', 'PageSize', 'Page', 'PageToken', 'IncludeSubaccounts']) {
        for (const v of values) {
          const res = await sb.request('GET', `${base}${sub}.json?${new URLSearchParams({ [p]: v }).toString()}`);
          assert.ok(res.status < 500, `${sub} ${p}=${v.slice(0, 20)} → ${res.status}`);
          await res.arrayBuffer();
        }
      }
    }
  });
});
