// The inbox's control API: search syntax, keyset paging, conversations, detail, delete, clear, and
// the server-sent event stream, against a real sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NewMessage } from '../../src/sandbox/store/messages.js';
import { timelineEntry } from '../../src/sandbox/store/timeline.js';
import { storeMessage } from '../helpers/messages.js';
import { CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const DAY = 86_400_000;
const bodiesOf = (list: { body: string }[]): string[] => list.map((m) => m.body);
const T0 = Date.UTC(2024, 0, 10, 12);

describe('inbox control API', () => {
  let sb: TestSandbox;
  const other = '+15005550006';
  const peerA = '+447700900001';
  const peerB = '+447700900002';
  const add = (m: Partial<NewMessage>) => storeMessage(sb, { to_addr: peerA, body: 'hello', date_created: T0, ...m });
  const get = async (path: string) => {
    const res = await fetch(sb.url + path);
    return { status: res.status, body: await json(res) };
  };

  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent' });
    add({ body: 'first to A', date_created: T0 - 2 * DAY });
    add({
      body: 'reply from A 50% off',
      to_addr: sb.phoneNumber,
      from_addr: peerA,
      direction: 'inbound',
      status: 'received',
    });
    add({ body: 'to B', to_addr: peerB, status: 'failed', error_code: 30003, date_created: T0 + DAY });
    add({ body: 'unrelated', to_addr: peerB, from_addr: other });
    add({
      body: 'picture',
      to_addr: sb.phoneNumber,
      from_addr: peerB,
      direction: 'inbound',
      status: 'received',
      media: [{ url: 'https://example.com/cat.png', contentType: 'image/png' }],
    });
  });
  after(() => sb.close());

  it('shows the account credentials and numbers', async () => {
    const { status, body } = await get('/_sandbox/account');
    assert.equal(status, 200);
    assert.equal(body.sid, sb.accountSid);
    assert.equal(body.auth_token, sb.authToken);
    assert.deepEqual(
      body.numbers.map((n: { phone_number: string }) => n.phone_number),
      [sb.phoneNumber],
    );
  });

  it('narrows messages with the search syntax', async () => {
    const bodies = async (q: string): Promise<string[]> =>
      bodiesOf((await get(`/_sandbox/messages?q=${encodeURIComponent(q)}`)).body.messages);
    assert.deepEqual(await bodies(''), ['picture', 'unrelated', 'to B', 'reply from A 50% off', 'first to A']);
    assert.deepEqual(await bodies(`from:${peerA}`), ['reply from A 50% off']);
    assert.deepEqual(await bodies('to:447700900002'), ['unrelated', 'to B']);
    assert.deepEqual(await bodies('status:failed'), ['to B']);
    assert.deepEqual(await bodies('direction:inbound'), ['picture', 'reply from A 50% off']);
    assert.deepEqual(await bodies('direction:outbound to:+447700900001'), ['first to A']);
    assert.deepEqual(await bodies('after:2024-01-11'), ['to B']);
    assert.deepEqual(await bodies('before:2024-01-10'), ['first to A']);
    assert.deepEqual(await bodies('50%'), ['reply from A 50% off']);
    assert.deepEqual(await bodies('"from A" reply'), ['reply from A 50% off']);
  });

  it('rejects a malformed search with a 400 that says what is wrong', async () => {
    for (const [q, hint] of [
      ['status:lost', /status: must be one of/],
      ['after:yesterday', /YYYY-MM-DD/],
      ['direction:sideways', /direction:/],
    ] as const) {
      const { status, body } = await get(`/_sandbox/messages?q=${encodeURIComponent(q)}`);
      assert.equal(status, 400, q);
      assert.match(body.message, hint);
    }
    assert.equal((await get('/_sandbox/messages?limit=0')).status, 400);
    assert.equal((await get('/_sandbox/messages?before=abc')).status, 400);
    assert.equal((await get('/_sandbox/conversations')).status, 400);
  });

  it('answers odd input with a 2xx or a 4xx, never a 5xx', async () => {
    const odd = [
      '/_sandbox/messages?q=%22',
      '/_sandbox/messages?q=from%3A%22',
      '/_sandbox/messages?q=to%3A%22%22',
      '/_sandbox/messages?q=%5C%25_%27%3B--',
      `/_sandbox/messages?q=${'x'.repeat(600)}`,
      `/_sandbox/messages?q=${'a '.repeat(30)}`,
      '/_sandbox/messages?q=after%3A2024-02-30',
      '/_sandbox/messages?q=status%3A',
      '/_sandbox/messages?limit=1&limit=2&before=3&before=x',
      '/_sandbox/messages?before=99999999999999999999',
      '/_sandbox/messages?with=%2B1',
      '/_sandbox/conversations?number=%00&limit=abc',
      '/_sandbox/messages/..%2F..%2Fetc%2Fpasswd',
      '/ui/..%2Fui-api.ts',
      '/ui/%2e%2e%2Findex.ts',
    ];
    for (const path of odd) {
      const res = await fetch(sb.url + path);
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${path} → ${res.status}`);
      if (path.includes('..') || path.includes('%2e')) assert.equal(res.status, 404, `${path} must not reach a file`);
    }
  });

  it('pages with before=<seq> without repeating or losing a message', async () => {
    const seen: string[] = [];
    let next: number | null | undefined;
    do {
      const { body } = await get(`/_sandbox/messages?limit=2${next ? `&before=${next}` : ''}`);
      assert.ok(body.messages.length <= 2);
      seen.push(...body.messages.map((m: { body: string }) => m.body));
      next = body.next_before;
    } while (next);
    assert.deepEqual(seen, ['picture', 'unrelated', 'to B', 'reply from A 50% off', 'first to A']);
  });

  it('lists conversations of a number, latest message first, and a thread both ways', async () => {
    const { body } = await get(`/_sandbox/conversations?number=${encodeURIComponent(sb.phoneNumber)}`);
    assert.deepEqual(
      body.conversations.map((c: { counterpart: string; count: number; last: { body: string } }) => [
        c.counterpart,
        c.count,
        c.last.body,
      ]),
      [
        [peerB, 2, 'picture'],
        [peerA, 2, 'reply from A 50% off'],
      ],
    );
    assert.deepEqual(body.conversations[0].last.media, [
      { sid: body.conversations[0].last.media[0].sid, content_type: 'image/png', url: 'https://example.com/cat.png' },
    ]);
    const unencoded = await get(`/_sandbox/conversations?number=${sb.phoneNumber}`);
    assert.equal(unencoded.body.conversations.length, 2, 'a raw "+" (read as a space) still finds the number');
    const thread = await get(
      `/_sandbox/messages?number=${encodeURIComponent(sb.phoneNumber)}&with=${encodeURIComponent(peerA)}`,
    );
    assert.deepEqual(
      thread.body.messages.map((m: { body: string }) => m.body),
      ['reply from A 50% off', 'first to A'],
    );
  });

  it('shows a message with its timeline and webhooks, then deletes it', async () => {
    const m = add({ body: 'detail me' });
    const db = sb.sandbox.ctx.db;
    db.prepare('UPDATE messages SET timeline = timeline || ? WHERE sid = ?').run(
      timelineEntry('undelivered', T0 + 1000, 30003),
      m.sid,
    );
    db.prepare(
      `INSERT INTO webhooks (account_sid, message_sid, kind, url, method, params, signature, idempotency_token, state,
         attempts, response_status, response_body, duration_ms, created_at, updated_at)
       VALUES (?, ?, 'status', 'http://127.0.0.1:9/cb', 'POST', ?, 'c2ln', 'tok', 'delivered', 2, 200, 'ok', 12, ?, ?)`,
    ).run(sb.accountSid, m.sid, JSON.stringify({ MessageStatus: 'sent' }), T0, T0);
    const { status, body } = await get(`/_sandbox/messages/${m.sid}`);
    assert.equal(status, 200);
    assert.equal(body.message.body, 'detail me');
    assert.equal(body.message.encoding, 'GSM-7');
    assert.deepEqual(
      body.events.map((e: { status: string; error_code: number | null; at_ms: number }) => [
        e.status,
        e.error_code,
        e.at_ms,
      ]),
      [
        ['delivered', null, T0],
        ['undelivered', 30003, T0 + 1000],
      ],
    );
    assert.equal(body.webhooks[0].url, 'http://127.0.0.1:9/cb');
    assert.deepEqual(body.webhooks[0].params, { MessageStatus: 'sent' });
    assert.equal(body.webhooks[0].response_status, 200);
    assert.equal(body.webhooks[0].attempts, 2);

    const del = await fetch(`${sb.url}/_sandbox/messages/${m.sid}`, { method: 'DELETE', headers: CONTROL });
    assert.equal(del.status, 204);
    assert.equal((await get(`/_sandbox/messages/${m.sid}`)).status, 404);
    assert.equal(
      (await fetch(`${sb.url}/_sandbox/messages/${m.sid}`, { method: 'DELETE', headers: CONTROL })).status,
      404,
    );
  });

  it('pushes bus events to an SSE client as they happen', async () => {
    const controller = new AbortController();
    const res = await fetch(`${sb.url}/_sandbox/events`, { signal: controller.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const until = async (needle: string) => {
      while (!seen.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        seen += decoder.decode(value, { stream: true });
      }
    };
    await until('event: hello');
    sb.sandbox.ctx.events.publish({ type: 'message', sid: 'SMx', status: 'sent', accountSid: sb.accountSid });
    await until('"sid":"SMx"');
    assert.match(seen, /event: message\ndata: \{"type":"message","sid":"SMx"/);
    controller.abort();
  });

  // the timeout only turns a hang (close() waiting for the stream forever) into a failure
  it(
    'lets go of a subscription when the client leaves, and ends open streams when the sandbox closes',
    { timeout: 30_000 },
    async () => {
      const own = await startSandbox({ data: ':memory:', logLevel: 'silent' });
      const listeners = () => (own.sandbox.ctx.events as any).emitter.listenerCount('event') as number;
      const before = listeners();
      const controller = new AbortController();
      const left = await fetch(`${own.url}/_sandbox/events`, { signal: controller.signal });
      await left.body!.getReader().read();
      assert.equal(listeners(), before + 1);
      controller.abort();
      while (listeners() > before) await new Promise((resolve) => setImmediate(resolve));

      const stays = await fetch(`${own.url}/_sandbox/events`);
      const reader = stays.body!.getReader();
      await reader.read();
      await own.close();
      let done = false;
      // close() resolving and the stream ending are the point: an open inbox must not hold the sandbox open
      while (!done) done = (await reader.read()).done;
    },
  );

  it('clears every message', async () => {
    const res = await fetch(`${sb.url}/_sandbox/messages/clear`, { method: 'POST', headers: CONTROL });
    assert.equal(res.status, 200);
    assert.ok((await json(res)).deleted >= 5);
    assert.deepEqual((await get('/_sandbox/messages')).body.messages, []);
  });
});
