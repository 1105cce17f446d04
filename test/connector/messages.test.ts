import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { numberByPhone } from '../../src/sandbox/store/numbers.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

describe('connector message actions', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector();
  });
  after(() => h.close());

  it('SendMessage sends through Twilio: the SDK reads back the same message', async () => {
    const res = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', body: 'Hello from a workflow' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const sent = await json(res);
    assert.match(sent.sid, /^SM[0-9a-f]{32}$/);
    const viaSdk = await h.sb.client.messages(sent.sid).fetch();
    assert.equal(viaSdk.body, 'Hello from a workflow');
    assert.equal(viaSdk.to, '+14155550123');
    assert.equal(viaSdk.from, h.sb.phoneNumber);
    assert.equal(sent.num_segments, '1', 'counts stay strings as in the seeds’ Message model');
  });

  it('accepts numbers as Twilio does: without the +, with spaces, dashes and parentheses', async () => {
    // "If you forget the +, Twilio uses the country prefix of the From number": Twilio (here the
    // sandbox) normalises, the connector passes the number on as written
    for (const to of ['6175551212', '(617) 555-1212', '617-555-1212', '1 617.555.1212', '+1 617 555 1212']) {
      const res = await h.call('POST', '/Messages.json', { json: { from: h.sb.phoneNumber, to, body: 'national' } });
      assert.equal(res.status, 200, `${to}: ${await res.clone().text()}`);
      const sent = await json(res);
      assert.equal((await h.sb.client.messages(sent.sid).fetch()).to, '+16175551212', to);
    }
  });

  it('still refuses what can never be a number, before calling Twilio', async () => {
    const before = (await h.sb.client.messages.list()).length;
    for (const [to, message] of [
      ['call me', /Field to must be a phone number/],
      ['+1', /Field to must be a phone number/],
      ['+1 617 555 1212 1212 1212', /Field to must be a phone number/],
      ['6'.repeat(10) + ' '.repeat(40), /Field to must be at most 48 characters/],
      ['', /Field to must be a phone number/],
      ['fax:+16175551212', /Field to must be a phone number/],
    ] as const) {
      const res = await h.call('POST', '/Messages.json', { json: { from: h.sb.phoneNumber, to, body: 'x' } });
      assert.equal(res.status, 400, JSON.stringify(to));
      assert.match((await json(res)).error.message, message, JSON.stringify(to));
    }
    const badFrom = await h.call('POST', '/Messages.json', {
      json: { from: 'Twilio-Sender!', to: '+16175551212', body: 'x' },
    });
    assert.equal(badFrom.status, 400);
    assert.match((await json(badFrom)).error.message, /^Field from must be one of the account’s numbers/);
    assert.equal((await h.sb.client.messages.list()).length, before, 'nothing was sent');
  });

  it('takes the 2015 API App shape {From, To, Body} as an alias of {from, to, body}', async () => {
    const res = await h.call('POST', '/Messages.json', {
      json: { From: h.sb.phoneNumber, To: '6175551212', Body: 'the 2015 way', StatusCallback: 'https://example.com/s' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const sent = await h.sb.client.messages((await json(res)).sid).fetch();
    assert.equal(sent.body, 'the 2015 way');
    assert.equal(sent.to, '+16175551212');
    // Twilio's own form parameters are the same names
    const form = await h.call('POST', '/Messages.json', {
      body: new URLSearchParams({ From: h.sb.phoneNumber, To: '+16175551213', Body: 'as a form' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 200, await form.clone().text());
    const same = await h.call('POST', '/Messages.json', {
      json: { From: h.sb.phoneNumber, from: h.sb.phoneNumber, to: '+16175551214', body: 'both, agreeing' },
    });
    assert.equal(same.status, 200, await same.clone().text());
  });

  it('names misspelt and conflicting fields and suggests the right one, sending nothing', async () => {
    const before = (await h.sb.client.messages.list()).length;
    const ok = { from: h.sb.phoneNumber, to: '+14155550123' };
    for (const [body, message] of [
      [{ ...ok, Boddy: 'x' }, '`Boddy` is not a field of the body; did you mean `body`?'],
      [
        { ...ok, body: 'x', MEDIA_URL: ['https://e.com/a.png'] },
        '`MEDIA_URL` is not a field of the body; did you mean `media_url`?',
      ],
      [
        { ...ok, body: 'x', statusCallbak: 'https://e.com' },
        '`statusCallbak` is not a field of the body; did you mean `status_callback`?',
      ],
      [{ ...ok, body: 'x', colour: 'red' }, '`colour` is not a field of the body'],
      [
        { ...ok, Body: 'one', body: 'two' },
        'Fields `Body` and `body` are the same field with different values; give `body` once',
      ],
    ] as const) {
      const res = await h.call('POST', '/Messages.json', { json: body });
      assert.equal(res.status, 400, JSON.stringify(body));
      const { error } = await json(res);
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.equal(error.message, message);
    }
    assert.equal((await h.sb.client.messages.list()).length, before, 'nothing was sent');
  });

  it('says when JSON arrives without its Content-Type, instead of "Field to is required"', async () => {
    const payload = JSON.stringify({ from: h.sb.phoneNumber, to: '+14155550123', body: 'x' });
    // curl -d labels the body as form data
    const curlLike = await h.call('POST', '/Messages.json', {
      body: payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(curlLike.status, 400);
    const curlError = (await json(curlLike)).error;
    assert.equal(curlError.code, 'BODY_INVALID');
    assert.match(curlError.message, /Content-Type: application\/json/);
    // fetch() with a string body says text/plain
    const text = await h.call('POST', '/Messages.json', { body: payload, headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.match((await json(text)).error.message, /^Content-Type text\/plain is not accepted: .*application\/json/);
    // no Content-Type header at all
    const bare = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${h.url}/Messages.json`, {
        method: 'POST',
        headers: { authorization: h.auth, 'content-length': Buffer.byteLength(payload) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    assert.equal(bare.status, 415, bare.body);
    const bareError = (JSON.parse(bare.body) as { error: { code: string; message: string } }).error;
    assert.equal(bareError.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.match(bareError.message, /no Content-Type header: send JSON with Content-Type: application\/json/);
  });

  it('ignores Content-Type and an empty body on body-less calls (GET, HEAD, DELETE)', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'text/plain' }]) {
      const list = await h.call('GET', '/Messages.json?PageSize=1', { headers });
      assert.equal(list.status, 200, await list.clone().text());
      await list.arrayBuffer();
      const head = await h.call('HEAD', '/Messages.json?PageSize=1', { headers });
      assert.equal(head.status, 200);
      // a DELETE where none exists is refused for its method, never for its (absent) body
      const del = await h.call('DELETE', '/Messages.json', { headers });
      assert.equal(del.status, 405);
      assert.equal((await json(del)).error.code, 'METHOD_NOT_ALLOWED');
    }
  });

  it('accepts media URLs and form-encoded bodies too', async () => {
    const res = await h.call('POST', '/Messages.json', {
      body: new URLSearchParams([
        ['from', h.sb.phoneNumber],
        ['to', '+14155550124'],
        ['media_url', 'https://example.com/a.png'],
        ['media_url', 'https://example.com/b.png'],
      ]).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const sent = await json(res);
    assert.equal(sent.num_media, '2');
    assert.match(sent.sid, /^MM/);
  });

  it('GetMessage returns the message, in XML for the .xml variant and for Accept: application/xml', async () => {
    const created = await h.sb.client.messages.create({ from: h.sb.phoneNumber, to: '+14155550125', body: 'x & y' });
    const res = await h.call('GET', `/Messages/${created.sid}.json`);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).body, 'x & y');
    for (const [path, headers] of [
      [`/Messages/${created.sid}.xml`, {}],
      [`/Messages/${created.sid}.json`, { accept: 'application/xml' }],
    ] as const) {
      const xml = await h.call('GET', path, { headers });
      assert.equal(xml.status, 200);
      assert.match(xml.headers.get('content-type') ?? '', /application\/xml/);
      const text = await xml.text();
      assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Message>/);
      assert.match(text, new RegExp(`<sid>${created.sid}</sid>`));
      assert.match(text, /<body>x &amp; y<\/body>/);
    }
  });

  it('ListMessages filters by To and pages with next_page_uri pointing back at the connector', async () => {
    const to = '+14155550199';
    for (let i = 0; i < 3; i++) await h.sb.client.messages.create({ from: h.sb.phoneNumber, to, body: `n${i}` });
    const first = await json(await h.call('GET', `/Messages.json?To=${encodeURIComponent(to)}&PageSize=2`));
    assert.equal(first.messages.length, 2);
    assert.ok(first.messages.every((m: any) => m.to === to));
    assert.ok(first.next_page_uri.startsWith(`${h.url}/Messages.json?`), first.next_page_uri);
    const second = await json(await fetch(first.next_page_uri, { headers: { authorization: h.auth } }));
    assert.equal(second.messages.length, 1);
    assert.equal(second.next_page_uri, null);
    const sids = new Set<string>([...first.messages, ...second.messages].map((m: { sid: string }) => m.sid));
    assert.equal(sids.size, 3);
  });

  it('builds paging links from --public-url when set, keeping the .xml variant', async () => {
    const behindProxy = await startConnector({ publicUrl: 'https://flows.example.com/twilio' }, {}, h.sb);
    try {
      await h.sb.client.messages.create({ from: h.sb.phoneNumber, to: '+14155550197', body: 'a' });
      await h.sb.client.messages.create({ from: h.sb.phoneNumber, to: '+14155550197', body: 'b' });
      const page = await json(await behindProxy.call('GET', '/Messages.json?To=%2B14155550197&PageSize=1'));
      assert.match(
        page.next_page_uri,
        /^https:\/\/flows\.example\.com\/twilio\/Messages\.json\?To=%2B14155550197&PageSize=1&Page=1&PageToken=/,
      );
      const xml = await (await behindProxy.call('GET', '/Messages.xml?To=%2B14155550197&PageSize=1')).text();
      assert.match(xml, /<next_page_uri>https:\/\/flows\.example\.com\/twilio\/Messages\.xml\?/);
    } finally {
      await behindProxy.close();
    }
  });

  it('maps DateSent<= and DateSent>= to Twilio’s inclusive filters', async () => {
    const to = '+14155550198';
    await h.sb.client.messages.create({ from: h.sb.phoneNumber, to, body: 'dated' });
    const today = new Date().toISOString().slice(0, 10);
    const q = (s: string): Promise<any> => h.call('GET', `/Messages.json?To=${encodeURIComponent(to)}&${s}`).then(json);
    assert.equal((await q(`DateSent<=${today}`)).messages.length, 1);
    assert.equal((await q(`DateSent>=${today}`)).messages.length, 1);
    assert.equal((await q('DateSent%3C%3D=2001-01-01')).messages.length, 0);
    assert.equal((await q('DateSent>=2999-01-01')).messages.length, 0);
  });

  it('rejects bad input with a 400 naming the field, before anything reaches Twilio', async () => {
    const before = (await h.sb.client.messages.list()).length;
    const cases: [unknown, RegExp][] = [
      [{ from: h.sb.phoneNumber, body: 'no to' }, /\bto\b/],
      [{ from: h.sb.phoneNumber, to: 'not-a-number', body: 'x' }, /\bto\b/],
      [{ to: '+14155550123', body: 'x' }, /\bfrom\b/],
      [{ from: h.sb.phoneNumber, to: '+14155550123', body: 'x'.repeat(1601) }, /\bbody\b.*1600/],
      [{ from: h.sb.phoneNumber, to: '+14155550123', media_url: Array(11).fill('https://e.com/a.png') }, /media_url/],
      [{ from: h.sb.phoneNumber, to: '+14155550123', media_url: ['ftp://e.com/a.png'] }, /media_url/],
      [{ from: h.sb.phoneNumber, to: '+14155550123', body: 'x', status_callback: 'not a url' }, /status_callback/],
      [
        { from: h.sb.phoneNumber, to: '+14155550123', body: 'x', messaging_service_sid: 'MG123' },
        /messaging_service_sid/,
      ],
      [{ from: h.sb.phoneNumber, to: '+14155550123' }, /\bbody\b/],
      [[1, 2], /object/],
    ];
    for (const [body, field] of cases) {
      const res = await h.call('POST', '/Messages.json', { json: body });
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      const { error } = await json(res);
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.match(error.message, field);
      assert.match(error.request_id, /\S/);
    }
    const broken = await h.call('POST', '/Messages.json', {
      body: '{"to":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(broken.status, 400);
    assert.equal((await json(broken)).error.code, 'BODY_INVALID');
    assert.equal((await h.sb.client.messages.list()).length, before, 'nothing was sent');
  });

  it('refuses a tracked send whose status_callback is too long to forward, before it reaches Twilio', async () => {
    const before = (await h.sb.client.messages.list()).length;
    const long = `http://127.0.0.1:9/${'a'.repeat(3300)}`;
    const res = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', body: 'x', status_callback: long, track_status: true },
    });
    assert.equal(res.status, 400);
    const { error } = await json(res);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.match(error.message, /status_callback is too long to forward.*track_status false/);
    assert.equal((await h.sb.client.messages.list()).length, before, 'nothing was sent');
    const fits = await h.call('POST', '/Messages.json', {
      json: {
        from: h.sb.phoneNumber,
        to: '+14155550123',
        body: 'x',
        status_callback: long.slice(0, 2900),
        track_status: true,
      },
    });
    assert.equal(fits.status, 200);
  });

  it('words schema failures as the field and the rule it breaks', async () => {
    const cases: [unknown, string][] = [
      [{ from: h.sb.phoneNumber, body: 'no to' }, 'Field to is required'],
      [
        { from: h.sb.phoneNumber, to: '555-CALL-NOW', body: 'x' },
        'Field to must be a phone number such as +14155552671 or (415) 555-2671 (digits, no letters), whatsapp:+14155552671 or messenger:…',
      ],
      [{ to: '+14155550123', body: 'x' }, 'Field from is required'],
      [
        { from: h.sb.phoneNumber, to: '+14155550123', body: 'x'.repeat(1601) },
        'Field body must be at most 1600 characters long',
      ],
      [
        { from: h.sb.phoneNumber, to: '+14155550123', media_url: ['ftp://e.com/a.png'] },
        'Field media_url[0] must be an absolute http:// or https:// URL',
      ],
      [[1, 2], 'The body must be of type object'],
      [
        { from: h.sb.phoneNumber, to: '+14155550123', body: 'x', medai_url: [] },
        '`medai_url` is not a field of the body; did you mean `media_url`?',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await h.call('POST', '/Messages.json', { json: body });
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal((await json(res)).error.message, message);
    }
    const sid = await h.call('GET', '/Messages/nope.json');
    assert.equal(
      (await json(sid)).error.message,
      'Path parameter MessageId must be a message SID: SM or MM followed by 32 hex digits',
    );
    const page = await h.call('GET', '/Messages.json?PageSize=1001');
    assert.match((await json(page)).error.message, /^Query parameter PageSize must be <= 1000$/);
  });

  it('accepts a Messaging Service instead of from', async () => {
    const service = await h.sb.client.messaging.v1.services.create({ friendlyName: 'pool' });
    await h.sb.client.messaging.v1.services(service.sid).phoneNumbers.create({
      phoneNumberSid: numberByPhone(h.sb.sandbox.ctx.db, h.sb.phoneNumber)!.sid,
    });
    const res = await h.call('POST', '/Messages.json', {
      json: { to: '+14155550126', body: 'via service', messaging_service_sid: service.sid },
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await json(res)).messaging_service_sid, service.sid);
  });

  it('rejects malformed SIDs in paths and bad paging values with 400', async () => {
    for (const path of [
      '/Messages/nope.json',
      '/Messages.json?PageSize=1001',
      '/Messages.json?PageSize=0',
      '/Messages.json?DateSent=yesterday',
    ]) {
      const res = await h.call('GET', path);
      assert.equal(res.status, 400, path);
      assert.equal((await json(res)).error.code, 'VALIDATION_FAILED');
    }
  });
});
