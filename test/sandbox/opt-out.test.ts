import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  DEFAULT_REPLIES,
  matchKeyword,
  mergeAdvanced,
  ADVANCED_DEFAULTS,
} from '../../src/sandbox/messaging/opt-out-keywords.js';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { reach, settled } from '../helpers/outbound.js';
import { CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const PHONE = '+15557650101';

interface RestError {
  status: number;
  code: number;
  message: string;
  moreInfo: string;
}

async function text(sb: TestSandbox, from: string, to: string, body: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${sb.url}/_sandbox/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ From: from, To: to, Body: body }),
  });
  assert.equal(res.status, 201);
  return (await json(res)) as Record<string, unknown>;
}

async function control(sb: TestSandbox, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(sb.url + path, {
    method,
    headers: body === undefined ? { ...CONTROL } : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function sendError(sb: TestSandbox, params: Parameters<TestSandbox['client']['messages']['create']>[0]) {
  try {
    await sb.client.messages.create(params);
  } catch (err) {
    return err as RestError;
  }
  assert.fail('the send was not refused');
}

describe('opt-out keywords: the rule and the replies', () => {
  it('matches the whole trimmed body in any case, and nothing else', () => {
    for (const body of [
      'STOP',
      'stop',
      'sToP',
      ' Stop ',
      'stopall',
      'Unsubscribe',
      'cancel',
      'END',
      'quit',
      'revoke',
      'OptOut',
    ]) {
      assert.equal(matchKeyword(body)?.kind, 'opt-out', body);
    }
    for (const body of ['START', 'yes', 'Unstop']) assert.equal(matchKeyword(body)?.kind, 'opt-in', body);
    for (const body of ['HELP', 'info']) assert.equal(matchKeyword(body)?.kind, 'help', body);
    for (const body of ['Stop please', 'STOP PLEASE', 'please cancel', 'OPT OUT', 'STOP.', 'Stop!', '', 'stopp']) {
      assert.equal(matchKeyword(body), undefined, body);
    }
  });

  it('adds a service’s keywords only while Advanced Opt-Out is on, and refuses bad settings', () => {
    const custom = mergeAdvanced(ADVANCED_DEFAULTS, { opt_out_keywords: ['pause'], help_keywords: ['aide'] });
    assert.equal(matchKeyword('pause', custom), undefined);
    const on = mergeAdvanced(custom, { enabled: true });
    assert.deepEqual(matchKeyword('Pause', on), { kind: 'opt-out', keyword: 'PAUSE' });
    assert.equal(matchKeyword('AIDE', on)?.kind, 'help');
    assert.equal(matchKeyword('STOP', on)?.kind, 'opt-out');
    assert.throws(() => mergeAdvanced(on, { opt_out_keywords: ['OPT OUT'] }), /no spaces/);
    assert.throws(() => mergeAdvanced(on, { opt_in_keywords: ['STOP'] }), /cannot be both/);
    assert.throws(() => mergeAdvanced(on, { help_reply: '' }), /help_reply/);
    assert.throws(() => mergeAdvanced(on, { enabled: 'yes' }), /enabled/);
    assert.throws(() => mergeAdvanced(on, { colour: 'red' }), /Unknown field colour/);
  });
});

describe('opt-out through the official SDK', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookTimeout: 2000 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });
  beforeEach(async () => {
    await sb.request('POST', '/_sandbox/reset', { headers: CONTROL });
    hook.received.length = 0;
    sb.sandbox.ctx.db
      .prepare('UPDATE incoming_numbers SET sms_url = ? WHERE phone_number = ?')
      .run(hook.url, sb.phoneNumber);
  });

  it('STOP blocks the number it was sent to: 21610 at create, the reply stored, the webhook still sent', async () => {
    const stop = await text(sb, PHONE, sb.phoneNumber, ' Stop ');
    const err = await sendError(sb, { from: sb.phoneNumber, to: PHONE, body: 'Sale today' });
    assert.equal(err.status, 400);
    assert.equal(err.code, 21610);
    assert.equal(err.message, 'Attempt to send to unsubscribed recipient');
    assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/21610');
    // nothing was stored for the refused send
    const toPhone = await sb.client.messages.list({ to: PHONE });
    assert.deepEqual(
      toPhone.map((m) => [m.direction, m.from, m.body, m.status, m.price]),
      [['outbound-reply', sb.phoneNumber, DEFAULT_REPLIES['opt-out'], 'delivered', null]],
    );
    // the keyword message reached the number's webhook like any other, without OptOutType
    const [delivered] = await settled(sb, String(stop['sid']), 1);
    assert.equal(delivered?.state, 'delivered');
    const received = hook.received.find((r) => r.params['MessageSid'] === stop['sid']);
    assert.equal(received?.params['Body'], ' Stop ');
    assert.equal(received?.params['OptOutType'], undefined);
    // the account's other numbers may still text the phone
    const other = insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: '+14155550188',
      now: Date.now(),
    });
    const ok = await sb.client.messages.create({ from: other.phone_number, to: PHONE, body: 'Still here' });
    assert.equal(ok.status, 'queued');
  });

  it('START lifts the block with its reply; HELP answers while subscribed only; other words do nothing', async () => {
    await text(sb, PHONE, sb.phoneNumber, 'STOP');
    await text(sb, PHONE, sb.phoneNumber, 'help');
    assert.equal((await sendError(sb, { from: sb.phoneNumber, to: PHONE, body: 'x' })).code, 21610);
    await text(sb, PHONE, sb.phoneNumber, 'stop please');
    assert.equal((await sendError(sb, { from: sb.phoneNumber, to: PHONE, body: 'x' })).code, 21610);
    await text(sb, PHONE, sb.phoneNumber, 'Start');
    const sent = await sb.client.messages.create({ from: sb.phoneNumber, to: PHONE, body: 'Welcome back' });
    assert.equal(sent.status, 'queued');
    await text(sb, PHONE, sb.phoneNumber, 'INFO');
    const replies = (await sb.client.messages.list({ to: PHONE, from: sb.phoneNumber }))
      .filter((m) => m.direction === 'outbound-reply')
      .map((m) => m.body)
      .reverse();
    assert.deepEqual(replies, [DEFAULT_REPLIES['opt-out'], DEFAULT_REPLIES['opt-in'], DEFAULT_REPLIES.help]);
    assert.equal(DEFAULT_REPLIES.help, 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.');
  });

  it('refuses a TwiML <Message> answering a STOP (21610) and sends the one answering a START', async () => {
    hook.answer(() => ({
      status: 200,
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Sorry to see you go</Message></Response>',
      contentType: 'text/xml',
    }));
    try {
      const stop = await text(sb, PHONE, sb.phoneNumber, 'STOP');
      const [row] = await settled(sb, String(stop['sid']), 1);
      assert.match(row?.error ?? '', /^21610 Attempt to send to unsubscribed recipient/);
      const start = await text(sb, PHONE, sb.phoneNumber, 'START');
      await settled(sb, String(start['sid']), 1);
      const bodies = (await sb.client.messages.list({ to: PHONE })).map((m) => m.body);
      assert.equal(bodies.filter((b) => b === 'Sorry to see you go').length, 1);
    } finally {
      hook.answer(() => ({ status: 200, body: '<Response/>', contentType: 'text/xml' }));
    }
  });

  it('a Messaging Service with Advanced Opt-Out: custom keywords and replies, OptOutType, failure after acceptance', async () => {
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
      opt_in_keywords: ['resume'],
      opt_out_reply: 'Alerts paused. Text RESUME to get them again.',
    });
    assert.equal(put.status, 200);
    assert.deepEqual((await json(put)).opt_out_keywords, ['PAUSE']);

    const pause = await text(sb, PHONE, sb.phoneNumber, 'Pause');
    await settled(sb, String(pause['sid']), 1);
    const params = hook.received.find((r) => r.params['MessageSid'] === pause['sid'])?.params;
    assert.equal(params?.['OptOutType'], 'STOP');
    assert.equal(params?.['MessagingServiceSid'], service.sid);
    const [reply] = await sb.client.messages.list({ to: PHONE, limit: 1 });
    assert.equal(reply?.body, 'Alerts paused. Text RESUME to get them again.');
    assert.equal(reply?.messagingServiceSid, service.sid);

    // the block covers the whole service: accepted, then failed with 21610
    const accepted = await sb.client.messages.create({ messagingServiceSid: service.sid, to: PHONE, body: 'Alert' });
    assert.equal(accepted.status, 'accepted');
    await reach(sb, accepted.sid, 'failed');
    const failed = await sb.client.messages(accepted.sid).fetch();
    assert.equal(failed.errorCode, 21610);
    assert.equal(failed.errorMessage, 'Attempt to send to unsubscribed recipient');
    // and every sender of its pool, even from a plain From
    assert.equal((await sendError(sb, { from: second.phone_number, to: PHONE, body: 'x' })).code, 21610);

    const resume = await text(sb, PHONE, second.phone_number, 'RESUME');
    await settled(sb, String(resume['sid']), 1);
    assert.equal(hook.received.find((r) => r.params['MessageSid'] === resume['sid'])?.params['OptOutType'], 'START');
    const help = await text(sb, PHONE, sb.phoneNumber, 'help');
    await settled(sb, String(help['sid']), 1);
    assert.equal(hook.received.find((r) => r.params['MessageSid'] === help['sid'])?.params['OptOutType'], 'HELP');
    const again = await sb.client.messages.create({ messagingServiceSid: service.sid, to: PHONE, body: 'Alert' });
    assert.equal((await reach(sb, again.sid, 'delivered')).error_code, null);
  });

  it('toll-free numbers answer with the carriers’ texts; YES does not lift their block', async () => {
    const tollFree = insertNumber(sb.sandbox.ctx.db, {
      accountSid: sb.accountSid,
      phoneNumber: '+18885550123',
      type: 'tollfree',
      now: Date.now(),
    });
    await text(sb, PHONE, tollFree.phone_number, 'stop');
    await text(sb, PHONE, tollFree.phone_number, 'yes');
    assert.equal((await sendError(sb, { from: tollFree.phone_number, to: PHONE, body: 'x' })).code, 21610);
    await text(sb, PHONE, tollFree.phone_number, 'unstop');
    const bodies = (await sb.client.messages.list({ to: PHONE, from: tollFree.phone_number }))
      .map((m) => m.body)
      .reverse();
    assert.deepEqual(bodies, [
      'NETWORK MSG: You replied with the word "stop" which blocks all texts sent from this number. Text back "unstop" to receive messages again.',
      'NETWORK MSG: You have replied "unstop" and will begin receiving messages again from this number.',
    ]);
  });

  it('the control API lists, adds, lifts and clears blocks, and refuses bad input with a 4xx', async () => {
    const made = await control(sb, 'POST', '/_sandbox/opt-outs', { sender: sb.phoneNumber, phone_number: PHONE });
    assert.equal(made.status, 201);
    assert.equal((await sendError(sb, { from: sb.phoneNumber, to: PHONE, body: 'x' })).code, 21610);
    await text(sb, '+15557650102', sb.phoneNumber, 'QUIT');
    const listed = (await json(await control(sb, 'GET', '/_sandbox/opt-outs'))).opt_outs as Record<string, unknown>[];
    assert.deepEqual(
      listed.map((o) => [o['sender'], o['sender_type'], o['phone_number'], o['keyword']]).sort(),
      [
        [sb.phoneNumber, 'phone_number', PHONE, null],
        [sb.phoneNumber, 'phone_number', '+15557650102', 'QUIT'],
      ].sort(),
    );
    const lifted = await control(sb, 'POST', '/_sandbox/opt-ins', { sender: sb.phoneNumber, phone_number: PHONE });
    assert.deepEqual(await json(lifted), { sender: sb.phoneNumber, phone_number: PHONE, lifted: true });
    assert.equal((await sb.client.messages.create({ from: sb.phoneNumber, to: PHONE, body: 'x' })).status, 'queued');
    assert.deepEqual(await json(await control(sb, 'DELETE', '/_sandbox/opt-outs')), { cleared: 1 });
    assert.deepEqual(await json(await control(sb, 'GET', '/_sandbox/opt-outs')), { opt_outs: [] });

    const cases: [string, string, unknown, number][] = [
      ['POST', '/_sandbox/opt-outs', { sender: sb.phoneNumber }, 400],
      ['POST', '/_sandbox/opt-outs', { sender: 'me', phone_number: PHONE }, 400],
      ['POST', '/_sandbox/opt-outs', { sender: '+15550009999', phone_number: PHONE }, 404],
      ['POST', '/_sandbox/opt-outs', [1, 2], 400],
      ['POST', '/_sandbox/opt-ins', { sender: `MG${'0'.repeat(32)}`, phone_number: PHONE }, 404],
      ['PUT', `/_sandbox/services/MG${'0'.repeat(32)}/opt-out`, { enabled: true }, 404],
      ['GET', '/_sandbox/services/nope/opt-out', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await control(sb, method, path, body);
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(typeof (await json(res)).message, 'string');
    }
    const service = await sb.client.messaging.v1.services.create({ friendlyName: 'Bad input' });
    const badPatch = await control(sb, 'PATCH', `/_sandbox/services/${service.sid}/opt-out`, {
      opt_out_keywords: 'PAUSE',
    });
    assert.equal(badPatch.status, 400);
    assert.match((await json(badPatch)).message, /opt_out_keywords must be a list/);
    assert.deepEqual(
      await json(await control(sb, 'GET', `/_sandbox/services/${service.sid}/opt-out`)),
      ADVANCED_DEFAULTS,
    );
  });

  it('the magic recipient +15005550004 still answers 21610', async () => {
    const err = await sendError(sb, { from: '+15005550006', to: '+15005550004', body: 'x' });
    assert.equal(err.code, 21610);
  });
});

describe('opt-outs survive a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-optout-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the block list in the database', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data, statusDelay: 0 });
    try {
      await text(first, PHONE, first.phoneNumber, 'STOP');
    } finally {
      await first.close();
    }
    const second = await startSandbox({ data, statusDelay: 0 });
    try {
      const err = await sendError(second, { from: second.phoneNumber, to: PHONE, body: 'x' });
      assert.equal(err.code, 21610);
    } finally {
      await second.close();
    }
  });
});
