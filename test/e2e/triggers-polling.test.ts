// The polling trigger over real sockets: connector → typed client → sandbox, driven the way Logic
// Apps drives it (follow Location until 200, then keep following).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TwilioClient } from '../../src/twilio/index.js';
import { basic, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startTriggerConnector, type TriggerConnector } from '../helpers/trigger-connector.js';

describe('polling trigger: messages received', () => {
  let sb: TestSandbox;
  let connector: TriggerConnector;
  let url: string;
  const upstreamCalls: string[] = [];
  let texter = 0;

  before(async () => {
    sb = await startSandbox();
    connector = await startTriggerConnector(sb, {
      triggers: {
        secretKey: undefined,
        pollIntervalSeconds: 17,
        clientFor: (c) => {
          const client = new TwilioClient(c, { baseUrl: sb.url });
          return {
            incomingPhoneNumbers: client.incomingPhoneNumbers,
            messages: {
              ...client.messages,
              list: (p) => {
                upstreamCalls.push(`list PageSize=${p?.PageSize ?? ''}`);
                return client.messages.list(p);
              },
            },
            nextPage: (page) => {
              upstreamCalls.push('next');
              return client.nextPage(page);
            },
          };
        },
      },
    });
    url = connector.url;
  });
  after(async () => {
    await connector.close();
    await sb.close();
  });

  const auth = (): Record<string, string> => ({ authorization: basic(sb.accountSid, sb.authToken) });
  const poll = (location: string): Promise<Response> => fetch(location, { headers: auth() });

  async function text(body: string, to = sb.phoneNumber): Promise<string> {
    texter++;
    const res = await sb.request('POST', '/_sandbox/inbound', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: `+1415555${String(1000 + (texter % 9000)).padStart(4, '0')}`, To: to, Body: body }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await json(res)) as { sid: string }).sid;
  }

  it('starts from now: the first poll answers 202 with Location and Retry-After, without the backlog', async () => {
    await text('backlog 1');
    await text('backlog 2');
    const res = await poll(`${url}/triggers/messages/received?To=${encodeURIComponent(sb.phoneNumber)}`);
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('retry-after'), '17');
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(`${url}/triggers/messages/received?`), location);
    assert.equal(new URL(location).searchParams.get('To'), sb.phoneNumber);
    const again = await poll(location);
    assert.equal(again.status, 202, 'the backlog never shows up');
  });

  it('returns exactly the new messages, oldest first, across many polls (equal timestamps included)', async () => {
    let location =
      (await poll(`${url}/triggers/messages/received?To=${encodeURIComponent(sb.phoneNumber)}`)).headers.get(
        'location',
      ) ?? '';
    const rounds = [0, 1, 3, 0, 2, 5, 0, 1];
    let counter = 0;
    for (const [round, count] of rounds.entries()) {
      const sent: string[] = [];
      for (let i = 0; i < count; i++) {
        const body = `round ${round} #${counter++}`;
        await text(body);
        sent.push(body);
      }
      upstreamCalls.length = 0;
      const res = await poll(location);
      if (count === 0) {
        assert.equal(res.status, 202, `round ${round}`);
        assert.deepEqual(
          upstreamCalls,
          ['list PageSize=20', 'list PageSize=20'],
          'a quiet poll is one small upstream request per channel',
        );
      } else {
        assert.equal(res.status, 200, `round ${round}`);
        const got = (await json(res)).value as { body: string; direction: string; to: string; sid: string }[];
        assert.deepEqual(
          got.map((m) => m.body),
          sent,
          `round ${round}`,
        );
        for (const m of got) {
          assert.equal(m.direction, 'inbound');
          assert.equal(m.to, sb.phoneNumber);
          assert.match(m.sid, /^SM[0-9a-f]{32}$/);
        }
      }
      location = res.headers.get('location') ?? '';
      assert.ok(location !== '', 'every answer carries the next Location');
    }
  });

  it('walks several pages when many messages arrived, and never repeats them', async () => {
    let location =
      (await poll(`${url}/triggers/messages/received?To=${encodeURIComponent(sb.phoneNumber)}`)).headers.get(
        'location',
      ) ?? '';
    const sent: string[] = [];
    for (let i = 0; i < 47; i++) {
      sent.push(`bulk ${i}`);
      await text(`bulk ${i}`);
    }
    const res = await poll(location);
    assert.equal(res.status, 200);
    assert.deepEqual(
      ((await json(res)).value as { body: string }[]).map((m) => m.body),
      sent,
    );
    location = res.headers.get('location') ?? '';
    assert.equal((await poll(location)).status, 202);
    await text('after bulk');
    const last = await poll(location);
    assert.deepEqual(
      ((await json(last)).value as { body: string }[]).map((m) => m.body),
      ['after bulk'],
    );
  });

  it('filters by From, and only by the numbers given', async () => {
    const first = await poll(`${url}/triggers/messages/received?From=%2B14155550001`);
    assert.equal(first.status, 202);
    const location = first.headers.get('location') ?? '';
    await text('not from that texter');
    const res = await sb.request('POST', '/_sandbox/inbound', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: '+14155550001', To: sb.phoneNumber, Body: 'from the texter' }),
    });
    assert.equal(res.status, 201);
    const got = await poll(location);
    assert.equal(got.status, 200);
    assert.deepEqual(
      ((await json(got)).value as { body: string }[]).map((m) => m.body),
      ['from the texter'],
    );
  });

  it('returns WhatsApp arrivals at the number too, SMS ones exactly as GetMessage gives them', async () => {
    const first = await poll(`${url}/triggers/messages/received?To=${encodeURIComponent(sb.phoneNumber)}`);
    assert.equal(first.status, 202);
    const sms1 = await text('sms before');
    const wa = await sb.request('POST', '/_sandbox/inbound', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        From: 'whatsapp:+15557654321',
        To: `whatsapp:${sb.phoneNumber}`,
        Body: 'over WhatsApp',
        ProfileName: 'Ada',
      }),
    });
    assert.equal(wa.status, 201, await wa.clone().text());
    const waSid = ((await json(wa)) as { sid: string }).sid;
    const sms2 = await text('sms after');
    const res = await poll(first.headers.get('location') ?? '');
    assert.equal(res.status, 200);
    const got = (await json(res)).value as Record<string, unknown>[];
    assert.deepEqual(got.map((m) => m['sid']).sort(), [sms1, waSid, sms2].sort());
    // each channel keeps its order; SMS items are the Message model, untouched
    assert.deepEqual(
      got.filter((m) => m['sid'] !== waSid).map((m) => m['sid']),
      [sms1, sms2],
    );
    const rest = new TwilioClient(
      { accountSid: sb.accountSid, username: sb.accountSid, password: sb.authToken },
      { baseUrl: sb.url },
    );
    for (const sid of [sms1, sms2]) {
      const upstream = await rest.messages.fetch(sid);
      assert.deepEqual(
        got.find((m) => m['sid'] === sid),
        upstream,
      );
    }
    const whatsapp = got.find((m) => m['sid'] === waSid) as Record<string, unknown>;
    assert.equal(whatsapp['from'], 'whatsapp:+15557654321');
    assert.equal(whatsapp['to'], `whatsapp:${sb.phoneNumber}`);
    assert.equal(whatsapp['body'], 'over WhatsApp');
    assert.equal(whatsapp['direction'], 'inbound');
    assert.equal(whatsapp['channel'], 'whatsapp');
    assert.deepEqual(whatsapp['whatsapp'], { wa_id: '15557654321' });

    const next = res.headers.get('location') ?? '';
    assert.equal((await poll(next)).status, 202, 'nothing is handed out twice');
  });

  it('keeps a Location issued before WhatsApp was watched: its SMS continue, WhatsApp starts from then', async () => {
    const mark = await text('mark');
    const marked = await sb.client.messages(mark).fetch();
    const legacy = Buffer.from(JSON.stringify([mark, marked.dateCreated.getTime()])).toString('base64url');
    const location = `${url}/triggers/messages/received?To=${encodeURIComponent(sb.phoneNumber)}&Cursor=${legacy}`;
    const after = await text('sms after the mark');
    const res = await poll(location);
    assert.equal(res.status, 200);
    assert.deepEqual(
      ((await json(res)).value as { sid: string }[]).map((m) => m.sid),
      [after],
    );
    const wa = await sb.request('POST', '/_sandbox/inbound', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: 'whatsapp:+15557654322', To: `whatsapp:${sb.phoneNumber}`, Body: 'hello' }),
    });
    assert.equal(wa.status, 201);
    const waSid = ((await json(wa)) as { sid: string }).sid;
    const later = await poll(res.headers.get('location') ?? '');
    assert.equal(later.status, 200);
    assert.deepEqual(
      ((await json(later)).value as { sid: string }[]).map((m) => m.sid),
      [waSid],
    );
  });

  it('rejects a forged cursor with 400 and a missing connection with 401', async () => {
    const bad = await poll(`${url}/triggers/messages/received?cursor=not-a-cursor`);
    assert.equal(bad.status, 400);
    assert.equal((await json(bad)).error.code, 'VALIDATION_FAILED');
    const anon = await fetch(`${url}/triggers/messages/received`);
    assert.equal(anon.status, 401);
  });
});
