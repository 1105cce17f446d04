import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { reach, settled } from '../helpers/outbound.js';
import { CONTROL, json, patchSettings, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const chaos = (...rules: unknown[]) => ({ chaos: { enabled: true, rules } });

async function rejectsWith(call: Promise<unknown>, status: number, code: number): Promise<any> {
  let caught: any;
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    caught = err;
    return true;
  });
  return caught;
}

describe('account concurrency and fault injection, through the official SDK', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookRetries: 0 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });
  beforeEach(async () => {
    await fetch(`${sb.url}/_sandbox/settings/reset`, { method: 'POST', headers: CONTROL });
  });

  it('reports Twilio-Concurrent-Requests on every API response', async () => {
    const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('twilio-concurrent-requests'), '1');
  });

  it('answers requests beyond the concurrency limit with 429 / 20429, and serves the rest', async () => {
    // every request is held for 400 ms, so a burst of eight overlaps; two may run at a time
    await patchSettings(sb, { concurrency: { max_requests: 2 }, ...chaos({ type: 'latency', ms: 400 }) });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => sb.client.messages.list({ limit: 1 })));
    const served = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.ok(served.length >= 2, `${served.length} served`);
    assert.ok(refused.length >= 1, 'some refused');
    for (const r of refused) {
      assert.equal(r.reason.status, 429);
      assert.equal(r.reason.code, 20429);
      assert.equal(r.reason.message, 'Too Many Requests');
    }
    // once the burst is over, the account is back to normal
    await patchSettings(sb, { chaos: { enabled: false } });
    assert.ok(Array.isArray(await sb.client.messages.list({ limit: 1 })));
  });

  it('counts the requests in flight, and never gates or delays the control API', async () => {
    await patchSettings(sb, { concurrency: { max_requests: 1 }, ...chaos({ type: 'latency', ms: 300 }) });
    const held = sb.client.messages.list({ limit: 1 });
    // the control API answers while the API request is held, and sees it in flight
    let health = await json(await fetch(`${sb.url}/_sandbox/health`));
    while (health.realism.requests_in_flight === 0) health = await json(await fetch(`${sb.url}/_sandbox/health`));
    assert.equal(health.realism.requests_in_flight, 1);
    await rejectsWith(sb.client.messages.list({ limit: 1 }), 429, 20429);
    assert.ok(Array.isArray(await held));
    health = await json(await fetch(`${sb.url}/_sandbox/health`));
    assert.equal(health.realism.requests_in_flight, 0);
  });

  it('a latency rule holds each API request back', async () => {
    await patchSettings(sb, chaos({ type: 'latency', ms: 250 }));
    const t0 = performance.now();
    await sb.client.messages.list({ limit: 1 });
    assert.ok(performance.now() - t0 >= 240, 'answered before the added latency');
  });

  it('HTTP error rules answer with Twilio-shaped 503, 500 and 429 errors', async () => {
    await patchSettings(sb, chaos({ type: 'http_error', status: 503 }));
    const err = await rejectsWith(sb.client.messages.list({ limit: 1 }), 503, 20503);
    assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/20503');
    await patchSettings(sb, chaos({ type: 'http_error', status: 500 }));
    await rejectsWith(sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770200', body: 'x' }), 500, 20500);
    await patchSettings(sb, chaos({ type: 'http_error', status: 429 }));
    const xml = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Messages.xml`);
    assert.equal(xml.status, 429);
    assert.match(await xml.text(), /<Code>20429<\/Code>/);
    // the control API stays reachable, so chaos can always be turned off again
    assert.equal((await fetch(`${sb.url}/_sandbox/settings`)).status, 200);
  });

  it('a rule with probability 0 never fires, and chaos switched off stops every rule', async () => {
    await patchSettings(sb, chaos({ type: 'http_error', status: 503, probability: 0 }));
    for (let i = 0; i < 20; i++) await sb.client.messages.list({ limit: 1 });
    await patchSettings(sb, { chaos: { enabled: false, rules: [{ type: 'http_error', status: 503 }] } });
    for (let i = 0; i < 5; i++) await sb.client.messages.list({ limit: 1 });
  });

  it('create error rules refuse a message with Twilio codes 21610 and 21612', async () => {
    await patchSettings(sb, chaos({ type: 'create_error', code: 21610 }));
    const opted = await rejectsWith(
      sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770201', body: 'x' }),
      400,
      21610,
    );
    assert.equal(opted.message, 'Attempt to send to unsubscribed recipient');
    await patchSettings(sb, chaos({ type: 'create_error', code: 21612 }));
    const unroutable = await rejectsWith(
      sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770201', body: 'x' }),
      400,
      21612,
    );
    assert.match(unroutable.message, /'To' phone number: \+15557770201, is not currently reachable/);
    // validation still comes first
    await rejectsWith(sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770201', body: '' }), 400, 21602);
  });

  it('delivery failure rules end messages undelivered or failed with the chosen code', async () => {
    await patchSettings(sb, chaos({ type: 'delivery_failure', code: 30007 }));
    const m = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770202', body: 'filtered' });
    await reach(sb, m.sid, 'undelivered');
    const fetched = await sb.client.messages(m.sid).fetch();
    assert.equal(fetched.errorCode, 30007);
    await patchSettings(sb, chaos({ type: 'delivery_failure', code: 30002 }));
    const f = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770202', body: 'suspended' });
    await reach(sb, f.sid, 'failed');
    assert.equal((await sb.client.messages(f.sid).fetch()).errorCode, 30002);
    await patchSettings(sb, { chaos: { enabled: false } });
    const ok = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557770202', body: 'fine' });
    await reach(sb, ok.sid, 'delivered');
  });

  it('dropped webhooks never reach the receiver and are logged as failed', async () => {
    await patchSettings(sb, chaos({ type: 'webhook_drop' }));
    const statusCallback = `${hook.url}/dropped`;
    const m = await sb.client.messages.create({
      from: sb.phoneNumber,
      to: '+15557770203',
      body: 'lost',
      statusCallback,
    });
    const rows = await settled(sb, m.sid, 3);
    assert.equal(rows.length, 3);
    for (const r of rows) {
      assert.equal(r.state, 'failed');
      assert.equal(r.error, 'Dropped by a sandbox chaos rule');
    }
    assert.equal(hook.received.filter((r) => r.path === '/dropped').length, 0);
  });

  it('slow webhooks still arrive, after their delay', async () => {
    await patchSettings(sb, chaos({ type: 'webhook_delay', ms: 200 }));
    const t0 = performance.now();
    const m = await sb.client.messages.create({
      from: sb.phoneNumber,
      to: '+15557770204',
      body: 'late',
      statusCallback: `${hook.url}/slow`,
    });
    const calls = await hook.waitFor(3, (r) => r.params['MessageSid'] === m.sid);
    assert.deepEqual(
      calls.map((c) => c.params['MessageStatus']),
      ['sending', 'sent', 'delivered'],
    );
    // three callbacks one after another, each held back 200 ms
    assert.ok(performance.now() - t0 >= 590);
  });
});
