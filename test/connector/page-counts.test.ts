// num_pages and total, which the seeds' list models carry and Twilio no longer sends: the connector
// gives them on the last page, where they are certain, and null on every other page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addPageCounts } from '../../src/connector/routes/context.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

const TO = '+14155550731';

describe('ListMessages and ListIncomingPhoneNumbers page counts', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector();
    for (let i = 0; i < 3; i++) {
      await h.sb.client.messages.create({ from: h.sb.phoneNumber, to: TO, body: `count ${i}` });
    }
  });
  after(() => h.close());

  it('a list that fits on one page has its counts', async () => {
    const res = await h.call('GET', `/Messages.json?To=${encodeURIComponent(TO)}`);
    const body = await json(res);
    assert.equal(body.messages.length, 3);
    assert.equal(body.total, 3);
    assert.equal(body.num_pages, 1);
  });

  it('a page with more after it says null; the last page has the counts', async () => {
    const first = await json(await h.call('GET', `/Messages.json?To=${encodeURIComponent(TO)}&PageSize=2`));
    assert.equal(first.messages.length, 2);
    assert.equal(first.total, null);
    assert.equal(first.num_pages, null);
    assert.equal(typeof first.next_page_uri, 'string');
    const last = await json(await fetch(first.next_page_uri, { headers: { authorization: h.auth } }));
    assert.equal(last.messages.length, 1);
    assert.equal(last.next_page_uri, null);
    assert.equal(last.total, 3);
    assert.equal(last.num_pages, 2);
  });

  it('an empty page past the end says null', async () => {
    const body = await json(await h.call('GET', `/Messages.json?To=${encodeURIComponent(TO)}&PageSize=2&Page=5`));
    assert.deepEqual(body.messages, []);
    assert.equal(body.total, null);
    assert.equal(body.num_pages, null);
  });

  it('the account’s numbers have num_pages', async () => {
    const body = await json(await h.call('GET', '/IncomingPhoneNumbers.json'));
    assert.ok(body.incoming_phone_numbers.length >= 1);
    assert.equal(body.num_pages, 1);
    assert.equal('total' in body, false, 'the seeds give IncomingPhoneNumberList no total');
  });

  it('counts Twilio sends itself are kept', () => {
    const body = { page: 0, start: 0, next_page_uri: '/next', items: [1], num_pages: 4, total: 7 };
    assert.deepEqual(addPageCounts({ ...body }, 'items', ['num_pages', 'total']), body);
    const empty = { page: 0, start: 0, next_page_uri: null, items: [] };
    assert.deepEqual(addPageCounts({ ...empty }, 'items', ['num_pages', 'total']), {
      ...empty,
      num_pages: 1,
      total: 0,
    });
  });
});
