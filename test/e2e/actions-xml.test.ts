// AddIncomingNumber in XML, both ways a caller can ask for it: the `.xml` path and an
// `Accept: application/xml` header on the `.json` path. The number really is bought at the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from '../connector/harness.js';

describe('e2e: AddIncomingNumber answers in XML', () => {
  let h: Harness;
  let numbers: string[] = [];
  before(async () => {
    h = await startConnector();
    const available = await json(await h.call('GET', '/AvailablePhoneNumbers/US/Local.json?PageSize=5'));
    numbers = available.available_phone_numbers.map((n: { phone_number: string }) => n.phone_number);
    assert.ok(numbers.length >= 2);
  });
  after(() => h.close());

  async function expectIncomingNumberXml(res: Response, phoneNumber: string, friendlyName: string): Promise<void> {
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/xml/);
    assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<IncomingPhoneNumber>/);
    const doc = new XMLParser({ parseTagValue: false }).parse(text) as Record<string, any>;
    assert.deepEqual(
      Object.keys(doc).filter((k) => k !== '?xml'),
      ['IncomingPhoneNumber'],
    );
    const n = doc['IncomingPhoneNumber'];
    assert.match(n.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(n.phone_number, phoneNumber);
    assert.equal(n.friendly_name, friendlyName);
    assert.equal(n.account_sid, h.sb.accountSid);
    const bought = await h.sb.client.incomingPhoneNumbers(n.sid).fetch();
    assert.equal(bought.phoneNumber, phoneNumber);
  }

  it('POST /IncomingPhoneNumbers.xml', async () => {
    const res = await h.call('POST', '/IncomingPhoneNumbers.xml', {
      json: { PhoneNumber: numbers[0], FriendlyName: 'xml by path' },
    });
    await expectIncomingNumberXml(res, numbers[0]!, 'xml by path');
  });

  it('POST /IncomingPhoneNumbers.json with Accept: application/xml', async () => {
    const res = await h.call('POST', '/IncomingPhoneNumbers.json', {
      json: { PhoneNumber: numbers[1], FriendlyName: 'xml by header' },
      headers: { accept: 'application/xml' },
    });
    await expectIncomingNumberXml(res, numbers[1]!, 'xml by header');
  });

  it('a browser asking for /Messages.json gets JSON; XML only as the first preference', async () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
    for (const [accept, type] of [
      [browser, /^application\/json/],
      ['application/json, application/xml', /^application\/json/],
      ['application/xml;q=0.5, application/json;q=0.4', /^application\/xml/],
      ['application/xml', /^application\/xml/],
      ['text/xml, */*', /^application\/xml/],
    ] as const) {
      const res = await h.call('GET', '/Messages.json?PageSize=1', { headers: { accept } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', type, accept);
      await res.arrayBuffer();
    }
    const byPath = await h.call('GET', '/Messages.xml?PageSize=1', { headers: { accept: browser } });
    assert.match(byPath.headers.get('content-type') ?? '', /^application\/xml/);
    await byPath.arrayBuffer();
  });

  it('an XML error is one <error> element carrying the envelope fields', async () => {
    for (const [path, accept] of [
      ['/Messages/nope.xml', undefined],
      ['/Messages/nope.json', 'application/xml'],
      ['/Nothing/here.xml', undefined],
    ] as const) {
      const res = await h.call('GET', path, accept === undefined ? {} : { headers: { accept } });
      const text = await res.text();
      assert.ok(res.status === 400 || res.status === 404, text);
      const doc = new XMLParser({ parseTagValue: false }).parse(text) as Record<string, any>;
      assert.deepEqual(
        Object.keys(doc).filter((k) => k !== '?xml'),
        ['error'],
      );
      assert.deepEqual(Object.keys(doc['error']), ['code', 'message', 'status', 'request_id'], text);
      assert.equal(doc['error'].status, String(res.status));
    }
  });
});
