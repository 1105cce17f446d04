import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getMessageBySid, INSERT_COLUMNS, insertArgs, type MessageRow } from '../../src/sandbox/store/messages.js';
import { storeMessage } from '../helpers/messages.js';
import { bootstrapAccount, ensureStartNumber } from '../../src/sandbox/store/accounts.js';
import { json, sdkClient, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

/** Asserts the SDK call fails the way Twilio fails it. */
async function rejectsWith(call: Promise<unknown>, status: number, code: number, message?: string): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, `status of ${err.message}`);
    assert.equal(err.code, code, `code of ${err.message}`);
    if (message !== undefined) assert.equal(err.message, message);
    assert.equal(err.moreInfo, `https://www.twilio.com/docs/errors/${code}`);
    return true;
  });
}

/** A finished outbound message, as the lifecycle would leave it. */
function delivered(sb: TestSandbox, media: string[] = []): MessageRow {
  return storeMessage(sb, { media: media.map((url) => ({ url, contentType: 'image/png' })) });
}

describe('sandbox Messages: create', () => {
  let sb: TestSandbox;
  const to = '+15558675310';
  before(async () => {
    // An hour between lifecycle steps: created messages stay exactly as the API left them.
    sb = await startSandbox({ statusDelay: 3_600_000 });
  });
  after(() => sb.close());

  it('sends from an owned number: 201, queued, no date_sent or price, SM sid, counted segments', async () => {
    const seen: string[] = [];
    const unsubscribe = sb.sandbox.ctx.events.subscribe((e) => {
      if (e.type === 'message') seen.push(`${e.sid}:${e.status}`);
    });
    const m = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'Hello there' });
    unsubscribe();
    assert.match(m.sid, /^SM[0-9a-f]{32}$/);
    assert.equal(m.status, 'queued');
    assert.equal(m.direction, 'outbound-api');
    assert.equal(m.dateSent, null);
    assert.equal(m.price, null);
    assert.equal(m.priceUnit, 'USD');
    assert.equal(m.numSegments, '1');
    assert.equal(m.numMedia, '0');
    assert.equal(m.messagingServiceSid, null);
    assert.equal(m.from, sb.phoneNumber);
    assert.equal(m.to, to);
    assert.equal(m.body, 'Hello there');
    assert.equal(m.errorCode, null);
    assert.ok(m.dateCreated instanceof Date && !Number.isNaN(m.dateCreated.getTime()));
    assert.deepEqual(seen, [`${m.sid}:queued`]);
    const row = getMessageBySid(sb.sandbox.ctx.db, m.sid)!;
    assert.equal(row.next_status, 'sending');
    assert.ok(row.next_at !== null && row.next_at >= row.date_created + 3_600_000 - 1);
    assert.equal(row.fate, null);
    assert.equal(row.encoding, 'GSM-7');
  });

  it('gives messages with media an MM sid, the media count, and guessed content types', async () => {
    const m = await sb.client.messages.create({
      to,
      from: sb.phoneNumber,
      mediaUrl: ['https://example.com/cat.JPG', 'https://example.com/doc.pdf'],
    });
    assert.match(m.sid, /^MM[0-9a-f]{32}$/);
    assert.equal(m.numMedia, '2');
    const media = await sb.client.messages(m.sid).media.list();
    assert.deepEqual(media.map((x) => x.contentType).sort(), ['application/octet-stream', 'image/jpeg']);
  });

  it('accepts the magic sender, alphanumeric sender IDs and WhatsApp addresses', async () => {
    const magic = await sb.client.messages.create({ to, from: '+15005550006', body: 'x' });
    assert.equal(magic.status, 'queued');
    const alpha = await sb.client.messages.create({ to, from: 'Acme Shop', body: 'x' });
    assert.equal(alpha.from, 'Acme Shop');
    const wa = await sb.client.messages.create({ to: `whatsapp:${to}`, from: 'whatsapp:+14155238886', body: 'x' });
    assert.equal(wa.to, `whatsapp:${to}`);
    assert.equal(wa.from, 'whatsapp:+14155238886');
  });

  it('normalizes a national-format recipient to E.164', async () => {
    const m = await sb.client.messages.create({ to: '(555) 867-5310', from: sb.phoneNumber, body: 'x' });
    assert.equal(m.to, '+15558675310');
  });

  it('accepts and ignores MaxPrice, Tags and unknown parameters; keeps a valid ValidityPeriod', async () => {
    const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
      form: {
        To: to,
        From: sb.phoneNumber,
        Body: 'x',
        MaxPrice: '0.5',
        Tags: '{"a":1}',
        Frobnicate: 'yes',
        ValidityPeriod: '36000',
      },
    });
    assert.equal(res.status, 201);
    const body = await json(res);
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, body.sid)!.validity_period, 36000);
  });

  it('SmartEncoded replaces look-alikes so the text fits GSM-7; without it the body stays UCS-2', async () => {
    const text = '\u201cHi\u201d \u2014 see you\u2026';
    const smart = await sb.client.messages.create({ to, from: sb.phoneNumber, body: text, smartEncoded: true });
    assert.equal(smart.body, '"Hi" - see you...');
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, smart.sid)!.encoding, 'GSM-7');
    const plain = await sb.client.messages.create({ to, from: sb.phoneNumber, body: text });
    assert.equal(plain.body, text);
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, plain.sid)!.encoding, 'UCS-2');
  });

  it('requires To (21604), then From or a service (21603), then a body (21602)', async () => {
    const c = sb.client.messages;
    // The SDK insists on `to` itself; an empty one reaches the API.
    await rejectsWith(
      c.create({ to: '', from: sb.phoneNumber, body: 'x' }),
      400,
      21604,
      "A 'To' phone number is required.",
    );
    const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
      form: { Body: 'x' },
    });
    assert.equal(res.status, 400);
    assert.equal((await json(res)).code, 21604);
    await rejectsWith(c.create({ to, body: 'x' }), 400, 21603, "A 'From' phone number is required.");
    await rejectsWith(c.create({ to, from: sb.phoneNumber }), 400, 21602, 'Message body is required.');
  });

  it('limits the body to 1600 characters (21617) and media to 10 valid http(s) URLs (21623, 21620)', async () => {
    const c = sb.client.messages;
    const ok = await c.create({ to, from: sb.phoneNumber, body: 'a'.repeat(1600) });
    assert.equal(ok.numSegments, '11');
    await rejectsWith(c.create({ to, from: sb.phoneNumber, body: 'a'.repeat(1601) }), 400, 21617);
    const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.png`);
    await rejectsWith(c.create({ to, from: sb.phoneNumber, mediaUrl: eleven }), 400, 21623);
    for (const bad of ['ftp://example.com/a.png', 'not a url', 'https://bad_host.example/a.png']) {
      await rejectsWith(c.create({ to, from: sb.phoneNumber, mediaUrl: [bad] }), 400, 21620);
    }
  });

  it('rejects an unusable StatusCallback with 21609', async () => {
    for (const bad of ['callback', 'http://under_score.example/cb', `https://example.com/${'x'.repeat(4000)}`]) {
      await rejectsWith(
        sb.client.messages.create({ to, from: sb.phoneNumber, body: 'x', statusCallback: bad }),
        400,
        21609,
      );
    }
  });

  it('rejects ValidityPeriod outside 1–36000 with a 400', async () => {
    for (const v of ['0', '36001', 'soon']) {
      const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
        form: { To: to, From: sb.phoneNumber, Body: 'x', ValidityPeriod: v },
      });
      assert.equal(res.status, 400);
      assert.match((await json(res)).message, /ValidityPeriod/);
    }
  });

  it('checks the sender: malformed 21212, not owned 21606, magic senders', async () => {
    const c = sb.client.messages;
    await rejectsWith(
      c.create({ to, from: '+15005550001', body: 'x' }),
      400,
      21212,
      "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID.",
    );
    await rejectsWith(c.create({ to, from: 'not-a-sender!', body: 'x' }), 400, 21212);
    await rejectsWith(
      c.create({ to, from: '+15005550007', body: 'x' }),
      400,
      21606,
      'The From phone number +15005550007 is not a valid, SMS-capable inbound phone number or short code for your account.',
    );
    await rejectsWith(c.create({ to, from: '+14155550199', body: 'x' }), 400, 21606);
    await rejectsWith(c.create({ to, from: '+15005550008', body: 'x' }), 429, 21611, 'SMS queue is full.');
  });

  it('applies the magic recipients whatever the sender', async () => {
    const cases: [string, number, string][] = [
      ['+15005550001', 21211, "The 'To' number +15005550001 is not a valid phone number."],
      [
        '+15005550002',
        21612,
        `The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: ${sb.phoneNumber} via SMS.`,
      ],
      [
        '+15005550003',
        21408,
        "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003.",
      ],
      ['+15005550004', 21610, 'Attempt to send to unsubscribed recipient'],
      ['+15005550009', 21614, 'To number: +15005550009, is not a mobile number'],
    ];
    for (const [magicTo, code, message] of cases) {
      await rejectsWith(
        sb.client.messages.create({ to: magicTo, from: sb.phoneNumber, body: 'x' }),
        400,
        code,
        message,
      );
    }
    await rejectsWith(
      sb.client.messages.create({ to: '+15005550002', from: '+15005550006', mediaUrl: ['https://e.com/a.png'] }),
      400,
      21612,
      "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: +15005550006 via MMS.",
    );
    await rejectsWith(sb.client.messages.create({ to: '12', from: sb.phoneNumber, body: 'x' }), 400, 21211);
  });

  it('validates in Twilio order: To before From, sender before recipient, routing before the queue', async () => {
    const c = sb.client.messages;
    await rejectsWith(c.create({ to: 'nope', from: '+15005550001', body: 'x' }), 400, 21212);
    await rejectsWith(c.create({ to: '+15005550002', from: '+15005550008', body: 'x' }), 400, 21612);
    await rejectsWith(c.create({ to, from: '+15005550001', body: 'a'.repeat(1601) }), 400, 21617);
    await rejectsWith(c.create({ to, from: '+15005550001', body: 'x', statusCallback: 'nope' }), 400, 21609);
  });

  it('answers a Messaging Service problem with 21705 (malformed) or 21701 (unknown)', async () => {
    await rejectsWith(sb.client.messages.create({ to, messagingServiceSid: 'MG123', body: 'x' }), 400, 21705);
    await rejectsWith(
      sb.client.messages.create({ to, messagingServiceSid: `MG${'0'.repeat(32)}`, body: 'x' }),
      400,
      21701,
    );
  });

  it('renders create and its errors in XML for .xml and for no suffix', async () => {
    for (const suffix of ['.xml', '']) {
      const path = `/2010-04-01/Accounts/${sb.accountSid}/Messages${suffix}`;
      const res = await sb.request('POST', path, { form: { To: to, From: sb.phoneNumber, Body: 'x & y' } });
      assert.equal(res.status, 201);
      assert.match(res.headers.get('content-type') ?? '', /application\/xml/);
      const text = await res.text();
      assert.match(text, /^<\?xml version='1.0' encoding='UTF-8'\?>\n<TwilioResponse><Message><AccountSid>/);
      assert.match(text, /<Body>x &amp; y<\/Body>/);
      assert.match(text, /<DateSent\/>/);
      assert.match(text, /<Status>queued<\/Status>/);
      assert.match(text, /<Uri>\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\/SM[0-9a-f]{32}<\/Uri>/);
      const err = await sb.request('POST', path, { form: { From: sb.phoneNumber, Body: 'x' } });
      assert.equal(err.status, 400);
      assert.match(
        await err.text(),
        /<RestException><Code>21604<\/Code><Message>A &apos;To&apos; phone number is required.<\/Message>/,
      );
    }
  });

  it('never answers malformed bodies with a 5xx', async () => {
    const path = `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`;
    const bodies: [string, string, number][] = [
      ['application/x-www-form-urlencoded', '%%%&&=&To', 21604],
      ['application/x-www-form-urlencoded', 'To=%2B15558675310&From=%ZZ&Body=%', 21212],
      ['application/x-www-form-urlencoded', 'To=%E0%A4%A&From=%2B15005550006&Body=x', 21211],
      ['application/json', '{"To": "+15558675310"}', 21604],
      ['text/plain', 'garbage', 21604],
    ];
    for (const [type, body, code] of bodies) {
      const res = await sb.request('POST', path, { body, headers: { 'content-type': type } });
      assert.equal(res.status, 400, `${type} ${body}`);
      assert.equal((await json(res)).code, code, body);
    }
  });
});

