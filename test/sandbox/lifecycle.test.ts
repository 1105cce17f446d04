import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { setFateDecider } from '../../src/sandbox/lifecycle/index.js';
import { messageJson } from '../../src/sandbox/store/message-json.js';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { parseTimeline, type TimelineEvent } from '../../src/sandbox/store/timeline.js';
import { webhooksOf } from '../../src/sandbox/webhooks/outbox.js';
import { CONTROL, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { storeMessage } from '../helpers/messages.js';
import { reach, sendOutbound } from '../helpers/outbound.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

function events(sb: TestSandbox, sid: string): TimelineEvent[] {
  return parseTimeline(getMessageBySid(sb.sandbox.ctx.db, sid)?.timeline ?? '');
}

function timeline(sb: TestSandbox, sid: string): string[] {
  return events(sb, sid).map((e) => e.status);
}

describe('message lifecycle (instant)', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });

  it('delivers a queued message and sends one signed status callback per change, in order', async () => {
    const url = `${hook.url}/status?account=main`;
    const m = sendOutbound(sb, { status_callback: url });
    const calls = await hook.waitFor(3, (r) => r.params['MessageSid'] === m.sid);
    assert.deepEqual(
      calls.map((c) => c.params['MessageStatus']),
      ['sending', 'sent', 'delivered'],
    );
    const tokens = new Set<string>();
    for (const c of calls) {
      const signature = String(c.headers['x-twilio-signature']);
      assert.equal(twilio.validateRequest(sb.authToken, signature, url, c.params), true);
      assert.equal(c.method, 'POST');
      assert.equal(c.headers['user-agent'], 'TwilioProxy/1.1');
      assert.equal(c.headers['content-type'], 'application/x-www-form-urlencoded');
      tokens.add(String(c.headers['i-twilio-idempotency-token']));
      assert.equal(c.params['SmsStatus'], c.params['MessageStatus']);
      assert.equal(c.params['SmsSid'], m.sid);
      assert.equal(c.params['AccountSid'], sb.accountSid);
      assert.equal(c.params['From'], sb.phoneNumber);
      assert.equal(c.params['To'], '+15557654321');
      assert.equal(c.params['ApiVersion'], '2010-04-01');
    }
    assert.equal(tokens.size, 3, 'each callback has its own idempotency token');
    assert.match(calls[2]!.params['RawDlrDoneDate'] ?? '', /^\d{10}$/);
    const done = await reach(sb, m.sid, 'delivered');
    const json = messageJson(done);
    assert.equal(json['price'], '-0.00790');
    assert.equal(json['error_code'], null);
    assert.match(String(json['date_sent']), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    assert.deepEqual(timeline(sb, m.sid), ['queued', 'sending', 'sent', 'delivered']);
  });

  it('reports queued for a message that started accepted (never the initial status)', async () => {
    const m = sendOutbound(sb, { status: 'accepted', status_callback: `${hook.url}/accepted` });
    const calls = await hook.waitFor(4, (r) => r.params['MessageSid'] === m.sid);
    assert.deepEqual(
      calls.map((c) => c.params['MessageStatus']),
      ['queued', 'sending', 'sent', 'delivered'],
    );
  });

  it('prices per segment, and MMS per message', async () => {
    const sms = sendOutbound(sb, { num_segments: 3 });
    assert.equal((await reach(sb, sms.sid, 'delivered')).price, '-0.02370');
    const uk = sendOutbound(sb, { to_addr: '+447700900123' });
    assert.equal((await reach(sb, uk.sid, 'delivered')).price, '-0.04000');
    const mms = sendOutbound(sb, { media: ['https://example.com/a.png'] });
    assert.match(mms.sid, /^MM/);
    assert.equal((await reach(sb, mms.sid, 'delivered')).price, '-0.02000');
  });

  it('ends a message to a number ending in 30003 undelivered with error 30003, billed', async () => {
    const m = sendOutbound(sb, { to_addr: '+15551230003', status_callback: `${hook.url}/undelivered` });
    const done = await reach(sb, m.sid, 'undelivered');
    assert.equal(done.error_code, 30003);
    assert.equal(done.error_message, 'Unreachable destination handset');
    assert.equal(done.price, '-0.00790');
    const calls = await hook.waitFor(3, (r) => r.params['MessageSid'] === m.sid);
    assert.equal(calls[2]!.params['MessageStatus'], 'undelivered');
    assert.equal(calls[2]!.params['ErrorCode'], '30003');
  });

  it('fails a message to a number ending in 30001 after sending, unbilled and never sent', async () => {
    const m = sendOutbound(sb, { to_addr: '+15551230001' });
    const done = await reach(sb, m.sid, 'failed');
    assert.equal(done.error_code, 30001);
    assert.equal(done.price, null);
    assert.equal(done.date_sent, null);
    assert.deepEqual(timeline(sb, m.sid), ['queued', 'sending', 'failed']);
  });

  it('lets an installed fate decider override the default rules', async () => {
    setFateDecider(sb.sandbox.ctx, (msg) =>
      msg.body.includes('filter me') ? { status: 'undelivered', code: 30007, message: 'Message filtered' } : undefined,
    );
    try {
      const filtered = sendOutbound(sb, { body: 'please filter me' });
      const normal = sendOutbound(sb, { body: 'fine' });
      assert.equal((await reach(sb, filtered.sid, 'undelivered')).error_code, 30007);
      assert.equal((await reach(sb, normal.sid, 'delivered')).error_code, null);
    } finally {
      setFateDecider(sb.sandbox.ctx, undefined);
    }
  });

  it('keeps a scheduled message until its send time, then runs it', async () => {
    const sendAt = sb.sandbox.ctx.clock.now() + 300;
    const m = sendOutbound(sb, { status: 'scheduled', send_at: sendAt });
    await sb.sandbox.ctx.lifecycle.drain();
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, m.sid)?.status, 'scheduled');
    const done = await reach(sb, m.sid, 'delivered');
    assert.ok(done.date_sent! >= sendAt, 'sent no earlier than SendAt');
    assert.deepEqual(timeline(sb, m.sid), ['scheduled', 'queued', 'sending', 'sent', 'delivered']);
  });

  it('follows the stored row, not what it remembers, once something else has moved the message', async () => {
    const { ctx } = sb.sandbox;
    const lifecycle = ctx.lifecycle;
    const at = ctx.clock.now() - 1000;
    // remembered as the create route leaves it: due now, fate still open
    const planned = storeMessage(sb, {
      status: 'queued',
      price: null,
      date_sent: null,
      date_created: at,
      next_at: at,
      next_status: 'sending',
    });
    lifecycle.track(planned);
    // another writer changes the plan: the remembered copy is now stale
    ctx.db
      .prepare("UPDATE messages SET next_at = ?, fate = 'undelivered:30003' WHERE sid = ?")
      .run(at + 1, planned.sid);
    await lifecycle.drain();
    const done = getMessageBySid(ctx.db, planned.sid)!;
    assert.equal(done.status, 'undelivered');
    assert.equal(done.error_code, 30003);
    assert.deepEqual(timeline(sb, planned.sid), ['queued', 'sending', 'sent', 'undelivered']);

    // a remembered message deleted under the engine is left alone
    const gone = storeMessage(sb, {
      status: 'sent',
      price: null,
      date_created: at,
      next_at: at,
      next_status: 'delivered',
    });
    lifecycle.track(gone);
    ctx.db.prepare('DELETE FROM messages WHERE sid = ?').run(gone.sid);
    await lifecycle.drain();
    assert.equal(getMessageBySid(ctx.db, gone.sid), undefined);
  });

  it('runs thousands of messages to their end and sends no webhook without a StatusCallback', async () => {
    const { ctx } = sb.sandbox;
    const started = performance.now();
    const sids = [];
    for (let i = 0; i < 3000; i++) sids.push(sendOutbound(sb, { body: `bulk ${i}` }).sid);
    await ctx.lifecycle.drain();
    const elapsed = performance.now() - started;
    const left = ctx.db
      .prepare("SELECT COUNT(*) AS n FROM messages WHERE body LIKE 'bulk %' AND status != 'delivered'")
      .get() as { n: number };
    assert.equal(left.n, 0);
    assert.equal(webhooksOf(ctx.db, sids[0]!).length, 0);
    console.log(`# 3000 messages created and delivered in ${elapsed.toFixed(0)} ms`);
  });
});

