import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { AnnouncementQueue } from '../../src/sandbox/lifecycle/announcements.js';
import { setFateDecider } from '../../src/sandbox/lifecycle/index.js';
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { asOf } from '../../src/sandbox/store/course.js';
import { getMessageBySid, type MessageRow } from '../../src/sandbox/store/messages.js';
import { parseTimeline, statusAt } from '../../src/sandbox/store/timeline.js';
import { CONTROL, json, patchSettings, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const HOUR = 3_600_000;
const TO = '+14155551234';

/** Sets the sandbox's clock to `at` until `restore()`; timers still run on wall time. */
function pinClock(sb: TestSandbox): { at(ms: number): void; restore(): void } {
  const clock = sb.sandbox.ctx.clock;
  const real = clock.now.bind(clock);
  return {
    at(ms) {
      clock.now = () => ms;
    },
    restore() {
      clock.now = real;
    },
  };
}

function stored(sb: TestSandbox, sid: string): MessageRow {
  return getMessageBySid(sb.sandbox.ctx.db, sid)!;
}

describe('planned courses: a message written once and read as it stands', () => {
  let sb: TestSandbox;
  let clock: ReturnType<typeof pinClock>;
  before(async () => {
    sb = await startSandbox({ statusDelay: HOUR });
    clock = pinClock(sb);
  });
  afterEach(() => clock.restore());
  after(() => sb.close());

  it('shows each status, date_sent and price only once its time has come', async () => {
    const m = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'planned' });
    const row = stored(sb, m.sid);
    const [queued, sending, sent, delivered] = parseTimeline(row.timeline).map((e) => e.at);
    assert.ok(queued !== undefined && sending !== undefined && sent !== undefined && delivered !== undefined);
    const seen: Record<string, unknown>[] = [];
    for (const at of [sending - 1, sending, sent - 1, sent, delivered - 1, delivered, delivered + HOUR]) {
      clock.at(at);
      const f = await sb.client.messages(m.sid).fetch();
      seen.push({
        status: f.status,
        dateSent: f.dateSent?.getTime() ?? null,
        price: f.price,
        updated: f.dateUpdated.getTime(),
      });
    }
    const second = (ms: number): number => Math.floor(ms / 1000) * 1000;
    assert.deepEqual(seen, [
      { status: 'queued', dateSent: null, price: null, updated: second(queued) },
      { status: 'sending', dateSent: null, price: null, updated: second(sending) },
      { status: 'sending', dateSent: null, price: null, updated: second(sending) },
      { status: 'sent', dateSent: second(sent), price: '-0.00790', updated: second(sent) },
      { status: 'sent', dateSent: second(sent), price: '-0.00790', updated: second(sent) },
      { status: 'delivered', dateSent: second(sent), price: '-0.00790', updated: second(delivered) },
      { status: 'delivered', dateSent: second(sent), price: '-0.00790', updated: second(delivered) },
    ]);
  });

  it('lists by DateSent only the messages already sent, and lists each as it stands', async () => {
    const m = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'dated' });
    const [, sending, sent] = parseTimeline(stored(sb, m.sid).timeline).map((e) => e.at);
    const day = new Date(new Date(sent!).toISOString().slice(0, 10));
    const sids = async (): Promise<string[]> =>
      (await sb.client.messages.list({ dateSentAfter: new Date(day.getTime() - 86_400_000) })).map((x) => x.sid);
    clock.at(sending!);
    assert.ok(!(await sids()).includes(m.sid), 'not sent yet');
    const page = await sb.client.messages.list({ to: TO, limit: 50 });
    assert.equal(page.find((x) => x.sid === m.sid)?.status, 'sending');
    clock.at(sent!);
    assert.ok((await sids()).includes(m.sid), 'sent');
    assert.ok((await sb.client.messages.list({ dateSent: day })).some((x) => x.sid === m.sid));
  });

  it('refuses to delete a message on its way (20009) and deletes it once sent', async () => {
    const m = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'delete me' });
    const [, sending, sent] = parseTimeline(stored(sb, m.sid).timeline).map((e) => e.at);
    clock.at(sending!);
    await assert.rejects(sb.client.messages(m.sid).remove(), (err: any) => err.status === 400 && err.code === 20009);
    clock.at(sent!);
    assert.equal(await sb.client.messages(m.sid).remove(), true);
    assert.equal(getMessageBySid(sb.sandbox.ctx.db, m.sid), undefined);
  });

  it('redacts a sent message on its way and still ends it at its planned time', async () => {
    const m = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'secret' });
    const [, , sent, delivered] = parseTimeline(stored(sb, m.sid).timeline).map((e) => e.at);
    clock.at(sent!);
    const redacted = await sb.client.messages(m.sid).update({ body: '' });
    assert.deepEqual([redacted.body, redacted.status], ['', 'sent']);
    clock.at(delivered!);
    const end = await sb.client.messages(m.sid).fetch();
    assert.deepEqual(
      [end.body, end.status, end.dateUpdated.getTime()],
      ['', 'delivered', Math.floor(delivered! / 1000) * 1000],
    );
  });

  it('keeps the error of an undelivered or failed message for its end', async () => {
    const undelivered = await sb.client.messages.create({ to: '+15551230003', from: sb.phoneNumber, body: 'x' });
    const failed = await sb.client.messages.create({ to: '+15551230034', from: sb.phoneNumber, body: 'x' });
    const u = parseTimeline(stored(sb, undelivered.sid).timeline);
    const f = parseTimeline(stored(sb, failed.sid).timeline);
    assert.deepEqual(
      u.map((e) => [e.status, e.error_code]),
      [
        ['queued', null],
        ['sending', null],
        ['sent', null],
        ['undelivered', 30003],
      ],
    );
    assert.deepEqual(
      f.map((e) => [e.status, e.error_code]),
      [
        ['queued', null],
        ['sending', null],
        ['failed', 30034],
      ],
    );
    clock.at(u[3]!.at - 1);
    const before = await sb.client.messages(undelivered.sid).fetch();
    assert.deepEqual([before.status, before.errorCode, before.errorMessage], ['sent', null, null]);
    clock.at(u[3]!.at);
    const end = await sb.client.messages(undelivered.sid).fetch();
    assert.deepEqual(
      [end.status, end.errorCode, end.errorMessage],
      ['undelivered', 30003, 'Unreachable destination handset'],
    );
    clock.at(f[2]!.at);
    const gone = await sb.client.messages(failed.sid).fetch();
    assert.deepEqual([gone.status, gone.errorCode, gone.dateSent, gone.price], ['failed', 30034, null, null]);
  });

  it('shows the inbox the status of the moment, in its search and its detail', async () => {
    const m = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'inbox' });
    const [, sending] = parseTimeline(stored(sb, m.sid).timeline).map((e) => e.at);
    clock.at(sending!);
    const search = async (q: string): Promise<string[]> =>
      (
        (await json(await fetch(`${sb.url}/_sandbox/messages?q=${encodeURIComponent(q)}`))) as {
          messages: { sid: string }[];
        }
      ).messages.map((x) => x.sid);
    assert.ok((await search('status:sending')).includes(m.sid));
    assert.ok(!(await search('status:delivered')).includes(m.sid));
    const detail = (await json(await fetch(`${sb.url}/_sandbox/messages/${m.sid}`))) as {
      message: { status: string };
      sandbox: { next_status: string };
      events: { status: string }[];
    };
    assert.equal(detail.message.status, 'sending');
    assert.equal(detail.sandbox.next_status, 'sent');
    assert.deepEqual(
      detail.events.map((e) => e.status),
      ['queued', 'sending'],
    );
  });

  it('ends each message as the stepped lifecycle would', async () => {
    const instant = await startSandbox({ statusDelay: 0 });
    try {
      const ends = async (to: string, stepped: boolean) => {
        if (stepped) setFateDecider(instant.sandbox.ctx, () => undefined);
        const m = await instant.client.messages.create({ to, from: instant.phoneNumber, body: 'same' });
        setFateDecider(instant.sandbox.ctx, undefined);
        await instant.sandbox.ctx.services.get('lifecycle')!.drain!();
        const row = stored(instant, m.sid);
        assert.equal(row.settles_at !== null, !stepped);
        const f = await instant.client.messages(m.sid).fetch();
        return {
          status: f.status,
          error: [f.errorCode, f.errorMessage],
          price: f.price,
          sent: f.dateSent !== null,
          fate: row.fate,
          steps: parseTimeline(row.timeline).map((e) => [e.status, e.error_code]),
        };
      };
      for (const to of [TO, '+15551230003', '+15551230034', '+15551230001']) {
        assert.deepEqual(await ends(to, false), await ends(to, true), to);
      }
    } finally {
      await instant.close();
    }
  });

  it('filters DateSent with To as it stands too', async () => {
    const to = '+14155557777';
    const m = await sb.client.messages.create({ to, from: sb.phoneNumber, body: 'to and date' });
    const [, sending, sent] = parseTimeline(stored(sb, m.sid).timeline).map((e) => e.at);
    const since = new Date(sent! - 86_400_000);
    clock.at(sending!);
    assert.deepEqual(await sb.client.messages.list({ to, dateSentAfter: since }), []);
    clock.at(sent!);
    assert.deepEqual(
      (await sb.client.messages.list({ to, dateSentAfter: since })).map((x) => x.sid),
      [m.sid],
    );
  });

  it('keeps planned messages on their way out of retention pruning', async () => {
    const own = await startSandbox({ statusDelay: HOUR });
    const pin = pinClock(own);
    try {
      await patchSettings(own, { retention: { max_messages: 1 } });
      const made = [];
      for (let i = 0; i < 3; i++)
        made.push(await own.client.messages.create({ to: TO, from: own.phoneNumber, body: `${i}` }));
      const pruner = own.sandbox.ctx.services.get('retention') as unknown as { pruneBatch(): number };
      assert.equal(pruner.pruneBatch(), 0, 'all three still on their way');
      pin.at(stored(own, made[2]!.sid).settles_at!);
      assert.equal(pruner.pruneBatch(), 2);
      assert.deepEqual(
        (await own.client.messages.list({})).map((x) => x.sid),
        [made[2]!.sid],
      );
    } finally {
      pin.restore();
      await own.close();
    }
  });

  it('steps, one write at a time, the messages whose course depends on what happens later', async () => {
    const withCallback = await sb.client.messages.create({
      to: TO,
      from: sb.phoneNumber,
      body: 'x',
      statusCallback: 'http://127.0.0.1:9/status',
    });
    const service = (await sb.client.messaging.v1.services.create({ friendlyName: 'pool' })).sid;
    const own = (await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber }))[0]!.sid;
    await sb.client.messaging.v1.services(service).phoneNumbers.create({ phoneNumberSid: own });
    const scheduled = await sb.client.messages.create({
      to: TO,
      messagingServiceSid: service,
      body: 'x',
      sendAt: new Date(Math.floor((Date.now() + 2 * HOUR) / 1000) * 1000),
      scheduleType: 'fixed',
    });
    const pooled = await sb.client.messages.create({ to: TO, messagingServiceSid: service, body: 'x' });
    setFateDecider(sb.sandbox.ctx, () => undefined);
    const decided = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'x' });
    setFateDecider(sb.sandbox.ctx, undefined);
    await patchSettings(sb, { throughput: { enabled: true } });
    const queued = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'x' });
    await patchSettings(sb, { throughput: { enabled: false } });
    for (const m of [withCallback, decided, queued]) {
      const row = stored(sb, m.sid);
      assert.equal(row.settles_at, null, m.sid);
      assert.equal(row.status, 'queued');
      assert.equal(row.next_status, 'sending');
    }
    assert.deepEqual(
      [scheduled, pooled].map((m) => [m.status, stored(sb, m.sid).settles_at]),
      [
        ['scheduled', null],
        ['accepted', null],
      ],
    );
    const planned = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'x' });
    assert.notEqual(stored(sb, planned.sid).settles_at, null);
  });
});

