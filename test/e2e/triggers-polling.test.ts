// The polling trigger over real sockets: connector → typed client → sandbox, driven the way Logic
// Apps drives it (follow Location until 200, then keep following).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildConnector } from '../../src/connector/app.js';
import { authenticate } from '../../src/connector/auth.js';
import { connectorConfig } from '../../src/connector/config.js';
import { triggersPlugin } from '../../src/connector/triggers/index.js';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { TwilioClient } from '../../src/twilio/index.js';
import { basic, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('polling trigger: messages received', () => {
  let sb: TestSandbox;
  let app: FastifyInstance;
  let url: string;
  let store: ConnectorStore;
  const dir = mkdtempSync(join(tmpdir(), 'tc-poll-'));
  const upstreamCalls: string[] = [];
  let texter = 0;

  before(async () => {
    sb = await startSandbox();
    store = await openStore({ dataDir: dir });
    const config = connectorConfig();
    app = buildConnector(config, {
      upstreamUrl: sb.url,
      plugins: [
        triggersPlugin({
          store,
          authenticate: (req) => authenticate(config, req),
          upstreamUrl: sb.url,
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
        }),
      ],
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await store.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
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
        assert.deepEqual(upstreamCalls, ['list PageSize=20'], 'a quiet poll is one small upstream request');
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

  it('rejects a forged cursor with 400 and a missing connection with 401', async () => {
    const bad = await poll(`${url}/triggers/messages/received?cursor=not-a-cursor`);
    assert.equal(bad.status, 400);
    assert.equal((await json(bad)).error.code, 'VALIDATION_FAILED');
    const anon = await fetch(`${url}/triggers/messages/received`);
    assert.equal(anon.status, 401);
  });
});
