import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { toXml } from '../../src/connector/xml.js';

describe('connector XML', () => {
  it('mirrors the JSON fields, escapes text and drops characters XML cannot carry', () => {
    const xml = toXml('MessageList', {
      page: 0,
      next_page_uri: null,
      messages: [
        { sid: 'SM1', body: 'a < b & "c"\u0000\u0007', num_media: '0', subresource_uris: { media: '/x' } },
        { sid: 'SM2', body: '😀', error_code: null },
      ],
      'DateSent<': 'odd key',
    });
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<MessageList>'));
    assert.ok(!xml.includes('\u0000') && !xml.includes('\u0007'));
    const doc = new XMLParser({ parseTagValue: false }).parse(xml).MessageList;
    assert.equal(doc.page, '0');
    assert.equal(doc.next_page_uri, '');
    assert.deepEqual(
      doc.messages.message.map((m: { sid: string }) => m.sid),
      ['SM1', 'SM2'],
    );
    assert.equal(doc.messages.message[0].body, 'a < b & "c"');
    assert.ok(xml.includes('<body>a &lt; b &amp; &quot;c&quot;</body>'));
    assert.equal(doc.messages.message[0].subresource_uris.media, '/x');
    assert.equal(doc.messages.message[1].body, '😀');
    assert.equal(doc.DateSent_, 'odd key');
  });
});