describe('planned courses: announcements and restarts', () => {
  it('announces each step of a planned course when it comes, in order', { timeout: 20_000 }, async () => {
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
        [1, 2, 3].map((i) => sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: `m${i}` })),
      );
      await done;
      for (const m of sent) assert.deepEqual(seen.get(m.sid), ['queued', 'sending', 'sent', 'delivered']);
    } finally {
      await sb.close();
    }
  });

  it('announces nothing more for a message deleted or reset away', async () => {
    const sb = await startSandbox({ statusDelay: 150 });
    try {
      const seen: string[] = [];
      sb.sandbox.ctx.events.subscribe((e: SandboxEvent) => {
        if (e.type === 'message') seen.push(`${e.sid}:${e.status}`);
      });
      const deleted = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'deleted once sent' });
      const reset = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'reset away' });
      const kept = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'kept' });
      const [, , sent, delivered] = parseTimeline(stored(sb, deleted.sid).timeline).map((e) => e.at);
      await new Promise((r) => setTimeout(r, sent! - Date.now() + 20));
      assert.equal(await sb.client.messages(deleted.sid).remove(), true);
      await new Promise((r) => setTimeout(r, delivered! - Date.now() + 300));
      assert.ok(seen.includes(`${kept.sid}:delivered`));
      assert.ok(!seen.includes(`${deleted.sid}:delivered`), 'no delivered event after the delete');
      assert.ok(seen.includes(`${reset.sid}:delivered`));

      const later = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'before a reset' });
      assert.equal((await sb.request('POST', '/_sandbox/reset', { headers: CONTROL })).status, 200);
      await new Promise((r) => setTimeout(r, 4 * 150 + 300));
      assert.deepEqual(
        seen.filter((x) => x.startsWith(later.sid)),
        [`${later.sid}:queued`],
      );
    } finally {
      await sb.close();
    }
  });

  it('announces, after a restart, the steps still to come', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-course-'));
    const data = join(dir, 'sandbox.db');
    try {
      const first = await startSandbox({ data, statusDelay: 700 });
      const m = await first.client.messages.create({ to: TO, from: first.phoneNumber, body: 'resumed' });
      await first.close();
      const second = await startSandbox({ data, statusDelay: 700 });
      try {
        const delivered = new Promise<void>((resolve) =>
          second.sandbox.ctx.events.subscribe((e) => {
            if (e.type === 'message' && e.sid === m.sid && e.status === 'delivered') resolve();
          }),
        );
        await delivered;
        assert.equal((await second.client.messages(m.sid).fetch()).status, 'delivered');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a planned course moving across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-course-'));
    const data = join(dir, 'sandbox.db');
    try {
      const first = await startSandbox({ data, statusDelay: HOUR });
      const m = await first.client.messages.create({ to: TO, from: first.phoneNumber, body: 'survives' });
      const steps = parseTimeline(stored(first, m.sid).timeline);
      await first.close();
      const second = await startSandbox({ data, statusDelay: 5 });
      const clock = pinClock(second);
      try {
        assert.equal((await second.client.messages(m.sid).fetch()).status, 'queued');
        clock.at(steps[2]!.at);
        assert.equal((await second.client.messages(m.sid).fetch()).status, 'sent');
        clock.at(steps[3]!.at);
        assert.equal((await second.client.messages(m.sid).fetch()).status, 'delivered');
      } finally {
        clock.restore();
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reading a planned course', () => {
  const base: MessageRow = {
    seq: 1,
    sid: `SM${'a'.repeat(32)}`,
    account_sid: `AC${'b'.repeat(32)}`,
    to_addr: TO,
    from_addr: '+14155550100',
    body: 'x',
    status: 'delivered',
    direction: 'outbound-api',
    num_segments: 1,
    num_media: 0,
    encoding: 'GSM-7',
    price: '-0.00790',
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    messaging_service_sid: null,
    status_callback: null,
    application_sid: null,
    validity_period: null,
    send_at: null,
    date_created: 1000,
    date_updated: 1000,
    date_sent: 1000,
    next_at: null,
    next_status: null,
    fate: 'delivered',
    extra: '{}',
    timeline: 'queued@1000 sending@1000 sent@1000 delivered@1000',
    settles_at: 1000,
  };

  it('shows the steps passed at a time, with date_sent and price from the sent step on', () => {
    const row = {
      ...base,
      timeline: 'queued@1000 sending@2000 sent@3000 delivered@4000',
      date_sent: 3000,
      settles_at: 4000,
    };
    const at = (now: number) => {
      const v = asOf(row, now);
      return [v.status, v.date_updated, v.date_sent, v.price, v.next_status, v.next_at, v.timeline];
    };
    assert.deepEqual(at(1999), ['queued', 1000, null, null, 'sending', 2000, 'queued@1000']);
    assert.deepEqual(at(2000), ['sending', 2000, null, null, 'sent', 3000, 'queued@1000 sending@2000']);
    assert.deepEqual(at(3999), [
      'sent',
      3000,
      3000,
      '-0.00790',
      'delivered',
      4000,
      'queued@1000 sending@2000 sent@3000',
    ]);
    assert.equal(asOf(row, 4000), row);
    assert.equal(asOf(base, 1000), base, 'steps that all came at once are settled at once');
  });

  it('stores a planned course in its final state and answers the create as queued', async () => {
    const sb = await startSandbox({ statusDelay: 0 });
    try {
      const m = await sb.client.messages.create({ to: TO, from: sb.phoneNumber, body: 'instant' });
      assert.deepEqual([m.status, m.dateSent, m.price], ['queued', null, null]);
      const row = stored(sb, m.sid);
      assert.deepEqual(
        [row.status, row.next_at, row.next_status, row.settles_at, row.date_updated],
        ['delivered', null, null, row.date_created, row.date_created],
      );
      assert.equal((await sb.client.messages(m.sid).fetch()).status, 'delivered');
    } finally {
      await sb.close();
    }
  });

  it('leaves stepped rows as they are stored', () => {
    const stepped = { ...base, settles_at: null, status: 'sending' as const, timeline: 'queued@1 sending@2' };
    assert.equal(asOf(stepped, 0), stepped);
  });
});

describe('announcement queue', () => {
  const ev = (sid: string, status: string): SandboxEvent => ({ type: 'message', sid, status, accountSid: 'AC' });
  const course = (sid: string, from: number, delay: number, statuses = ['sending', 'sent', 'delivered']) =>
    statuses.map((status, i) => ({ at: from + (i + 1) * delay, event: ev(sid, status) }));
  const names = (events: SandboxEvent[]) => events.map((e) => (e.type === 'message' ? `${e.sid}:${e.status}` : e.type));

  it('gives the steps due by time, each course in order, across delays', () => {
    const q = new AnnouncementQueue();
    q.pushCourse(0, course('a', 0, 10));
    q.pushCourse(5, course('b', 5, 2));
    q.pushCourse(6, course('c', 6, 0));
    assert.equal(q.size, 9);
    assert.equal(q.nextAt, 6);
    assert.deepEqual(names(q.takeDue(9)), ['c:sending', 'c:sent', 'c:delivered', 'b:sending', 'b:sent']);
    assert.deepEqual(names(q.takeDue(100)), ['a:sending', 'b:delivered', 'a:sent', 'a:delivered']);
    assert.equal(q.size, 0);
    assert.equal(q.nextAt, undefined);
  });

  it('takes whole courses only when full', () => {
    const q = new AnnouncementQueue(5);
    assert.equal(q.pushCourse(0, course('a', 0, 1)), true);
    assert.equal(q.pushCourse(0, course('b', 0, 1)), false, 'three steps do not fit in two places');
    assert.equal(q.pushCourse(0, course('c', 0, 1, ['sending', 'failed'])), true);
    assert.deepEqual(names(q.takeDue(10)).sort(), ['a:delivered', 'a:sending', 'a:sent', 'c:failed', 'c:sending']);
  });
});

describe('statusAt', () => {
  it('reads the status of a timeline at a time', () => {
    const t = 'queued@1000 sending@2000 sent@3000 undelivered@4000!30003';
    assert.deepEqual(
      [0, 1000, 2500, 3000, 4000, 9999].map((now) => statusAt(t, now)),
      ['queued', 'queued', 'sending', 'sent', 'undelivered', 'undelivered'],
    );
  });
});
