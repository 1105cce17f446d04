import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { parseTimeline } from '../../src/sandbox/store/timeline.js';
import { reach } from '../helpers/outbound.js';
import { CONTROL, patchSettings, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

async function rejectsWith(call: Promise<unknown>, status: number, code: number, message?: string): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

describe('sender throughput and queues, through the official SDK', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
  });
  after(() => sb.close());
  beforeEach(async () => {
    await fetch(`${sb.url}/_sandbox/settings/reset`, { method: 'POST', headers: CONTROL });
  });

  it('a long code sends one segment a second and refuses with 21611 once its backlog is full', async () => {
    await patchSettings(sb, { throughput: { enabled: true, queue_seconds: 3 } });
    const sent = [];
    for (let i = 0; i < 3; i++) {
      sent.push(await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770100', body: `m${i}` }));
    }
    await rejectsWith(
      sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770100', body: 'one too many' }),
      429,
      21611,
      'SMS queue is full.',
    );
    // the first goes out at once; the third waits its turn two seconds behind it
    await reach(sb, sent[0]!.sid, 'delivered');
    assert.equal((await sb.client.messages(sent[2]!.sid).fetch()).status, 'queued');
    const third = getMessageBySid(sb.sandbox.ctx.db, sent[2]!.sid)!;
    assert.equal(third.next_status, 'sending');
    assert.ok(
      third.next_at! - third.date_created >= 1500,
      `third sends ${third.next_at! - third.date_created} ms later`,
    );
  });

  it('a multi-segment message takes one turn per segment', async () => {
    await patchSettings(sb, { throughput: { enabled: true, queue_seconds: 4 } });
    const long = 'x'.repeat(153 * 3); // three GSM-7 segments
    const first = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770101', body: long });
    assert.equal(first.numSegments, '3');
    await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770101', body: 'fits' });
    await rejectsWith(sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770101', body: 'no' }), 429, 21611);
  });

  it('through a Messaging Service an overflowing message is accepted, then fails with 30001', async () => {
    await patchSettings(sb, { throughput: { enabled: true, queue_seconds: 2 } });
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Throughput' });
    const [pn] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: pn!.sid });
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        await sb.client.messages.create({ messagingServiceSid: service.sid, to: '+15557770102', body: `s${i}` }),
      );
    }
    assert.deepEqual(
      made.map((m) => m.status),
      ['accepted', 'accepted', 'accepted'],
    );
    await reach(sb, made[2]!.sid, 'failed');
    const failed = await sb.client.messages(made[2]!.sid).fetch();
    assert.equal(failed.errorCode, 30001);
    assert.equal(failed.errorMessage, 'Queue overflow');
    assert.notEqual((await sb.client.messages(made[1]!.sid).fetch()).status, 'failed');
  });

  it('a message still queued when its ValidityPeriod runs out fails with 30036 without being sent', async () => {
    // ten times faster: the five-segment message ahead takes 0.5 s, the validity of 1 s lasts 0.1 s
    await patchSettings(sb, { speed_up: 10, throughput: { enabled: true } });
    const ahead = await sb.client.messages.create({
      from: sb.phoneNumber,
      to: '+15557770103',
      body: 'y'.repeat(153 * 5),
    });
    const late = await sb.client.messages.create({
      from: sb.phoneNumber,
      to: '+15557770103',
      body: 'expires',
      validityPeriod: 1,
    });
    assert.equal(late.status, 'queued');
    await reach(sb, late.sid, 'failed');
    const fetched = await sb.client.messages(late.sid).fetch();
    assert.equal(fetched.errorCode, 30036);
    assert.equal(fetched.errorMessage, 'Validity Period Expired');
    assert.equal(fetched.dateSent, null);
    const timeline = parseTimeline(getMessageBySid(sb.sandbox.ctx.db, late.sid)?.timeline ?? '');
    assert.deepEqual(
      timeline.map((e) => [e.status, e.error_code]),
      [
        ['queued', null],
        ['failed', 30036],
      ],
    );
    // the one ahead still goes out: an expired message gives its turn back
    await reach(sb, ahead.sid, 'delivered');
  });

  it('with throughput off, messages keep the normal lifecycle whatever the backlog', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770104', body: `n${i}` }));
    }
    // none waits for a sender turn: each is due as soon as it is created (statusDelay 0)
    for (const m of made) {
      const row = getMessageBySid(sb.sandbox.ctx.db, m.sid)!;
      assert.ok(row.next_at === null || row.next_at <= row.date_created, m.body);
    }
    for (const m of made) await reach(sb, m.sid, 'delivered');
  });
});

describe('sender queues across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tc-throughput-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('new messages queue behind the ones still waiting from before the restart', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data, statusDelay: 0 });
    try {
      await patchSettings(first, { throughput: { enabled: true, queue_seconds: 30 } });
      for (let i = 0; i < 6; i++) {
        await first.client.messages.create({ from: first.phoneNumber, to: '+15557770110', body: `before ${i}` });
      }
    } finally {
      await first.close();
    }
    const second = await startSandbox({ data, statusDelay: 0 });
    try {
      const after = await second.client.messages.create({
        from: second.phoneNumber,
        to: '+15557770110',
        body: 'after',
      });
      const row = getMessageBySid(second.sandbox.ctx.db, after.sid)!;
      // behind the five that were still waiting: about six seconds from the first, not at once
      assert.ok(row.next_at! - row.date_created >= 3000, `sends ${row.next_at! - row.date_created} ms later`);
    } finally {
      await second.close();
    }
  });
});
