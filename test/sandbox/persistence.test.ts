import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { webhooksOf } from '../../src/sandbox/webhooks/outbox.js';
import { reach, sendOutbound, settled } from '../helpers/outbound.js';
import { CONTROL, sdkClient, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

function onStatus(sb: TestSandbox, sid: string, status: string): Promise<void> {
  return new Promise((resolve) => {
    const off = sb.sandbox.ctx.events.subscribe((e: SandboxEvent) => {
      if (e.type === 'message' && e.sid === sid && e.status === status) {
        off();
        resolve();
      }
    });
  });
}

describe('restart with the same database file', () => {
  let dir: string;
  let hook: Receiver;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-persist-'));
    hook = await startReceiver();
  });
  after(async () => {
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes a lifecycle and redelivers a webhook that a stop cut short', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data, statusDelay: 300, webhookTimeout: 30_000 });
    const url = `${hook.url}/status`;
    // the first callback of `stuck` hangs until the sandbox stops
    hook.answer((_r, i) => (i === 0 ? { hang: true } : { status: 204 }));
    const stuck = sendOutbound(first, { status_callback: url });
    await hook.waitFor(1);
    const moving = sendOutbound(first, { status_callback: url, to_addr: '+15551112222' });
    await onStatus(first, moving.sid, 'sending');
    await first.close();
    const peek = new Database(data, { readonly: true });
    assert.deepEqual(
      webhooksOf(peek, stuck.sid).map((r) => r.state),
      ['pending'],
      'the cut-short callback is still pending on disk',
    );
    assert.equal(getMessageBySid(peek, moving.sid)?.status, 'sending', 'stopped mid-lifecycle');
    peek.close();

    const second = await startSandbox({ data, statusDelay: 300 });
    try {
      assert.equal(second.accountSid, first.accountSid, 'the account survives');
      const done = await reach(second, moving.sid, 'delivered');
      assert.equal(done.price, '-0.00790');
      assert.equal((await reach(second, stuck.sid, 'delivered')).status, 'delivered');
      const rows = await settled(second, stuck.sid, 3);
      assert.deepEqual(
        rows.map((r) => r.state),
        ['delivered', 'delivered', 'delivered'],
      );
      await settled(second, moving.sid, 3);
      for (const sid of [stuck.sid, moving.sid]) {
        const calls = hook.received.filter((r) => r.params['MessageSid'] === sid);
        // a redelivery repeats its idempotency token; distinct tokens are the distinct changes
        const byToken = new Map<string, string>();
        for (const c of calls) {
          assert.equal(
            twilio.validateRequest(second.authToken, String(c.headers['x-twilio-signature']), url, c.params),
            true,
          );
          byToken.set(String(c.headers['i-twilio-idempotency-token']), c.params['MessageStatus']!);
        }
        assert.deepEqual([...byToken.values()], ['sending', 'sent', 'delivered'], sid);
      }
      const stuckCalls = hook.received.filter((r) => r.params['MessageSid'] === stuck.sid);
      assert.equal(
        stuckCalls[0]!.headers['i-twilio-idempotency-token'],
        stuckCalls[1]!.headers['i-twilio-idempotency-token'],
      );
      assert.equal(getMessageBySid(second.sandbox.ctx.db, moving.sid)?.status, 'delivered');
    } finally {
      await second.close();
    }
  });
});

