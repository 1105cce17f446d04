// STOP, START and HELP from WhatsApp users, through the official SDK: the block is made on the
// WhatsApp addresses (a number's WhatsApp sender, or its Messaging Service), so later WhatsApp sends
// get 21610 while SMS between the same numbers is untouched; replies go back over WhatsApp; the
// webhook carries OptOutType with Advanced Opt-Out, the Event Streams inbound event always.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_REPLIES } from '../../src/sandbox/messaging/opt-out-keywords.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { joinCode } from '../../src/sandbox/messaging/whatsapp.js';
import { reach, settled } from '../helpers/outbound.js';
import { CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const PHONE = '+15557660101';
const USER = `whatsapp:${PHONE}`;
const SANDBOX_SENDER = 'whatsapp:+14155238886';

async function control(sb: TestSandbox, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(sb.url + path, {
    method,
    headers: body === undefined ? { ...CONTROL } : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function write(sb: TestSandbox, from: string, to: string, body: string): Promise<Record<string, unknown>> {
  const res = await control(sb, 'POST', '/_sandbox/inbound', { From: from, To: to, Body: body });
  const answer = (await json(res)) as Record<string, unknown>;
  assert.equal(res.status, 201, JSON.stringify(answer));
  return answer;
}

async function refusal(sb: TestSandbox, params: Parameters<TestSandbox['client']['messages']['create']>[0]) {
  try {
    await sb.client.messages.create(params);
  } catch (err) {
    return err as { status: number; code: number; message: string };
  }
  assert.fail('the send was not refused');
}

describe('WhatsApp opt-out keywords', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  let sender: string;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookTimeout: 2000 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });
  beforeEach(async () => {
    await control(sb, 'POST', '/_sandbox/reset');
    hook.received.length = 0;
    hook.answer(() => ({ status: 200, body: '<Response/>', contentType: 'text/xml' }));
    sb.sandbox.ctx.db
      .prepare('UPDATE incoming_numbers SET sms_url = ? WHERE phone_number = ?')
      .run(hook.url, sb.phoneNumber);
    sender = `whatsapp:${sb.phoneNumber}`;
  });

  it('STOP blocks the WhatsApp pair only: 21610 on WhatsApp, SMS untouched, the reply over WhatsApp', async () => {
    const stop = await write(sb, USER, sender, 'Stop');
    const err = await refusal(sb, { from: sender, to: USER, body: 'Our sale starts today' });
    assert.equal(err.status, 400);
    assert.equal(err.code, 21610);
    assert.equal(err.message, 'Attempt to send to unsubscribed recipient');

    // Twilio's reply went back over WhatsApp, free and delivered; nothing else reached the user
    const toUser = await sb.client.messages.list({ to: USER });
    assert.deepEqual(
      toUser.map((m) => [m.direction, m.from, m.body, m.status, m.price]),
      [['outbound-reply', sender, DEFAULT_REPLIES['opt-out'], 'delivered', null]],
    );
    // the keyword message was reported like any other, without OptOutType (no Advanced Opt-Out)
    await settled(sb, String(stop['sid']), 1);
    const params = hook.received.find((r) => r.params['MessageSid'] === stop['sid'])?.params;
    assert.equal(params?.['Body'], 'Stop');
    assert.equal(params?.['WaId'], PHONE.slice(1));
    assert.equal(params?.['OptOutType'], undefined);

    // an SMS from the same number to the same phone is another channel: not blocked
    assert.equal((await sb.client.messages.create({ from: sb.phoneNumber, to: PHONE, body: 'sms' })).status, 'queued');
    // nor is WhatsApp from the account's other numbers
    const other = insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: '+14155550177',
      now: Date.now(),
    });
    await write(sb, USER, `whatsapp:${other.phone_number}`, 'hi');
    const fromOther = await sb.client.messages.create({ from: `whatsapp:${other.phone_number}`, to: USER, body: 'x' });
    assert.equal(fromOther.status, 'queued');

    // the block list names the WhatsApp addresses
    const listed = (await json(await control(sb, 'GET', '/_sandbox/opt-outs'))).opt_outs as Record<string, unknown>[];
    assert.deepEqual(
      listed.map((o) => [o['sender'], o['sender_type'], o['phone_number'], o['keyword']]),
      [[sender, 'whatsapp_sender', USER, 'STOP']],
    );

    // HELP while opted out gets no answer; START lifts the block with its reply
    await write(sb, USER, sender, 'help');
    await write(sb, USER, sender, 'START');
    const back = await sb.client.messages.create({ from: sender, to: USER, body: 'Welcome back' });
    assert.equal(back.status, 'queued');
    const replies = (await sb.client.messages.list({ to: USER, from: sender }))
      .filter((m) => m.direction === 'outbound-reply')
      .map((m) => m.body)
      .reverse();
    assert.deepEqual(replies, [DEFAULT_REPLIES['opt-out'], DEFAULT_REPLIES['opt-in']]);
  });

  it('refuses a TwiML <Message> answering a WhatsApp STOP (21610) and sends the one answering START', async () => {
    hook.answer(() => ({
      status: 200,
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Sorry to see you go</Message></Response>',
      contentType: 'text/xml',
    }));
    const stop = await write(sb, USER, sender, 'STOP');
    const [row] = await settled(sb, String(stop['sid']), 1);
    assert.match(row?.error ?? '', /^21610 Attempt to send to unsubscribed recipient/);
    const start = await write(sb, USER, sender, 'START');
    await settled(sb, String(start['sid']), 1);
    const answered = (await sb.client.messages.list({ to: USER })).filter((m) => m.body === 'Sorry to see you go');
    assert.deepEqual(
      answered.map((m) => [m.from, m.direction]),
      [[sender, 'outbound-reply']],
    );
  });

  it('an SMS STOP does not block WhatsApp; the control API makes and lifts WhatsApp blocks', async () => {
    await write(sb, PHONE, sb.phoneNumber, 'STOP');
    assert.equal((await refusal(sb, { from: sb.phoneNumber, to: PHONE, body: 'x' })).code, 21610);
    await write(sb, USER, sender, 'hello');
    assert.equal((await sb.client.messages.create({ from: sender, to: USER, body: 'x' })).status, 'queued');

    const made = await control(sb, 'POST', '/_sandbox/opt-outs', { sender, phone_number: USER });
    assert.equal(made.status, 201);
    assert.equal((await json(made)).sender_type, 'whatsapp_sender');
    assert.equal((await refusal(sb, { from: sender, to: USER, body: 'x' })).code, 21610);
    const mixed = await control(sb, 'POST', '/_sandbox/opt-outs', { sender, phone_number: PHONE });
    assert.equal(mixed.status, 400);
    const lifted = await control(sb, 'POST', '/_sandbox/opt-ins', { sender, phone_number: USER });
    assert.equal((await json(lifted)).lifted, true);
    assert.equal((await sb.client.messages.create({ from: sender, to: USER, body: 'x' })).status, 'queued');
    // the SMS block stayed
    assert.equal((await refusal(sb, { from: sb.phoneNumber, to: PHONE, body: 'x' })).code, 21610);
  });

  it('Advanced Opt-Out covers a service’s WhatsApp senders: custom keyword, OptOutType, 21610 after acceptance', async () => {
    const service = await sb.client.messaging.v1.services.create({
      friendlyName: 'Alerts',
      inboundRequestUrl: hook.url,
    });
    const { db } = sb.sandbox.ctx;
    const first = db.prepare('SELECT sid FROM incoming_numbers WHERE phone_number = ?').get(sb.phoneNumber) as {
      sid: string;
    };
    const second = insertNumber(db, { accountSid: sb.accountSid, phoneNumber: '+14155550166', now: Date.now() });
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: first.sid });
    await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: second.sid });
    const put = await control(sb, 'PUT', `/_sandbox/services/${service.sid}/opt-out`, {
      enabled: true,
      opt_out_keywords: ['pause'],
      opt_out_reply: 'Alerts paused.',
    });
    assert.equal(put.status, 200);

    const pause = await write(sb, USER, sender, 'PAUSE');
    await settled(sb, String(pause['sid']), 1);
    const params = hook.received.find((r) => r.params['MessageSid'] === pause['sid'])?.params;
    assert.equal(params?.['OptOutType'], 'STOP');
    assert.equal(params?.['MessagingServiceSid'], service.sid);
    const [reply] = await sb.client.messages.list({ to: USER, limit: 1 });
    assert.deepEqual([reply?.body, reply?.from, reply?.messagingServiceSid], ['Alerts paused.', sender, service.sid]);

    // through the service: accepted, then failed with 21610
    const accepted = await sb.client.messages.create({ messagingServiceSid: service.sid, to: USER, body: 'Alert' });
    assert.equal(accepted.status, 'accepted');
    await reach(sb, accepted.sid, 'failed');
    assert.equal((await sb.client.messages(accepted.sid).fetch()).errorCode, 21610);
    // from the WhatsApp sender of another number of the pool: refused at once
    assert.equal((await refusal(sb, { from: `whatsapp:${second.phone_number}`, to: USER, body: 'x' })).code, 21610);
    // SMS through the same service to the same phone is another channel
    const sms = await sb.client.messages.create({ messagingServiceSid: service.sid, to: PHONE, body: 'Alert' });
    assert.equal((await reach(sb, sms.sid, 'delivered')).error_code, null);

    const listed = (await json(await control(sb, 'GET', '/_sandbox/opt-outs'))).opt_outs as Record<string, unknown>[];
    assert.deepEqual(
      listed.map((o) => [o['sender'], o['sender_type'], o['phone_number']]),
      [[service.sid, 'messaging_service', USER]],
    );
  });

  it('keywords to Twilio’s WhatsApp Sandbox number block that sender for the account', async () => {
    await write(sb, USER, SANDBOX_SENDER, `join ${joinCode(sb.accountSid)}`);
    assert.equal((await sb.client.messages.create({ from: SANDBOX_SENDER, to: USER, body: 'x' })).status, 'queued');
    await write(sb, USER, SANDBOX_SENDER, 'stop');
    assert.equal((await refusal(sb, { from: SANDBOX_SENDER, to: USER, body: 'x' })).code, 21610);
    const [reply] = await sb.client.messages.list({ to: USER, from: SANDBOX_SENDER, limit: 1 });
    assert.equal(reply?.body, DEFAULT_REPLIES['opt-out']);
  });

  it('names the keyword in the Event Streams inbound event', async () => {
    const events = sb.client.events.v1;
    const sink = await events.sinks.create({
      description: 'keywords',
      sinkType: 'webhook',
      sinkConfiguration: { destination: `${hook.url}/events`, method: 'POST', batch_events: false },
    });
    await events.sinks(sink.sid).sinkTest.create();
    const [test] = await hook.waitFor(1, (r) => r.path.startsWith('/events'));
    await events.sinks(sink.sid).sinkValidate.create({ testId: JSON.parse(test!.body).data.test_id });
    await events.subscriptions.create({
      description: 'inbound',
      sinkSid: sink.sid,
      types: [{ type: 'com.twilio.messaging.inbound-message.received' }],
    });
    for (const [body, type] of [
      ['hi', undefined],
      ['STOP', 'STOP'],
      ['yes', 'START'],
      ['Info', 'HELP'],
    ] as const) {
      hook.received.length = 0;
      const sent = await write(sb, USER, sender, body);
      const [got] = await hook.waitFor(1, (r) => r.path.startsWith('/events'));
      const event = JSON.parse(got!.body);
      assert.equal(event.data.messageSid, sent['sid']);
      assert.equal(event.data.from, USER);
      assert.equal(event.data.optOutType, type, body);
    }
  });
});
