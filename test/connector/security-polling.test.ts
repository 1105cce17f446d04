// A crafted cursor cannot make one poll read the account's whole history: a poll reads at most
// MAX_PAGES upstream pages, answers 202 with Retry-After: 0 when it had to stop, and the polls that
// follow its Location hand out every message once, oldest first. Over real sockets against the
// sandbox, counting the upstream page reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_PAGES } from '../../src/connector/triggers/polling.js';
import { TwilioClient } from '../../src/twilio/index.js';
import { formBody } from '../helpers/sandbox.js';
import { startSecure, type SecureHarness } from './security-harness.js';

const MESSAGES = 25 * MAX_PAGES;
/** enough WhatsApp arrivals that their list, too, takes more than its share of one poll's pages */
const WHATSAPP = 11 * MAX_PAGES;

describe('security: the polling cursor is bounded per poll', () => {
  let h: SecureHarness;
  let reads = 0;
  before(async () => {
    h = await startSecure(
      {},
      {
        pollIntervalSeconds: 17,
        clientFor: (c) => {
          const client = new TwilioClient(c, { baseUrl: h.sb.url });
          return {
            incomingPhoneNumbers: client.incomingPhoneNumbers,
            messages: {
              ...client.messages,
              list: (p) => {
                reads++;
                return client.messages.list(p);
              },
            },
            nextPage: (page) => {
              reads++;
              return client.nextPage(page);
            },
          };
        },
      },
    );
    for (let i = 0; i < MESSAGES; i++) {
      const res = await fetch(`${h.sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sandbox-request': '1' },
        body: formBody({ From: '+14155550177', To: h.sb.phoneNumber, Body: `history ${i}` }),
      });
      assert.equal(res.status < 300, true);
    }
    for (let i = 0; i < WHATSAPP; i++) {
      const res = await fetch(`${h.sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ From: 'whatsapp:+14155550178', To: `whatsapp:${h.sb.phoneNumber}`, Body: `wa ${i}` }),
      });
      assert.equal(res.status < 300, true);
    }
  });

  /** Follows Location from `start` until the poll waits the full interval; the bodies handed out. */
  async function drain(start: string): Promise<{ seen: string[]; polls: number }> {
    let location = start;
    const seen: string[] = [];
    let polls = 0;
    for (;;) {
      reads = 0;
      const res = await fetch(location, { headers: { authorization: h.auth } });
      polls++;
      assert.ok(reads <= MAX_PAGES, `poll ${polls} read ${reads} pages`);
      location = res.headers.get('location') ?? '';
      if (res.status === 200) {
        const { value } = (await res.json()) as { value: { body: string }[] };
        seen.push(...value.map((m) => m.body));
        continue;
      }
      assert.equal(res.status, 202);
      if (res.headers.get('retry-after') === '17') break;
      assert.equal(res.headers.get('retry-after'), '0', 'an unfinished descent asks to be continued at once');
      assert.ok(polls < 200, 'the descent ends');
    }
    return { seen, polls };
  }
  const history = Array.from({ length: MESSAGES }, (_, i) => `history ${i}`);
  const whatsappHistory = Array.from({ length: WHATSAPP }, (_, i) => `wa ${i}`);
  after(() => h.close());

  it('a cursor naming no message reads at most MAX_PAGES pages per poll and resumes', async () => {
    const crafted = Buffer.from(JSON.stringify([`SM${'0'.repeat(32)}`, 0])).toString('base64url');
    const { seen, polls } = await drain(`${h.url}/triggers/messages/received?Cursor=${crafted}`);
    assert.ok(polls > 2, 'the history took several polls');
    assert.deepEqual(seen, [...history, ...whatsappHistory], 'every message once, oldest first');
  });

  it('a number’s two lists (SMS and WhatsApp) share the page budget of one poll', async () => {
    const none = [`SM${'0'.repeat(32)}`, 0];
    const crafted = Buffer.from(JSON.stringify([none, none])).toString('base64url');
    const to = encodeURIComponent(h.sb.phoneNumber);
    const { seen, polls } = await drain(`${h.url}/triggers/messages/received?To=${to}&Cursor=${crafted}`);
    assert.ok(polls > 2, 'the history took several polls');
    assert.deepEqual(
      seen.filter((b) => b.startsWith('history')),
      history,
      'every SMS once, in order',
    );
    assert.deepEqual(
      seen.filter((b) => b.startsWith('wa')),
      whatsappHistory,
      'every WhatsApp message once, in order',
    );
  });

  it('a resume link that is not this account’s message list is refused', async () => {
    const crafted = Buffer.from(
      JSON.stringify([null, 0, '/2010-04-01/Accounts/ACx/IncomingPhoneNumbers.json?a=1']),
    ).toString('base64url');
    const res = await fetch(`${h.url}/triggers/messages/received?Cursor=${crafted}`, {
      headers: { authorization: h.auth },
    });
    assert.equal(res.status, 400);
  });
});