describe('restart with another account SID on the same database file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-switch-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const other = `AC${'b'.repeat(32)}`;
  const send = (sb: TestSandbox) =>
    sb.client.messages.create({ from: sb.phoneNumber, to: '+15557654321', body: 'from the start number' });

  it('gives the new account its own number that sends, and leaves the first one its number', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data });
    assert.equal(first.phoneNumber, '+14155550100');
    await first.close();

    const second = await startSandbox({ data, accountSid: other, authToken: 'othertoken1' });
    try {
      assert.equal(second.accountSid, other);
      assert.equal(second.phoneNumber, '+14155550101', 'the next number after the configured one');
      assert.equal((await send(second)).status, 'queued');
      const numbers = await second.client.incomingPhoneNumbers.list();
      assert.deepEqual(
        numbers.map((n) => [n.phoneNumber, n.capabilities.sms, n.capabilities.mms]),
        [['+14155550101', true, true]],
      );
    } finally {
      await second.close();
    }

    const again = await startSandbox({ data, accountSid: other });
    try {
      assert.equal(again.phoneNumber, '+14155550101', 'the same number on every start');
      assert.equal((await again.client.incomingPhoneNumbers.list()).length, 1, 'no extra number per start');
      // a reset gives back the number printed on start, not the configured one
      const reset = await fetch(`${again.url}/_sandbox/reset`, { method: 'POST', headers: CONTROL });
      assert.equal(reset.status, 200);
      assert.deepEqual(
        (await again.client.incomingPhoneNumbers.list()).map((n) => n.phoneNumber),
        ['+14155550101'],
      );
    } finally {
      await again.close();
    }
  });

  it('keeps the first account its configured number when it comes back', async () => {
    const data = join(dir, 'back.db');
    const first = await startSandbox({ data });
    const firstSid = first.accountSid;
    await first.close();
    await (await startSandbox({ data, accountSid: other })).close();
    const back = await startSandbox({ data, accountSid: firstSid });
    try {
      assert.equal(back.phoneNumber, '+14155550100');
      assert.equal((await send(back)).status, 'queued');
    } finally {
      await back.close();
    }
  });

  it('gives the configured number to a new account when nobody holds it', async () => {
    const data = join(dir, 'free.db');
    const first = await startSandbox({ data });
    await first.client.incomingPhoneNumbers((await first.client.incomingPhoneNumbers.list())[0]!.sid).remove();
    await first.close();
    const second = await startSandbox({ data, accountSid: other });
    try {
      assert.equal(second.phoneNumber, '+14155550100');
      assert.equal((await send(second)).status, 'queued');
    } finally {
      await second.close();
    }
  });
});

describe('restart keeps numbers, services, keys and scheduled messages', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-keep-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves all of them again, working, after a restart', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data });
    const [pick] = await first.client.availablePhoneNumbers('US').local.list({ areaCode: 808, limit: 1 });
    const bought = await first.client.incomingPhoneNumbers.create({
      phoneNumber: pick!.phoneNumber,
      smsUrl: 'https://example.com/sms',
      friendlyName: 'kept number',
    });
    const service = await first.client.messaging.v1.services.create({ friendlyName: 'kept service' });
    await first.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: bought.sid });
    const key = await first.client.newKeys.create({ friendlyName: 'kept key' });
    const sendAt = new Date(Date.now() + 2 * 86_400_000);
    sendAt.setUTCMilliseconds(0);
    const scheduled = await first.client.messages.create({
      to: '+15557654321',
      messagingServiceSid: service.sid,
      body: 'later',
      scheduleType: 'fixed',
      sendAt,
    });
    assert.equal(scheduled.status, 'scheduled');
    const { accountSid, authToken } = first;
    await first.close();

    const second = await startSandbox({ data });
    try {
      assert.equal(second.accountSid, accountSid);
      assert.equal(second.authToken, authToken);

      const number = await second.client.incomingPhoneNumbers(bought.sid).fetch();
      assert.equal(number.phoneNumber, bought.phoneNumber);
      assert.equal(number.smsUrl, 'https://example.com/sms');
      assert.equal(number.friendlyName, 'kept number');
      const available = await second.client.availablePhoneNumbers('US').local.list({ areaCode: 808, limit: 1000 });
      assert.ok(!available.some((n) => n.phoneNumber === bought.phoneNumber), 'still not for sale');

      const kept = await second.client.messaging.v1.services(service.sid).fetch();
      assert.equal(kept.friendlyName, 'kept service');
      const pool = await second.client.messaging.v1.services(service.sid).phoneNumbers.list();
      assert.deepEqual(
        pool.map((p) => p.sid),
        [bought.sid],
      );

      const viaKey = sdkClient(second.url, key.sid, key.secret, accountSid);
      assert.equal((await viaKey.api.v2010.accounts(accountSid).fetch()).sid, accountSid);
      assert.equal((await second.client.keys(key.sid).fetch()).friendlyName, 'kept key');

      const waiting = await second.client.messages(scheduled.sid).fetch();
      assert.equal(waiting.status, 'scheduled');
      assert.equal(waiting.body, 'later');
      assert.equal(waiting.messagingServiceSid, service.sid);
      assert.equal(getMessageBySid(second.sandbox.ctx.db, scheduled.sid)?.send_at, sendAt.getTime());
      // and it still behaves as a scheduled message: it can be canceled
      assert.equal((await second.client.messages(scheduled.sid).update({ status: 'canceled' })).status, 'canceled');
      // a message sent through the kept service picks the kept sender
      const now = await second.client.messages.create({
        to: '+15557654321',
        messagingServiceSid: service.sid,
        body: 'now',
      });
      assert.equal(now.status, 'accepted');
      assert.equal((await reach(second, now.sid, 'delivered')).from_addr, bought.phoneNumber);
    } finally {
      await second.close();
    }
  });
});
