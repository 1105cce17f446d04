import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lighterSide, messageListQuery, type MessageFilter } from '../../src/sandbox/store/message-list.js';
import { storeMessage } from '../helpers/messages.js';
import type { KeysetWindow } from '../../src/sandbox/twilio-api/paging.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const ME = '+15550000001';
const YOU = '+15550000002';

describe('sandbox Messages: list, filters and paging', () => {
  let sb: TestSandbox;
  let base: string;
  /** sids by name, in insertion (oldest first) order */
  const sids: Record<string, string> = {};

  function add(name: string, to: string, from: string, sent: string | null): void {
    const created = sent === null ? Date.UTC(2019, 5, 13) : Date.parse(sent);
    const row = storeMessage(sb, {
      to_addr: to,
      from_addr: from,
      body: name,
      status: sent === null ? 'failed' : 'delivered',
      price: null,
      date_created: created,
      date_sent: sent === null ? null : Date.parse(sent),
    });
    sids[name] = row.sid;
  }

  const bodies = (list: { body: string }[]): string[] => list.map((m) => m.body);

  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
    base = `/2010-04-01/Accounts/${sb.accountSid}/Messages`;
    add('A', YOU, ME, '2019-06-10T12:00:00Z');
    add('B', YOU, ME, '2019-06-11T22:05:25Z');
    add('C', ME, YOU, '2019-06-11T23:59:59Z');
    add('D', YOU, sb.phoneNumber, '2019-06-12T00:00:00Z');
    add('E', YOU, ME, null);
  });
  after(() => sb.close());

  it('lists newest first, and the SDK pages through everything without gaps or repeats', async () => {
    assert.deepEqual(bodies(await sb.client.messages.list()), ['E', 'D', 'C', 'B', 'A']);
    assert.deepEqual(bodies(await sb.client.messages.list({ pageSize: 2 })), ['E', 'D', 'C', 'B', 'A']);
    assert.deepEqual(bodies(await sb.client.messages.list({ pageSize: 2, limit: 3 })), ['E', 'D', 'C']);
  });

  it('builds Twilio’s envelope: relative URIs, PA/PB tokens, null at the ends', async () => {
    const first = await json(await sb.request('GET', `${base}.json?To=${encodeURIComponent(YOU)}&PageSize=2`));
    assert.equal(first.first_page_uri, `${base}.json?To=%2B15550000002&PageSize=2&Page=0`);
    assert.equal(first.uri, `${base}.json?To=%2B15550000002&PageSize=2&Page=0`);
    assert.equal(first.previous_page_uri, null);
    assert.equal(first.next_page_uri, `${base}.json?To=%2B15550000002&PageSize=2&Page=1&PageToken=PA${sids['D']}`);
    assert.deepEqual([first.page, first.page_size, first.start, first.end], [0, 2, 0, 1]);
    assert.deepEqual(bodies(first.messages), ['E', 'D']);

    const second = await json(await sb.request('GET', first.next_page_uri));
    assert.deepEqual(bodies(second.messages), ['B', 'A']);
    assert.deepEqual([second.page, second.start, second.end], [1, 2, 3]);
    assert.equal(second.next_page_uri, null);
    assert.equal(second.previous_page_uri, `${base}.json?To=%2B15550000002&PageSize=2&Page=0&PageToken=PB${sids['B']}`);

    const back = await json(await sb.request('GET', second.previous_page_uri));
    assert.deepEqual(bodies(back.messages), ['E', 'D']);
  });

  it('filters by To, From and both', async () => {
    assert.deepEqual(bodies(await sb.client.messages.list({ to: ME })), ['C']);
    assert.deepEqual(bodies(await sb.client.messages.list({ from: ME })), ['E', 'B', 'A']);
    assert.deepEqual(bodies(await sb.client.messages.list({ to: YOU, from: ME })), ['E', 'B', 'A']);
    assert.deepEqual(bodies(await sb.client.messages.list({ to: '+19999999999' })), []);
  });

  it('filters by GMT day with DateSent, DateSent< and DateSent> (inclusive); unsent messages never match', async () => {
    const q = async (query: string): Promise<string[]> => {
      const res = await sb.request('GET', `${base}.json?${query}`);
      assert.equal(res.status, 200, query);
      return bodies((await json(res)).messages);
    };
    assert.deepEqual(await q('DateSent=2019-06-11'), ['C', 'B']);
    assert.deepEqual(await q('DateSent%3C=2019-06-11'), ['C', 'B', 'A']);
    assert.deepEqual(await q('DateSent%3E=2019-06-11'), ['D', 'C', 'B']);
    assert.deepEqual(await q('DateSent%3E=2019-06-11&DateSent%3C=2019-06-11'), ['C', 'B']);
    // The unencoded spelling a browser or curl user may type.
    assert.deepEqual(await q('DateSent<=2019-06-10'), ['A']);
  });

  it('pages a date-filtered list forwards and back with its tokens', async () => {
    const first = await json(await sb.request('GET', `${base}.json?DateSent%3E=2019-06-10&PageSize=2`));
    assert.deepEqual(bodies(first.messages), ['D', 'C']);
    const second = await json(await sb.request('GET', first.next_page_uri));
    assert.deepEqual(bodies(second.messages), ['B', 'A']);
    assert.equal(second.next_page_uri, null);
    const back = await json(await sb.request('GET', second.previous_page_uri));
    assert.deepEqual(bodies(back.messages), ['D', 'C']);
    assert.deepEqual(bodies(await sb.client.messages.list({ dateSentAfter: new Date('2019-06-10'), pageSize: 1 })), [
      'D',
      'C',
      'B',
      'A',
    ]);
  });

  it('accepts every date format of the spec, comparing instants to the second', async () => {
    const q = async (key: string, value: string): Promise<string[]> => {
      const res = await sb.request('GET', `${base}.json?${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
      assert.equal(res.status, 200, `${key}=${value}`);
      return bodies((await json(res)).messages);
    };
    assert.deepEqual(await q('DateSent>', 'Wed, 12 Jun 2019 00:00:00 -0000'), ['D']);
    assert.deepEqual(await q('DateSent<', '2019-06-11 22:05:25.000'), ['B', 'A']);
    assert.deepEqual(await q('DateSent>', '06/11/2019 22:05:25 MST'), []);
    assert.deepEqual(await q('DateSent<', '06/11/2019 22:05:25 MST'), ['D', 'C', 'B', 'A']);
    assert.deepEqual(await q('DateSent>', 'Tue, 11 Jun 2019 22:05:25 +0000'), ['D', 'C', 'B']);
  });

  it('takes the SDK’s Date filters', async () => {
    const at = new Date('2019-06-11T22:05:25Z');
    assert.deepEqual(bodies(await sb.client.messages.list({ dateSentAfter: at })), ['D', 'C', 'B']);
    assert.deepEqual(bodies(await sb.client.messages.list({ dateSentBefore: at })), ['B', 'A']);
    assert.deepEqual(bodies(await sb.client.messages.list({ dateSent: new Date('2019-06-11T00:00:00Z') })), ['C', 'B']);
  });

  it('rejects bad paging and filter values with 400s: PageToken 21481', async () => {
    for (const token of ['garbage', `PASM${'0'.repeat(32)}`, 'PASMzz']) {
      const res = await sb.request('GET', `${base}.json?PageToken=${token}`);
      assert.equal(res.status, 400, token);
      const body = await json(res);
      assert.equal(body.code, 21481);
      assert.equal(body.message, 'Invalid PageToken');
    }
    for (const query of [
      'PageSize=0',
      'PageSize=1001',
      'PageSize=ten',
      'Page=-1',
      'DateSent=yesterday',
      'DateSent%3E=2019-02-30',
    ]) {
      const res = await sb.request('GET', `${base}.json?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(typeof (await json(res)).code, 'number');
    }
    const big = await sb.request('GET', `${base}.json?PageSize=1000`);
    assert.equal(big.status, 200);
  });

  it('renders the list in XML with paging attributes', async () => {
    const res = await sb.request('GET', `${base}?PageSize=2`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(
      text,
      new RegExp(
        `<TwilioResponse><Messages end="1" firstpageuri="${base}\\?PageSize=2&amp;Page=0" nextpageuri="${base}\\?PageSize=2&amp;Page=1&amp;PageToken=PA${sids['D']}" page="0" pagesize="2" previouspageuri="" start="0" uri="${base}\\?PageSize=2&amp;Page=0"><Message>`,
      ),
    );
    assert.equal(text.match(/<Message>/g)?.length, 2);
  });

  it('reads a To+From filter on the side with fewer messages, with the same answer either way', async () => {
    const db = sb.sandbox.ctx.db;
    // YOU has received four messages, ME has sent three and sb.phoneNumber one
    assert.equal(lighterSide(db, sb.accountSid, YOU, sb.phoneNumber), 'from');
    assert.equal(lighterSide(db, sb.accountSid, ME, YOU), 'to');
    for (const side of ['to', 'from'] as const) {
      const { sql, args } = messageListQuery(sb.accountSid, { to: YOU, from: ME, side }, { offset: 0, limit: 51 });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])[0]!.detail;
      assert.match(plan, new RegExp(`INDEX messages_${side} \\(account_sid=\\? AND ${side}_addr=\\?\\)`));
      const rows = db.prepare(sql).all(...args) as { body: string }[];
      assert.deepEqual(bodies(rows), ['E', 'B', 'A'], side);
    }
    const res = await sb.request('GET', `${base}.json?To=${encodeURIComponent(YOU)}&From=${encodeURIComponent(ME)}`);
    assert.deepEqual(bodies(((await json(res)) as { messages: { body: string }[] }).messages), ['E', 'B', 'A']);
  });

  it('reads every filter shape with one index range scan and no sort', () => {
    const db = sb.sandbox.ctx.db;
    const day = { from: 0, before: 1 };
    const filters: MessageFilter[] = [
      {},
      { to: YOU },
      { from: ME },
      { to: YOU, from: ME },
      { to: YOU, from: ME, side: 'from' },
      { dateSent: day },
      { dateSent: { from: 0 } },
      { to: YOU, dateSent: day },
      { to: YOU, from: ME, dateSent: { before: 1 } },
    ];
    const windows: KeysetWindow[] = [
      { offset: 0, limit: 51 },
      { offset: 500, limit: 51 },
      { below: 5, offset: 0, limit: 51 },
      { above: 5, offset: 0, limit: 50 },
    ];
    for (const filter of filters) {
      for (const window of windows) {
        const { sql, args } = messageListQuery(sb.accountSid, filter, window);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
          .map((r) => r.detail)
          .join(' | ');
        const label = `${JSON.stringify(filter)} ${JSON.stringify(window)}: ${plan}`;
        assert.match(plan, /^SEARCH messages USING (COVERING )?INDEX messages_\w+ \(account_sid=\?/, label);
        assert.doesNotMatch(plan, /TEMP B-TREE|\bSCAN\b|\|/, label);
      }
    }
  });
});
