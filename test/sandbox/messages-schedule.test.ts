import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

async function rejectsWith(call: Promise<unknown>, status: number, code: number, message?: string): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('sandbox Messages: scheduling and cancel', () => {
  let sb: TestSandbox;
  let mg: string;
  let receiver: Server;
  const to = '+15558675310';
  before(async () => {
    receiver = createServer();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    sb = await startSandbox({ statusDelay: 3_600_000 });
    mg = (await sb.client.messaging.v1.services.create({ friendlyName: 'Scheduler' })).sid;
    const pn = insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: '+14155550171',
      now: Date.now(),
    });
    await sb.client.messaging.v1.services(mg).phoneNumbers.create({ phoneNumberSid: pn.sid });
  });
  after(async () => {
    await sb.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const inMs = (ms: number): Date => new Date(Math.floor((Date.now() + ms) / 1000) * 1000);

  it('creates a scheduled message: status scheduled, no sender yet, due at SendAt for the lifecycle', async () => {
    const sendAt = inMs(DAY);
    const m = await sb.client.messages.create({
      to,
      messagingServiceSid: mg,
      body: 'later',
      scheduleType: 'fixed',
      sendAt,
    });
    assert.equal(m.status, 'scheduled');
    assert.equal(m.from, null);
    assert.equal(m.dateSent, null);
    assert.equal(m.numSegments, '0');
    const row = getMessageBySid(sb.sandbox.ctx.db, m.sid)!;
    assert.equal(row.send_at, sendAt.getTime());
    assert.equal(row.next_at, sendAt.getTime());
    assert.equal(row.next_status, 'queued');
  });

  it('cancels a scheduled message, once: then 30409', async () => {
    const m = await sb.client.messages.create({
      to,
      messagingServiceSid: mg,
      body: 'never',
      scheduleType: 'fixed',
      sendAt: inMs(2 * DAY),
    });
    const seen: string[] = [];
    const stop = sb.sandbox.ctx.events.subscribe((e) => {
      if (e.type === 'message' && e.sid === m.sid) seen.push(e.status);
    });
    const canceled = await sb.client.messages(m.sid).update({ status: 'canceled' });
    stop();
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.dateSent, null);
    assert.deepEqual(seen, ['canceled']);
    const row = getMessageBySid(sb.sandbox.ctx.db, m.sid)!;
    assert.equal(row.next_at, null, 'the lifecycle has nothing left to do');
    await rejectsWith(sb.client.messages(m.sid).update({ status: 'canceled' }), 400, 30409);
    assert.equal(await sb.client.messages(m.sid).remove(), true, 'a canceled message is complete and can be deleted');
  });

  it('sends the canceled status callback, signed, to the message’s StatusCallback', async () => {
    const received = new Promise<{ params: URLSearchParams; signature: string | undefined }>((resolve) => {
      receiver.once('request', (req: IncomingMessage, res: ServerResponse) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          res.end('');
          resolve({
            params: new URLSearchParams(body),
            signature: req.headers['x-twilio-signature'] as string | undefined,
          });
        });
      });
    });
    const callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/status`;
    const m = await sb.client.messages.create({
      to,
      messagingServiceSid: mg,
      body: 'x',
      scheduleType: 'fixed',
      sendAt: inMs(DAY),
      statusCallback: callback,
    });
    let got: Awaited<typeof received> | undefined;
    void received.then((r) => (got = r));
    await sb.client.messages(m.sid).update({ status: 'canceled' });
    await sb.sandbox.ctx.webhooks.drain();
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(got, 'the callback was delivered');
    const { params, signature } = got;
    assert.equal(params.get('MessageSid'), m.sid);
    assert.equal(params.get('MessageStatus'), 'canceled');
    assert.equal(params.get('MessagingServiceSid'), mg);
    assert.ok(signature);
    assert.ok(twilio.validateRequest(sb.authToken, signature, callback, Object.fromEntries(params)));
  });

  it('keeps the window: more than 5 minutes, at most 35 days ahead (35114)', async () => {
    const send = (ms: number): Promise<unknown> =>
      sb.client.messages.create({ to, messagingServiceSid: mg, body: 'x', scheduleType: 'fixed', sendAt: inMs(ms) });
    await rejectsWith(send(4 * MINUTE), 400, 35114, 'Scheduling does not support this timestamp');
    await rejectsWith(send(-DAY), 400, 35114);
    await rejectsWith(send(36 * DAY), 400, 35114);
    assert.equal(((await send(6 * MINUTE)) as { status: string }).status, 'scheduled');
    assert.equal(((await send(35 * DAY - MINUTE)) as { status: string }).status, 'scheduled');
  });

  it('applies the scheduling rules: 35126, 35118, 35111, 35115', async () => {
    const path = `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`;
    const post = async (form: Record<string, string>): Promise<{ status: number; code: number }> => {
      const res = await sb.request('POST', path, { form: { To: to, Body: 'x', ...form } });
      const body = await json(res);
      return { status: res.status, code: body.code };
    };
    const later = inMs(DAY).toISOString().replace('.000', '');
    assert.deepEqual(await post({ MessagingServiceSid: mg, ScheduleType: 'daily', SendAt: later }), {
      status: 400,
      code: 35126,
    });
    assert.deepEqual(await post({ From: sb.phoneNumber, ScheduleType: 'fixed', SendAt: later }), {
      status: 400,
      code: 35118,
    });
    assert.deepEqual(await post({ MessagingServiceSid: mg, ScheduleType: 'fixed' }), { status: 400, code: 35111 });
    assert.deepEqual(await post({ MessagingServiceSid: mg, ScheduleType: 'fixed', SendAt: 'tomorrow' }), {
      status: 400,
      code: 35115,
    });
    const plain = await sb.request('POST', path, { form: { To: to, Body: 'x', From: sb.phoneNumber, SendAt: later } });
    assert.equal(plain.status, 201, 'SendAt without ScheduleType is an ordinary send');
    assert.equal((await json(plain)).status, 'queued');
  });

  it('refuses to delete a scheduled message (20009)', async () => {
    const m = await sb.client.messages.create({
      to,
      messagingServiceSid: mg,
      body: 'x',
      scheduleType: 'fixed',
      sendAt: inMs(DAY),
    });
    await rejectsWith(sb.client.messages(m.sid).remove(), 400, 20009);
  });
});
