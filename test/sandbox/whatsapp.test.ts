// WhatsApp on the Messages API, through the official SDK: who may send as `whatsapp:+…` (63007,
// 21910), inbound WhatsApp with its webhook parameters, the 24-hour window (63016 after a 201, at
// delivery) crossed with the clock speed-up, templates outside the window, Twilio's shared
// WhatsApp Sandbox number (63015 until `join <code>`), and `read` with its signed callback.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import twilio from 'twilio';
import { insertNumber } from '../../src/sandbox/store/numbers.js';
import { reach } from '../helpers/outbound.js';
import { CONTROL, json, patchSettings, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const USER = 'whatsapp:+15551234567';
const SANDBOX_SENDER = 'whatsapp:+14155238886';

function isTwilioError(code: number, status = 400) {
  return (err: unknown): boolean => {
    const e = err as { code?: number; status?: number };
    assert.equal(e.code, code, JSON.stringify(err));
    assert.equal(e.status, status);
    return true;
  };
}

/** A plain-text Content template of the sandbox's account; its SID. */
async function textTemplate(sb: TestSandbox, body: string): Promise<string> {
  const c = await sb.client.content.v1.contents.create({
    friendly_name: 'window_test',
    language: 'en',
    types: { 'twilio/text': { body } },
  } as any);
  return c.sid;
}

async function control(sb: TestSandbox, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sb.url}${path}`, {
    method,
    headers: body === undefined ? CONTROL : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function inbound(sb: TestSandbox, body: Record<string, unknown>): Promise<any> {
  const res = await control(sb, 'POST', '/_sandbox/inbound', body);
  const answer = await json(res);
  assert.equal(res.status, 201, JSON.stringify(answer));
  return answer;
}

describe('WhatsApp', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  let sender: string;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookTimeout: 500 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });
  beforeEach(async () => {
    await control(sb, 'POST', '/_sandbox/reset');
    await patchSettings(sb, { speed_up: 1, whatsapp: { read_on_reply: true } });
    sb.sandbox.ctx.db
      .prepare('UPDATE incoming_numbers SET sms_url = ? WHERE phone_number = ?')
      .run(`${hook.url}/sms`, sb.phoneNumber);
    hook.received.length = 0;
    sender = `whatsapp:${sb.phoneNumber}`;
  });

  describe('senders', () => {
    it('sends from an owned number as whatsapp: and refuses other senders with 63007', async () => {
      const ok = await sb.client.messages.create({ from: sender, to: USER, body: 'hi' });
      assert.equal(ok.status, 'queued');
      assert.equal(ok.from, sender);
      assert.equal(ok.to, USER);
      await assert.rejects(
        sb.client.messages.create({ from: 'whatsapp:+15550001111', to: USER, body: 'hi' }),
        isTwilioError(63007),
      );
      // another account's number is no sender of this one
      insertNumber(sb.sandbox.ctx.db, { accountSid: 'AC' + 'f'.repeat(32), phoneNumber: '+15550002222', now: 0 });
      await assert.rejects(
        sb.client.messages.create({ from: 'whatsapp:+15550002222', to: USER, body: 'hi' }),
        isTwilioError(63007),
      );
    });

    it('refuses mixed channels with 21910, either way round', async () => {
      await assert.rejects(
        sb.client.messages.create({ from: sb.phoneNumber, to: USER, body: 'hi' }),
        isTwilioError(21910),
      );
      await assert.rejects(
        sb.client.messages.create({ from: sender, to: '+15551234567', body: 'hi' }),
        isTwilioError(21910),
      );
    });

    it('a Messaging Service sends to a WhatsApp user from its number’s WhatsApp address', async () => {
      const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
      const service = await sb.client.messaging.v1.services.create({ friendlyName: 'WhatsApp pool' });
      await sb.client.messaging.v1.services(service.sid).phoneNumbers.create({ phoneNumberSid: number!.sid });
      await inbound(sb, { From: USER, To: sender, Body: 'hi' });
      const m = await sb.client.messages.create({ messagingServiceSid: service.sid, to: USER, body: 'hello' });
      assert.equal(m.status, 'accepted');
      await reach(sb, m.sid, 'delivered');
      assert.equal((await sb.client.messages(m.sid).fetch()).from, sender);
    });

    it('a number withdrawn as a WhatsApp sender gets 63007 until registered again', async () => {
      let res = await control(sb, 'PUT', `/_sandbox/whatsapp/senders/${encodeURIComponent(sb.phoneNumber)}`, {
        enabled: false,
      });
      const state = await json(res);
      assert.equal(res.status, 200, JSON.stringify(state));
      assert.deepEqual(state.senders, [{ phone_number: sb.phoneNumber, address: sender, enabled: false }]);
      await assert.rejects(sb.client.messages.create({ from: sender, to: USER, body: 'hi' }), isTwilioError(63007));
      // SMS from the same number is not affected
      const sms = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15551234567', body: 'hi' });
      assert.equal(sms.status, 'queued');
      res = await control(sb, 'PUT', `/_sandbox/whatsapp/senders/${encodeURIComponent(sb.phoneNumber)}`, {
        enabled: true,
      });
      assert.equal(res.status, 200);
      assert.equal((await sb.client.messages.create({ from: sender, to: USER, body: 'hi' })).status, 'queued');
      res = await control(sb, 'PUT', '/_sandbox/whatsapp/senders/%2B15550009999', { enabled: true });
      assert.equal(res.status, 404);
      res = await control(sb, 'PUT', `/_sandbox/whatsapp/senders/${encodeURIComponent(sb.phoneNumber)}`, {
        enabled: 'yes',
      });
      assert.equal(res.status, 400);
    });
  });

  describe('inbound', () => {
    it('reports a WhatsApp message with WaId, ProfileName and MessageType, signed, without SMS geo fields', async () => {
      const stored = await inbound(sb, { From: USER, To: sender, Body: 'hola', ProfileName: 'Grace' });
      assert.equal(stored.from, USER);
      assert.equal(stored.to, sender);
      assert.equal(stored.status, 'received');
      const [hit] = await hook.waitFor(1);
      const p = hit!.params;
      assert.equal(p['From'], USER);
      assert.equal(p['To'], sender);
      assert.equal(p['WaId'], '15551234567');
      assert.equal(p['ProfileName'], 'Grace');
      assert.equal(p['MessageType'], 'text');
      assert.equal(p['ReferralNumMedia'], '0');
      assert.equal(p['Body'], 'hola');
      assert.equal(p['MessageSid'], stored.sid);
      for (const geo of ['FromCity', 'FromState', 'FromZip', 'FromCountry', 'ToCity', 'ToCountry']) {
        assert.equal(p[geo], undefined, geo);
      }
      const signature = hit!.headers['x-twilio-signature'];
      assert.equal(typeof signature, 'string');
      assert.ok(twilio.validateRequest(sb.authToken, signature as string, hit!.url, p));
    });

    it('passes buttons and locations through, and names the message type from them', async () => {
      await inbound(sb, { From: USER, To: sender, Body: 'Yes', ButtonText: 'Yes', ButtonPayload: 'confirm-1' });
      await inbound(sb, { From: USER, To: sender, Latitude: '48.8584', Longitude: '2.2945', Label: 'Tour Eiffel' });
      await inbound(sb, {
        From: USER,
        To: sender,
        MediaUrl: 'https://example.com/cat.jpg',
        MediaContentType: 'image/jpeg',
      });
      const hits = await hook.waitFor(3);
      const byType = Object.fromEntries(hits.map((h) => [h.params['MessageType'], h.params]));
      assert.deepEqual(Object.keys(byType).sort(), ['button', 'image', 'location']);
      assert.equal(byType['button']!['ButtonPayload'], 'confirm-1');
      assert.equal(byType['button']!['ButtonText'], 'Yes');
      assert.equal(byType['location']!['Latitude'], '48.8584');
      assert.equal(byType['location']!['Label'], 'Tour Eiffel');
      assert.equal(byType['image']!['MediaUrl0'], 'https://example.com/cat.jpg');
      // a made-up profile name when none is given
      assert.ok((byType['button']!['ProfileName'] ?? '').length > 0);
    });

    it('answers bad WhatsApp input with a clear 400 and stores nothing', async () => {
      const before = await sb.client.messages.list();
      for (const [body, code] of [
        [{ From: USER, To: sb.phoneNumber, Body: 'x' }, 21910],
        [{ From: 'whatsapp:15551234567', To: sender, Body: 'x' }, 21212],
        [{ From: USER, To: sender }, 21602],
        [{ From: USER, To: sender, Latitude: '91', Longitude: '0' }, 20001],
        [{ From: USER, To: sender, Latitude: '10' }, 20001],
        [{ From: USER, To: sender, Body: 'x', ProfileName: 7 }, 20001],
        [{ From: USER, To: 'whatsapp:+15550003333', Body: 'x' }, 20404],
      ] as const) {
        const res = await control(sb, 'POST', '/_sandbox/inbound', body);
        const answer = await json(res);
        assert.equal(answer.code, code, JSON.stringify([body, answer]));
        assert.ok(res.status === 400 || res.status === 404);
      }
      assert.equal((await sb.client.messages.list()).length, before.length);
    });
  });

  describe('the 24-hour window', () => {
    it('a free-form message to a user who never wrote is accepted, then fails with 63016 at delivery', async () => {
      const created = await sb.client.messages.create({
        from: sender,
        to: USER,
        body: 'Your order shipped',
        statusCallback: `${hook.url}/status`,
      });
      assert.equal(created.status, 'queued');
      await reach(sb, created.sid, 'failed');
      const m = await sb.client.messages(created.sid).fetch();
      assert.equal(m.status, 'failed');
      assert.equal(m.errorCode, 63016);
      assert.match(m.errorMessage ?? '', /outside the allowed window/);
      assert.equal(m.price, null);
      assert.notEqual(m.dateSent, null);
      const callbacks = await hook.waitFor(3, (r) => r.path === '/status');
      assert.deepEqual(
        callbacks.map((c) => c.params['MessageStatus']),
        ['sending', 'sent', 'failed'],
      );
      const failed = callbacks[2]!.params;
      assert.equal(failed['ErrorCode'], '63016');
      assert.equal(failed['ChannelPrefix'], 'whatsapp');
      assert.equal(failed['ChannelToAddress'], '+15551234567');
      assert.match(failed['ChannelInstallSid'] ?? '', /^XE[0-9a-f]{32}$/);
      assert.ok(
        twilio.validateRequest(
          sb.authToken,
          callbacks[2]!.headers['x-twilio-signature'] as string,
          callbacks[2]!.url,
          failed,
        ),
      );
    });

    it('the user’s message opens it; crossing 24 hours with the speed-up closes it again', async () => {
      await inbound(sb, { From: USER, To: sender, Body: 'hi there' });
      const inside = await sb.client.messages.create({ from: sender, to: USER, body: 'Welcome!' });
      const delivered = await reach(sb, inside.sid, 'delivered');
      assert.equal(delivered.error_code, null);
      assert.equal((await sb.client.messages(inside.sid).fetch()).price, '-0.00500');

      // 24 simulated hours pass in under a second
      await patchSettings(sb, { speed_up: 100_000 });
      let state: any;
      do {
        state = await json(await control(sb, 'GET', '/_sandbox/whatsapp'));
      } while (state.windows[0].open);
      assert.equal(state.windows[0].seconds_left, 0);
      assert.equal(state.windows[0].user, USER);

      const outside = await sb.client.messages.create({ from: sender, to: USER, body: 'Still there?' });
      assert.equal(outside.status, 'queued');
      const failed = await reach(sb, outside.sid, 'failed');
      assert.equal(failed.error_code, 63016);
    });

    it('a template WhatsApp approved goes through outside the window; an unapproved one fails', async () => {
      const approved = await textTemplate(sb, 'Your order has shipped.');
      const res = await control(sb, 'POST', `/_sandbox/content/${approved}/approval`, { status: 'approved' });
      assert.equal(res.status, 200, await res.text());
      const m = await sb.client.messages.create({ from: sender, to: USER, contentSid: approved });
      assert.equal(m.status, 'queued');
      const row = await reach(sb, m.sid, 'delivered');
      assert.equal(row.error_code, null);

      const unsubmitted = await textTemplate(sb, 'Still there?');
      const refused = await sb.client.messages.create({ from: sender, to: USER, contentSid: unsubmitted });
      assert.equal(refused.status, 'queued');
      const failed = await reach(sb, refused.sid, 'failed');
      assert.equal(failed.error_code, 63016);
    });

    it('shows an open window with its time left', async () => {
      await inbound(sb, { From: USER, To: sender, Body: 'hi' });
      const state = await json(await control(sb, 'GET', '/_sandbox/whatsapp'));
      assert.equal(state.windows.length, 1);
      assert.equal(state.windows[0].open, true);
      assert.ok(state.windows[0].seconds_left > 23 * 3600 && state.windows[0].seconds_left <= 24 * 3600);
    });
  });

  describe('the WhatsApp Sandbox number', () => {
    it('fails with 63015 until the user joins with the account’s code; the join is reported to the sandbox URL', async () => {
      const first = await sb.client.messages.create({ from: SANDBOX_SENDER, to: USER, body: 'hi' });
      assert.equal((await reach(sb, first.sid, 'failed')).error_code, 63015);

      let res = await control(sb, 'POST', '/_sandbox/inbound', { From: USER, To: SANDBOX_SENDER, Body: 'hello' });
      assert.equal(res.status, 400);
      assert.equal((await json(res)).code, 63015);
      res = await control(sb, 'POST', '/_sandbox/inbound', { From: USER, To: SANDBOX_SENDER, Body: 'join no-such' });
      assert.equal(res.status, 404);

      res = await control(sb, 'PUT', '/_sandbox/whatsapp/sandbox', { inbound_url: `${hook.url}/wa-sandbox` });
      const state = await json(res);
      assert.equal(res.status, 200, JSON.stringify(state));
      assert.match(state.sandbox.join_code, /^[a-z]+-[a-z]+$/);
      const joined = await inbound(sb, { From: USER, To: SANDBOX_SENDER, Body: state.sandbox.join_message });
      assert.equal(joined.account_sid, sb.accountSid);
      const [hit] = await hook.waitFor(1, (r) => r.path === '/wa-sandbox');
      assert.equal(hit!.params['Body'], state.sandbox.join_message);
      assert.equal(hit!.params['To'], SANDBOX_SENDER);

      const second = await sb.client.messages.create({ from: SANDBOX_SENDER, to: USER, body: 'hi again' });
      assert.equal((await reach(sb, second.sid, 'delivered')).error_code, null);
      // a member's later messages reach the account without a code
      await inbound(sb, { From: USER, To: SANDBOX_SENDER, Body: 'thanks' });
    });
  });

  describe('read', () => {
    it('the user writing again marks delivered messages read, with a signed READ callback', async () => {
      await inbound(sb, { From: USER, To: sender, Body: 'hi' });
      const m = await sb.client.messages.create({
        from: sender,
        to: USER,
        body: 'Your code is 1234',
        statusCallback: `${hook.url}/status`,
      });
      await reach(sb, m.sid, 'delivered');
      const [deliveredHit] = await hook.waitFor(1, (r) => r.params['MessageStatus'] === 'delivered');
      assert.equal(deliveredHit!.params['EventType'], 'DELIVERED');
      await inbound(sb, { From: USER, To: sender, Body: 'thanks!' });
      await reach(sb, m.sid, 'read');
      assert.equal((await sb.client.messages(m.sid).fetch()).status, 'read');
      const [hit] = await hook.waitFor(1, (r) => r.params['MessageStatus'] === 'read');
      const p = hit!.params;
      assert.equal(p['EventType'], 'READ');
      assert.equal(p['SmsStatus'], 'read');
      assert.equal(p['ChannelPrefix'], 'whatsapp');
      assert.equal(p['From'], sender);
      assert.equal(p['To'], USER);
      assert.ok(twilio.validateRequest(sb.authToken, hit!.headers['x-twilio-signature'] as string, hit!.url, p));
    });

    it('with read_on_reply off, only the control action marks a message read; SMS never', async () => {
      await patchSettings(sb, { whatsapp: { read_on_reply: false } });
      await inbound(sb, { From: USER, To: sender, Body: 'hi' });
      const m = await sb.client.messages.create({ from: sender, to: USER, body: 'hello' });
      await reach(sb, m.sid, 'delivered');
      await inbound(sb, { From: USER, To: sender, Body: 'again' });
      assert.equal((await sb.client.messages(m.sid).fetch()).status, 'delivered');

      let res = await control(sb, 'POST', `/_sandbox/messages/${m.sid}/read`);
      const read = await json(res);
      assert.equal(res.status, 200, JSON.stringify(read));
      assert.equal(read.status, 'read');
      res = await control(sb, 'POST', `/_sandbox/messages/${m.sid}/read`);
      assert.equal(res.status, 409);

      const sms = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15551234567', body: 'sms' });
      await reach(sb, sms.sid, 'delivered');
      res = await control(sb, 'POST', `/_sandbox/messages/${sms.sid}/read`);
      assert.equal(res.status, 409);
      assert.match((await json(res)).message, /SMS/);
      assert.equal((await sb.client.messages(sms.sid).fetch()).status, 'delivered');
      res = await control(sb, 'POST', `/_sandbox/messages/SM${'0'.repeat(32)}/read`);
      assert.equal(res.status, 404);
    });
  });
});
