import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import twilio from 'twilio';
import type { MessageRow } from '../../src/sandbox/store/messages.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { webhooksOf } from '../../src/sandbox/webhooks/outbox.js';
import { geoOf } from '../../src/sandbox/webhooks/params.js';
import { reach, settled } from '../helpers/outbound.js';
import { CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const SENDER = '+15559876543';

function configure(
  sb: TestSandbox,
  fields: { sms_url?: string; sms_method?: string; sms_fallback_url?: string },
): void {
  sb.sandbox.ctx.db
    .prepare(
      'UPDATE incoming_numbers SET sms_url = ?, sms_method = ?, sms_fallback_url = ?, sms_fallback_method = ? WHERE phone_number = ?',
    )
    .run(fields.sms_url ?? '', fields.sms_method ?? 'POST', fields.sms_fallback_url ?? '', 'POST', sb.phoneNumber);
}

async function inbound(sb: TestSandbox, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${sb.url}/_sandbox/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function replies(sb: TestSandbox): MessageRow[] {
  return sb.sandbox.ctx.db
    .prepare("SELECT * FROM messages WHERE direction = 'outbound-reply' ORDER BY seq")
    .all() as MessageRow[];
}

const twiml = (inner: string): { status: number; body: string; contentType: string } => ({
  status: 200,
  body: `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`,
  contentType: 'text/xml',
});

describe('inbound texts', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookTimeout: 200 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });
  beforeEach(async () => {
    await sb.request('POST', '/_sandbox/reset', { headers: CONTROL });
    hook.received.length = 0;
  });

  it('rejects bad input with a clear 4xx, never a 5xx', async () => {
    const cases: [Record<string, unknown> | string, number, number][] = [
      [{ From: SENDER, To: '+15550000000', Body: 'hi' }, 404, 20404],
      [{ From: 'me', To: '+14155550100', Body: 'hi' }, 400, 21212],
      [{ To: '+14155550100', Body: 'hi' }, 400, 21603],
      [{ From: SENDER, Body: 'hi' }, 400, 21604],
      [{ From: SENDER, To: '+14155550100' }, 400, 21602],
      [{ From: SENDER, To: '+14155550100', Body: 'x'.repeat(1601) }, 400, 21617],
      [{ From: SENDER, To: '+14155550100', Body: 'hi', MediaUrl: ['ftp://x/y.png'] }, 400, 21620],
      [{ From: SENDER, To: '+14155550100', Body: 42 }, 400, 20001],
    ];
    for (const [body, status, code] of cases) {
      const res = await inbound(sb, body as Record<string, unknown>);
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      const err = await json(res);
      assert.equal(err.code, code);
      assert.equal(typeof err.message, 'string');
    }
    for (const raw of ['[1,2]', '{"From": ', 'null']) {
      const res = await fetch(`${sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: raw,
      });
      assert.equal(res.status, 400, raw);
    }
  });

  it("says a leading space in a number was an unencoded '+' in form data", async () => {
    // what `curl -H 'X-Sandbox-Request: 1' -d From=+15551234567` sends: the '+' arrives as a space
    const send = (form: string): Promise<Response> =>
      fetch(`${sb.url}/_sandbox/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...CONTROL },
        body: form,
      });
    const from = await send('From=+15551234567&To=%2B14155550100&Body=Hello');
    assert.equal(from.status, 400);
    const fromErr = await json(from);
    assert.equal(fromErr.code, 21212);
    assert.equal(
      fromErr.message,
      "From ' 15551234567' starts with a space: a '+' in form data is a space; encode it as %2B or send JSON",
    );
    const to = await send('From=%2B15551234567&To=+14155550100&Body=Hello');
    assert.equal(to.status, 400);
    assert.match((await json(to)).message, /^To ' 14155550100' starts with a space: .* encode it as %2B or send JSON$/);
    const encoded = await send('From=%2B15551234567&To=%2B14155550100&Body=Hello');
    assert.equal(encoded.status, 201);
    assert.equal((await json(encoded)).from, '+15551234567');
  });

  it('stores a text to a number without SmsUrl and returns its Message JSON (form input)', async () => {
    const res = await sb.request('POST', '/_sandbox/inbound', {
      auth: null,
      headers: CONTROL,
      form: { From: SENDER, To: sb.phoneNumber, Body: 'x'.repeat(161), MediaUrl: ['https://example.com/cat.jpg'] },
    });
    assert.equal(res.status, 201);
    const m = await json(res);
    assert.match(m.sid, /^MM[0-9a-f]{32}$/);
    assert.equal(m.direction, 'inbound');
    assert.equal(m.status, 'received');
    assert.equal(m.from, SENDER);
    assert.equal(m.to, sb.phoneNumber);
    assert.equal(m.num_media, '1');
    assert.equal(m.account_sid, sb.accountSid);
    assert.equal(webhooksOf(sb.sandbox.ctx.db, m.sid).length, 0);
    const text = await sb.request('POST', '/_sandbox/inbound', {
      auth: null,
      headers: CONTROL,
      form: { From: SENDER, To: sb.phoneNumber, Body: 'x'.repeat(161) },
    });
    assert.equal((await json(text)).num_segments, '2');
  });

  it('reads <Message> to and from as the REST API does: E.164 from national formats, owned senders only', async () => {
    const { db, clock } = sb.sandbox.ctx;
    const second = insertNumber(db, { accountSid: sb.accountSid, phoneNumber: '+14155550177', now: clock.now() });
    insertNumber(db, { accountSid: `AC${'9'.repeat(32)}`, phoneNumber: '+14155550199', now: clock.now() });
    configure(sb, { sms_url: `${hook.url}/sms` });
    hook.answer(() =>
      twiml(
        `<Message from="${second.phone_number}">from the second number</Message>` +
          `<Message from="(415) 555-0177" to="(555) 000-1111">national formats</Message>` +
          `<Message from="+14155550199">from another account's number</Message>` +
          `<Message from="+14155550123">from nobody's number</Message>` +
          `<Message to="12">to nowhere</Message>`,
      ),
    );
    const res = await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'hi' });
    assert.equal(res.status, 201);
    const [log] = await settled(sb, (await json(res)).sid, 1);
    assert.deepEqual(
      replies(sb).map((r) => [r.body, r.from_addr, r.to_addr]),
      [
        ['from the second number', '+14155550177', SENDER],
        ['national formats', '+14155550177', '+15550001111'],
      ],
    );
    // the refused ones are in the webhook's log; the last refusal is shown
    assert.match(log!.error ?? '', /^21211 /);
  });

  it('refuses a reply from a number the account does not own with 21606', async () => {
    insertNumber(sb.sandbox.ctx.db, {
      accountSid: `AC${'9'.repeat(32)}`,
      phoneNumber: '+14155550198',
      now: sb.sandbox.ctx.clock.now(),
    });
    configure(sb, { sms_url: `${hook.url}/sms` });
    hook.answer(() => twiml(`<Message from="+14155550198">not mine</Message>`));
    const res = await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'hi' });
    const [log] = await settled(sb, (await json(res)).sid, 1);
    assert.equal(replies(sb).length, 0);
    assert.match(log!.error ?? '', /^21606 .*\+14155550198/);
  });

  it('posts the signed webhook and turns each <Message> of the TwiML reply into an outbound-reply', async () => {
    const url = `${hook.url}/sms?site=1`;
    configure(sb, { sms_url: url });
    hook.answer((r) =>
      r.path.startsWith('/sms')
        ? twiml(
            `<Message>Thanks &amp; welcome!</Message>` +
              `<Message to="+15550001111" action="/reply-status"><Body>Pictures</Body><Media>https://example.com/a.png</Media><Media>https://example.com/b.gif</Media></Message>`,
          )
        : { status: 200, body: '' },
    );
    const res = await inbound(sb, {
      From: SENDER,
      To: sb.phoneNumber,
      Body: 'Hello 👋',
      MediaUrl: ['https://example.com/photo.jpg'],
    });
    assert.equal(res.status, 201);
    const m = await json(res);
    const [req] = await hook.waitFor(1, (r) => r.path.startsWith('/sms'));
    assert.equal(req!.method, 'POST');
    assert.equal(req!.url, url);
    assert.equal(
      twilio.validateRequest(sb.authToken, String(req!.headers['x-twilio-signature']), url, req!.params),
      true,
    );
    assert.equal(req!.headers['user-agent'], 'TwilioProxy/1.1');
    assert.ok(req!.headers['i-twilio-idempotency-token']);
    const p = req!.params;
    assert.equal(p['MessageSid'], m.sid);
    assert.equal(p['SmsMessageSid'], m.sid);
    assert.equal(p['SmsSid'], m.sid);
    assert.equal(p['AccountSid'], sb.accountSid);
    assert.equal(p['From'], SENDER);
    assert.equal(p['To'], sb.phoneNumber);
    assert.equal(p['Body'], 'Hello 👋');
    assert.equal(p['NumMedia'], '1');
    assert.equal(p['NumSegments'], '1');
    assert.equal(p['SmsStatus'], 'received');
    assert.equal(p['ApiVersion'], '2010-04-01');
    assert.equal(p['MediaUrl0'], 'https://example.com/photo.jpg');
    assert.equal(p['MediaContentType0'], 'image/jpeg');
    assert.equal(p['FromCountry'], 'US');
    assert.equal(p['ToCountry'], 'US');
    // the sandbox's number is in San Francisco's area code; 555 is no real one, so its fields stay empty
    assert.deepEqual(
      [p['ToCity'], p['ToState'], p['ToZip'], p['FromCity'], p['FromState'], p['FromZip']],
      ['SAN FRANCISCO', 'CA', '94105', '', '', ''],
    );

    const [log] = await settled(sb, m.sid, 1);
    assert.equal(log!.state, 'delivered');
    assert.equal(log!.response_status, 200);
    assert.match(log!.response_body ?? '', /<Message>Thanks/);
    const out = replies(sb);
    assert.equal(out.length, 2);
    assert.equal(out[0]!.body, 'Thanks & welcome!');
    assert.equal(out[0]!.to_addr, SENDER);
    assert.equal(out[0]!.from_addr, sb.phoneNumber);
    assert.equal(out[1]!.to_addr, '+15550001111');
    assert.equal(out[1]!.num_media, 2);
    assert.match(out[1]!.sid, /^MM/);
    for (const r of out) await reach(sb, r.sid, 'delivered');
    const statuses = await hook.waitFor(3, (r) => r.path === '/reply-status');
    assert.deepEqual(
      statuses.map((s) => s.params['MessageStatus']),
      ['sending', 'sent', 'delivered'],
    );
    assert.equal(statuses[0]!.params['MessageSid'], out[1]!.sid);
  });

  it('follows <Redirect> to fetch more TwiML, with the same parameters', async () => {
    configure(sb, { sms_url: `${hook.url}/first` });
    hook.answer((r) =>
      r.path === '/first'
        ? twiml('<Message>one</Message><Redirect method="GET">/second?step=2</Redirect><Message>ignored</Message>')
        : r.path.startsWith('/second')
          ? twiml('<Message>two</Message>')
          : { status: 404 },
    );
    const m = await json(await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'go' }));
    const rows = await settled(sb, m.sid, 2);
    assert.deepEqual(
      rows.map((r) => [r.kind, r.method, r.state]),
      [
        ['inbound', 'POST', 'delivered'],
        ['redirect', 'GET', 'delivered'],
      ],
    );
    const [second] = await hook.waitFor(1, (r) => r.path.startsWith('/second'));
    assert.equal(second!.params['Body'], 'go');
    assert.equal(second!.params['step'], '2');
    assert.equal(
      twilio.validateRequest(sb.authToken, String(second!.headers['x-twilio-signature']), second!.url, {}),
      true,
    );
    assert.deepEqual(
      replies(sb).map((r) => r.body),
      ['one', 'two'],
    );
  });

  it('sends GET webhooks with the parameters in the query string', async () => {
    configure(sb, { sms_url: `${hook.url}/get-hook`, sms_method: 'GET' });
    const m = await json(await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'by GET & more' }));
    const [req] = await hook.waitFor(1, (r) => r.path.startsWith('/get-hook'));
    assert.equal(req!.method, 'GET');
    assert.equal(req!.body, '');
    assert.equal(req!.params['Body'], 'by GET & more');
    assert.equal(req!.params['MessageSid'], m.sid);
    assert.equal(twilio.validateRequest(sb.authToken, String(req!.headers['x-twilio-signature']), req!.url, {}), true);
    await settled(sb, m.sid, 1);
    assert.equal(replies(sb).length, 0, 'an empty <Response/> sends no reply');
  });

  for (const [name, answer, code] of [
    ['a 500', { status: 500, body: 'boom' }, '11200'],
    ['a timeout', { hang: true }, '11205'],
  ] as const) {
    it(`falls back to SmsFallbackUrl on ${name}`, async () => {
      configure(sb, { sms_url: `${hook.url}/primary`, sms_fallback_url: `${hook.url}/fallback` });
      hook.answer((r) => (r.path === '/primary' ? answer : twiml('<Message>from the fallback</Message>')));
      const m = await json(await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'need help' }));
      const rows = await settled(sb, m.sid, 2);
      assert.equal(rows[0]!.kind, 'inbound');
      assert.equal(rows[0]!.state, 'failed');
      assert.match(rows[0]!.error ?? '', new RegExp(`^${code} `));
      assert.equal(rows[1]!.kind, 'fallback');
      assert.equal(rows[1]!.state, 'delivered');
      const [fb] = await hook.waitFor(1, (r) => r.path === '/fallback');
      assert.equal(fb!.params['ErrorCode'], code);
      assert.equal(fb!.params['ErrorUrl'], `${hook.url}/primary`);
      assert.equal(fb!.params['Body'], 'need help');
      assert.equal(
        twilio.validateRequest(sb.authToken, String(fb!.headers['x-twilio-signature']), fb!.url, fb!.params),
        true,
      );
      assert.deepEqual(
        replies(sb).map((r) => r.body),
        ['from the fallback'],
      );
    });
  }

  it('logs invalid TwiML with 12100 and a wrong root with 12102, sending no reply', async () => {
    configure(sb, { sms_url: `${hook.url}/bad` });
    for (const [body, code] of [
      ['<Response><Message>unclosed</Response>', '12100'],
      ['<Reply><Message>hi</Message></Reply>', '12102'],
    ] as const) {
      hook.answer(() => ({ status: 200, body, contentType: 'text/xml' }));
      const m = await json(await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'x' }));
      const [row] = await settled(sb, m.sid, 1);
      assert.equal(row!.state, 'failed');
      assert.match(row!.error ?? '', new RegExp(`^${code} `));
      assert.equal(row!.response_body, body);
    }
    assert.equal(replies(sb).length, 0);
  });

  it("uses the Messaging Service's inbound URL for a number in a service", async () => {
    configure(sb, { sms_url: `${hook.url}/number-url` });
    const service = await sb.client.messaging.v1.services.create({
      friendlyName: 'Support',
      inboundRequestUrl: `${hook.url}/service-url`,
    });
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: number!.sid });
    hook.answer(() => twiml(''));
    const m = await json(await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'to the service' }));
    assert.equal(m.messaging_service_sid, service.sid);
    const [req] = await hook.waitFor(1);
    assert.equal(req!.path, '/service-url');
    assert.equal(req!.params['MessagingServiceSid'], service.sid);
    assert.equal(
      twilio.validateRequest(sb.authToken, String(req!.headers['x-twilio-signature']), req!.url, req!.params),
      true,
    );
  });

  it('sends the status callbacks of a reply with the method of its <Message>', async () => {
    configure(sb, { sms_url: `${hook.url}/ask` });
    hook.answer((r) =>
      r.path === '/ask' ? twiml('<Message action="/reply-get" method="GET">ok</Message>') : { status: 204 },
    );
    await inbound(sb, { From: SENDER, To: sb.phoneNumber, Body: 'q' });
    const calls = await hook.waitFor(3, (r) => r.path.startsWith('/reply-get'));
    assert.deepEqual(
      calls.map((c) => [c.method, c.params['MessageStatus']]),
      [
        ['GET', 'sending'],
        ['GET', 'sent'],
        ['GET', 'delivered'],
      ],
    );
    for (const c of calls) {
      assert.equal(twilio.validateRequest(sb.authToken, String(c.headers['x-twilio-signature']), c.url, {}), true);
    }
  });
});

describe('sandbox inbound: geo fields', () => {
  it('names a North American number’s region, locality and postal code by its area code', () => {
    assert.deepEqual(geoOf('+12125550100'), { country: 'US', state: 'NY', city: 'NEW YORK', zip: '10007' });
    assert.deepEqual(geoOf('+14165550100'), { country: 'CA', state: 'ON', city: 'TORONTO', zip: 'M5H' });
    assert.deepEqual(geoOf('+15559876543'), { country: 'US', state: '', city: '', zip: '' });
    assert.deepEqual(geoOf('+447700900123'), { country: 'GB', state: '', city: '', zip: '' });
    assert.deepEqual(geoOf('whatsapp:+12125550100'), { country: '', state: '', city: '', zip: '' });
  });
});
