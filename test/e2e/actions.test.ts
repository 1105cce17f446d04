// The ten actions as a workflow engine calls them: an ApiConnection action {method, path, body,
// queries} sent to the connector, which calls the sandbox through the typed client over real
// sockets. The official SDK, talking to the same sandbox, is the oracle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from '../connector/harness.js';

interface ApiConnectionAction {
  method: 'get' | 'post';
  path: string;
  body?: unknown;
  queries?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
}

describe('e2e: the ten connector actions through the client to the sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector();
  });
  after(() => h.close());

  async function run(action: ApiConnectionAction): Promise<{ status: number; body: any; res: Response }> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(action.queries ?? {})) qs.set(k, String(v));
    const path = action.path + (qs.size > 0 ? `?${qs.toString()}` : '');
    const init = { headers: action.headers ?? {}, ...(action.body === undefined ? {} : { json: action.body }) };
    const res = await h.call(action.method.toUpperCase(), path, init);
    const text = await res.clone().text();
    return { status: res.status, body: text.startsWith('{') ? await json(res) : text, res };
  }

  it('SendMessage, GetMessage and ListMessages', async () => {
    const sent = await run({
      method: 'post',
      path: '/Messages.json',
      body: {
        from: h.sb.phoneNumber,
        to: '+14155550501',
        body: 'e2e hello',
        status_callback: 'https://example.com/cb',
      },
    });
    assert.equal(sent.status, 200);
    const oracle = await h.sb.client.messages(sent.body.sid).fetch();
    assert.equal(oracle.body, 'e2e hello');

    const got = await run({ method: 'get', path: `/Messages/${encodeURIComponent(sent.body.sid)}.json` });
    assert.equal(got.status, 200);
    assert.equal(got.body.sid, sent.body.sid);
    assert.equal(got.body.account_sid, h.sb.accountSid);

    const listed = await run({
      method: 'get',
      path: '/Messages.json',
      queries: { To: '+14155550501', PageSize: 50, Page: 0 },
    });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.messages.map((m: { sid: string }) => m.sid),
      (await h.sb.client.messages.list({ to: '+14155550501' })).map((m) => m.sid),
    );
  });

  it('ListIncomingPhoneNumbers, AddIncomingNumber and GetIncomingPhoneNumber', async () => {
    const available = await run({
      method: 'get',
      path: '/AvailablePhoneNumbers/US/Local.json',
      queries: { PageSize: 1 },
    });
    const number = available.body.available_phone_numbers[0].phone_number as string;
    const added = await run({
      method: 'post',
      path: '/IncomingPhoneNumbers.json',
      body: { PhoneNumber: number, FriendlyName: 'e2e line' },
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.match(added.body.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(added.body.friendly_name, 'e2e line');

    const fetched = await run({ method: 'get', path: `/IncomingPhoneNumbers/${added.body.sid}.json` });
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.phone_number, number);

    const listed = await run({
      method: 'get',
      path: '/IncomingPhoneNumbers.json',
      queries: { FriendlyName: 'e2e line' },
    });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.incoming_phone_numbers.map((n: { sid: string }) => n.sid),
      [added.body.sid],
    );
    const viaSdk = await h.sb.client.incomingPhoneNumbers(added.body.sid).fetch();
    assert.equal(viaSdk.phoneNumber, number);
  });

  // the US has no mobile number type at Twilio: mobile numbers are searched in GB
  for (const type of ['Local', 'TollFree', 'Mobile'] as const) {
    const country = type === 'Mobile' ? 'GB' : 'US';
    it(`GetAvailable${type}Numbers flattens capabilities to sms/mms/voice`, async () => {
      const res = await run({
        method: 'get',
        path: `/AvailablePhoneNumbers/${country}/${type}.json`,
        queries: { PageSize: 3 },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const items = res.body.available_phone_numbers as Record<string, unknown>[];
      assert.ok(items.length > 0);
      const resource = h.sb.client.availablePhoneNumbers(country);
      const sdk: { phoneNumber: string; capabilities: { sms?: boolean; mms?: boolean; voice?: boolean } }[] =
        type === 'Local'
          ? await resource.local.list({ limit: 3 })
          : type === 'TollFree'
            ? await resource.tollFree.list({ limit: 3 })
            : await resource.mobile.list({ limit: 3 });
      let compared = 0;
      for (const item of items) {
        for (const cap of ['sms', 'mms', 'voice']) assert.equal(typeof item[cap], 'boolean', cap);
        const oracle = sdk.find((n) => n.phoneNumber === item['phone_number']);
        if (!oracle) continue;
        compared++;
        assert.equal(item['sms'], oracle.capabilities.sms === true);
        assert.equal(item['mms'], oracle.capabilities.mms === true);
        assert.equal(item['voice'], oracle.capabilities.voice === true);
      }
      assert.ok(compared > 0, 'the SDK saw the same numbers');
    });
  }

  it('ListUsage and its sub-resources, with price as a number', async () => {
    await h.sb.client.messages.create({ from: h.sb.phoneNumber, to: '+14155550502', body: 'usage' });
    const all = await run({ method: 'get', path: '/Usage/Records.json', queries: { Category: 'sms' } });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.ok(Array.isArray(all.body.usage_records));
    for (const r of all.body.usage_records) assert.equal(typeof r.price, 'number');
    const daily = await run({ method: 'get', path: '/Usage/Records/Daily.json', queries: { Category: 'sms' } });
    assert.equal(daily.status, 200);
    const viaQuery = await run({
      method: 'get',
      path: '/Usage/Records.json',
      queries: { SubResource: 'Daily', Category: 'sms' },
    });
    assert.deepEqual(viaQuery.body.usage_records, daily.body.usage_records);
    const oracle = await h.sb.client.usage.records.daily.list({ category: 'sms' });
    assert.equal(daily.body.usage_records.length, oracle.length);
  });

  it('serves every action as XML too', async () => {
    const sent = await h.sb.client.messages.create({ from: h.sb.phoneNumber, to: '+14155550503', body: 'xml' });
    const paths = [
      `/Messages/${sent.sid}.xml`,
      '/Messages.xml?PageSize=1',
      '/IncomingPhoneNumbers.xml',
      '/AvailablePhoneNumbers/US/Local.xml?PageSize=1',
      '/AvailablePhoneNumbers/US/TollFree.xml?PageSize=1',
      '/AvailablePhoneNumbers/GB/Mobile.xml?PageSize=1',
      '/Usage/Records.xml',
      '/Usage/Records/Monthly.xml',
    ];
    for (const path of paths) {
      const res = await h.call('GET', path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/xml/);
      const text = await res.text();
      assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<[A-Za-z]+>/, path);
      const doc = new XMLParser().parse(text) as Record<string, unknown>;
      assert.equal(Object.keys(doc).filter((k) => k !== '?xml').length, 1, `${path}: one root element`);
    }
    const posted = await h.call('POST', '/Messages.xml', {
      json: { from: h.sb.phoneNumber, to: '+14155550504', body: 'xml send' },
    });
    assert.equal(posted.status, 200);
    const doc = new XMLParser().parse(await posted.text());
    assert.equal(doc.Message.body, 'xml send');
    assert.match(doc.Message.sid, /^SM/);
  });

  it('idempotent sends hold under concurrency end to end', async () => {
    const action: ApiConnectionAction = {
      method: 'post',
      path: '/Messages.json',
      body: { from: h.sb.phoneNumber, to: '+14155550505', body: 'exactly once' },
      headers: { 'idempotency-key': 'e2e-run-42' },
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => run(action)));
    assert.equal(new Set(results.map((r) => r.body.sid as string)).size, 1);
    assert.equal((await h.sb.client.messages.list({ to: '+14155550505' })).length, 1);
  });

  it('metrics count requests by operation and status', async () => {
    const res = await h.call('GET', '/metrics', { auth: null });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /connector_requests_total\{operation="SendMessage",status="200"\} \d+/);
    assert.match(text, /connector_request_duration_seconds_count\{operation="ListMessages",status="200"\} \d+/);
  });
});
