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
});