describe('sandbox Messages: fetch, update, delete', () => {
  let sb: TestSandbox;
  const to = '+15558675310';
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
  });
  after(() => sb.close());

  it('fetches a message with the SDK, and in XML by default', async () => {
    const m = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'fetch me' });
    const got = await sb.client.messages(m.sid).fetch();
    assert.equal(got.sid, m.sid);
    assert.equal(got.body, 'fetch me');
    const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Messages/${m.sid}`);
    assert.equal(res.status, 200);
    assert.match(
      await res.text(),
      new RegExp(`<Message><AccountSid>${sb.accountSid}</AccountSid>.*<Sid>${m.sid}</Sid>`),
    );
  });

  it('answers unknown and malformed message SIDs with 404 / 20404', async () => {
    await rejectsWith(sb.client.messages(`SM${'0'.repeat(32)}`).fetch(), 404, 20404);
    for (const sid of ['garbage', 'SM123', `XX${'0'.repeat(32)}`, '..%2F..']) {
      const path = `/2010-04-01/Accounts/${sb.accountSid}/Messages/${sid}.json`;
      const res = await sb.request('GET', path);
      assert.equal(res.status, 404, sid);
      assert.equal((await json(res)).code, 20404);
    }
  });

  it('redacts a finished message with Body=""', async () => {
    const m = delivered(sb);
    const seen: string[] = [];
    const stop = sb.sandbox.ctx.events.subscribe((e) => seen.push(`${e.type}:${'sid' in e ? e.sid : ''}`));
    const got = await sb.client.messages(m.sid).update({ body: '' });
    stop();
    assert.deepEqual(seen, [`message:${m.sid}`]);
    assert.equal(got.body, '');
    assert.equal(got.status, 'delivered');
    assert.equal((await sb.client.messages(m.sid).fetch()).body, '');
  });

  it('rejects invalid updates with 30400', async () => {
    const m = delivered(sb);
    const path = `/2010-04-01/Accounts/${sb.accountSid}/Messages/${m.sid}.json`;
    await rejectsWith(sb.client.messages(m.sid).update({ body: 'new text' }), 400, 30400, 'Parameters are not valid');
    for (const form of [{}, { Body: '', Status: 'canceled' }, { Status: 'delivered' }]) {
      const res = await sb.request('POST', path, { form });
      assert.equal(res.status, 400, JSON.stringify(form));
      assert.equal((await json(res)).code, 30400);
    }
  });

  it('cancels only scheduled messages: 30409 otherwise', async () => {
    const queued = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'x' });
    await rejectsWith(
      sb.client.messages(queued.sid).update({ status: 'canceled' }),
      400,
      30409,
      'This message cannot be canceled',
    );
    await rejectsWith(sb.client.messages(delivered(sb).sid).update({ status: 'canceled' }), 400, 30409);
  });

  it('deletes a finished message and its media: 204, then 404', async () => {
    const m = delivered(sb, ['https://example.com/a.png']);
    const [media] = await sb.client.messages(m.sid).media.list();
    assert.ok(media);
    const seen: string[] = [];
    const stop = sb.sandbox.ctx.events.subscribe((e) => seen.push(`${e.type}:${'sid' in e ? e.sid : ''}`));
    assert.equal(await sb.client.messages(m.sid).remove(), true);
    stop();
    assert.deepEqual(seen, [`message.deleted:${m.sid}`]);
    await rejectsWith(sb.client.messages(m.sid).fetch(), 404, 20404);
    const res = await sb.request(
      'GET',
      `/2010-04-01/Accounts/${sb.accountSid}/Messages/${m.sid}/Media/${media.sid}.json`,
    );
    assert.equal(res.status, 404);
    const count = sb.sandbox.ctx.db.prepare('SELECT COUNT(*) AS n FROM media WHERE sid = ?').get(media.sid) as {
      n: number;
    };
    assert.equal(count.n, 0);
  });

  it('refuses to delete a message in flight with 20009', async () => {
    const m = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'x' });
    await rejectsWith(
      sb.client.messages(m.sid).remove(),
      400,
      20009,
      'Cannot delete this resource before it is complete',
    );
    assert.equal((await sb.client.messages(m.sid).fetch()).status, 'queued');
  });

  it('refuses to redact a message in flight with 20009, and redacts it once it has left', async () => {
    const queued = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'still queued' });
    const waiting = ['accepted', 'scheduled', 'sending', 'receiving'].map((status) =>
      storeMessage(sb, {
        status: status as MessageRow['status'],
        body: `still ${status}`,
        date_sent: null,
        next_at: Date.now() + 3_600_000,
        next_status: status === 'receiving' ? 'received' : 'sent',
      }),
    );
    for (const m of [queued, ...waiting]) {
      await rejectsWith(sb.client.messages(m.sid).update({ body: '' }), 400, 20009);
      assert.match((await sb.client.messages(m.sid).fetch()).body, /^still /, 'the body is kept');
    }
    for (const status of ['sent', 'undelivered', 'failed', 'received', 'canceled'] as const) {
      const m = storeMessage(sb, { status, body: 'gone soon' });
      assert.equal((await sb.client.messages(m.sid).update({ body: '' })).body, '', status);
    }
  });

  it('deletes a message that is sent but not yet delivered, and the lifecycle leaves it deleted', async () => {
    const m = storeMessage(sb, { status: 'sent', next_at: Date.now() + 50, next_status: 'delivered' });
    assert.equal(await sb.client.messages(m.sid).remove(), true);
    await new Promise((r) => setTimeout(r, 300));
    await rejectsWith(sb.client.messages(m.sid).fetch(), 404, 20404);
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, m.sid), undefined);
  });

  it('keeps each account of one sandbox to its own messages', async () => {
    // a second account in the same database, with a number of its own
    const { db, clock } = sb.sandbox.ctx;
    const otherSid = `AC${'0123456789abcdef'.repeat(2)}`;
    const { account: other } = bootstrapAccount(db, {
      accountSid: otherSid,
      authToken: 'othertoken1',
      now: clock.now(),
    });
    const otherNumber = ensureStartNumber(db, other.sid, '+14155550160', clock.now());
    const theirClient = sdkClient(sb.url, other.sid, other.auth_token);

    const theirs = await theirClient.messages.create({ to, from: otherNumber, body: 'theirs, in flight' });
    const theirsDone = storeMessage(sb, { account_sid: other.sid, from_addr: otherNumber, body: 'theirs, done' });
    const mine = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'mine' });
    // the other account sees its own messages: the refusals below are about ownership
    assert.equal((await theirClient.messages(theirs.sid).fetch()).body, 'theirs, in flight');

    for (const sid of [theirs.sid, theirsDone.sid]) {
      await rejectsWith(sb.client.messages(sid).fetch(), 404, 20404);
      await rejectsWith(sb.client.messages(sid).update({ body: '' }), 404, 20404);
      await rejectsWith(sb.client.messages(sid).remove(), 404, 20404);
      await rejectsWith(sb.client.messages(sid).media.list(), 404, 20404);
    }
    const listed = (await sb.client.messages.list({ to })).map((m) => m.sid);
    assert.ok(listed.includes(mine.sid));
    assert.ok(!listed.includes(theirs.sid) && !listed.includes(theirsDone.sid), 'no other account in my list');
    const theirList = (await theirClient.messages.list()).map((m) => m.sid);
    assert.deepEqual(theirList.sort(), [theirs.sid, theirsDone.sid].sort());

    // my credentials on their account's path are refused too
    const path = `/2010-04-01/Accounts/${other.sid}/Messages/${theirsDone.sid}.json`;
    for (const method of ['GET', 'DELETE']) {
      const res = await sb.request(method, path);
      assert.equal(res.status, 404, method);
      assert.equal((await json(res)).code, 20404, method);
    }
    const listPath = await sb.request('GET', `/2010-04-01/Accounts/${other.sid}/Messages.json`);
    assert.equal(listPath.status, 404);
    // and nothing of theirs changed
    assert.equal((await theirClient.messages(theirsDone.sid).fetch()).body, 'theirs, done');
    assert.equal(getMessageBySid(db, theirs.sid)?.body, 'theirs, in flight');
  });
});

describe('sandbox Messages: the stored row', () => {
  it('binds every column of the INSERT to its own field', () => {
    // each field holds its own column's name, so any two swapped arguments show
    const row = Object.fromEntries([['seq', 0], ...INSERT_COLUMNS.map((c) => [c, c])]) as unknown as MessageRow;
    assert.deepEqual(insertArgs(row), [...INSERT_COLUMNS]);
  });
});