describe('message lifecycle after a rolled-back turn', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 60_000 });
  });
  after(() => sb.close());

  it('forgets what it remembered: a new message that gets an undone message’s seq runs its own course', () => {
    const { ctx } = sb.sandbox;
    const engine = ctx.lifecycle as unknown as { advanceDue(now: number): number };
    const at = ctx.clock.now() - 1000;
    const due = { status: 'queued', price: null, date_sent: null, date_created: at, next_at: at } as const;
    // a turn that steps a message the turn itself created, then is undone (its seq is given back)
    ctx.writes.join();
    const undone = storeMessage(sb, { ...due, next_status: 'sending', to_addr: '+15557630007' });
    engine.advanceDue(ctx.clock.now());
    const planned = getMessageBySid(ctx.db, undone.sid)!;
    assert.equal(planned.status, 'sending');
    ctx.writes.abort(new Error('undone'));
    assert.equal(getMessageBySid(ctx.db, undone.sid), undefined);
    // the next message gets the same seq, and happens to be due at the same instant
    const next = storeMessage(sb, { ...due, next_at: planned.next_at, next_status: 'sending' });
    assert.equal(next.seq, undone.seq, 'SQLite gave the seq back');
    engine.advanceDue(planned.next_at!);
    assert.deepEqual(timeline(sb, next.sid), ['queued', 'sending']);
  });
});

describe('message lifecycle (timed)', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 40 });
  });
  after(() => sb.close());

  it('waits statusDelay between steps', async () => {
    const m = sendOutbound(sb);
    await reach(sb, m.sid, 'delivered');
    const ats = events(sb, m.sid).map((e) => e.at);
    assert.equal(ats.length, 4);
    // the first step follows creation at once here; every later one waits
    for (let i = 2; i < ats.length; i++)
      assert.ok(ats[i]! - ats[i - 1]! >= 40, `step ${i} waited ${ats[i]! - ats[i - 1]!} ms`);
  });

  it('stays consistent across a reset in the middle of a lifecycle', async () => {
    const before = sendOutbound(sb);
    const res = await sb.request('POST', '/_sandbox/reset', { headers: CONTROL });
    assert.equal(res.status, 200);
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, before.sid), undefined);
    const afterReset = sendOutbound(sb);
    assert.equal((await reach(sb, afterReset.sid, 'delivered')).status, 'delivered');
  });
});

describe('message lifecycle (default pace, messages created while a step is pending)', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 500 });
  });
  after(() => sb.close());

  it('moves every message at its own pace, however they interleave', async () => {
    const first = await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155551234', body: 'first' });
    await new Promise((r) => setTimeout(r, 150));
    const second = await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155551235', body: 'second' });
    for (const m of [first, second]) {
      await reach(sb, m.sid, 'delivered');
      const ats = events(sb, m.sid).map((e) => e.at);
      assert.deepEqual(timeline(sb, m.sid), ['queued', 'sending', 'sent', 'delivered']);
      for (let i = 1; i < ats.length; i++) assert.ok(ats[i]! - ats[i - 1]! >= 500, `step ${i} of ${m.body}`);
    }
  });
});

describe('message lifecycle, step by step through the API', () => {
  const HOUR = 3_600_000;
  let sb: TestSandbox;
  let realNow: () => number;
  before(async () => {
    sb = await startSandbox({ statusDelay: HOUR });
    realNow = sb.sandbox.ctx.clock.now.bind(sb.sandbox.ctx.clock);
  });
  after(async () => {
    sb.sandbox.ctx.clock.now = realNow;
    await sb.close();
  });

  /** Runs `sid` one step at a time on a pinned clock and fetches it with the SDK after each. */
  async function walk(sid: string): Promise<unknown[]> {
    const { ctx } = sb.sandbox;
    const seen: unknown[] = [];
    for (;;) {
      const f = await sb.client.messages(sid).fetch();
      seen.push([f.status, f.dateSent === null ? null : 'date_sent', f.price, f.errorCode]);
      const next = getMessageBySid(ctx.db, sid)!.next_at;
      if (next === null) return seen;
      ctx.clock.now = () => next;
      await ctx.lifecycle.drain();
    }
  }

  it('shows each status, with date_sent and price from sent on and the error at the end', async () => {
    const ends = new Map<string, unknown[]>();
    for (const to of ['+14155551234', '+15551230003', '+15551230034']) {
      const m = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'step' });
      ends.set(to, await walk(m.sid));
    }
    sb.sandbox.ctx.clock.now = realNow;
    assert.deepEqual(Object.fromEntries(ends), {
      '+14155551234': [
        ['queued', null, null, null],
        ['sending', null, null, null],
        ['sent', 'date_sent', '-0.00790', null],
        ['delivered', 'date_sent', '-0.00790', null],
      ],
      '+15551230003': [
        ['queued', null, null, null],
        ['sending', null, null, null],
        ['sent', 'date_sent', '-0.00790', null],
        ['undelivered', 'date_sent', '-0.00790', 30003],
      ],
      '+15551230034': [
        ['queued', null, null, null],
        ['sending', null, null, null],
        ['failed', null, null, 30034],
      ],
    });
  });
});

describe('message lifecycle announcements', () => {
  it('announces each step when it comes, in order', { timeout: 20_000 }, async () => {
    const sb = await startSandbox({ statusDelay: 20 });
    try {
      const seen = new Map<string, string[]>();
      const done = new Promise<void>((resolve) => {
        sb.sandbox.ctx.events.subscribe((e) => {
          if (e.type !== 'message') return;
          const list = seen.get(e.sid) ?? [];
          list.push(e.status);
          seen.set(e.sid, list);
          if ([...seen.values()].filter((l) => l.at(-1) === 'delivered').length === 3) resolve();
        });
      });
      const sent = await Promise.all(
        [1, 2, 3].map((i) => sb.client.messages.create({ to: '+14155551234', from: sb.phoneNumber, body: `m${i}` })),
      );
      await done;
      for (const m of sent) assert.deepEqual(seen.get(m.sid), ['queued', 'sending', 'sent', 'delivered']);
    } finally {
      await sb.close();
    }
  });

  it('carries a message on to its end after a restart', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-lifecycle-'));
    const data = join(dir, 'sandbox.db');
    try {
      const first = await startSandbox({ data, statusDelay: 700 });
      const m = await first.client.messages.create({ to: '+14155551234', from: first.phoneNumber, body: 'resumed' });
      await first.close();
      const second = await startSandbox({ data, statusDelay: 700 });
      try {
        const delivered = await reach(second, m.sid, 'delivered');
        assert.deepEqual(timeline(second, delivered.sid), ['queued', 'sending', 'sent', 'delivered']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
