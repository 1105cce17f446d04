import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { reach, sendOutbound, settled } from '../helpers/outbound.js';

describe('status callback delivery', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookRetries: 3, webhookTimeout: 300 });
    // backoff runs on simulated time: a 1 s wait becomes 1 ms
    sb.sandbox.ctx.clock.setSpeedUp(1000);
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });

  it('retries a failing receiver with the same token and signature, keeping later callbacks in order', async () => {
    const seen = new Map<string, number>();
    hook.answer((r) => {
      const key = `${r.params['MessageSid']}/${r.params['MessageStatus']}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return r.params['MessageStatus'] === 'sending' && n <= 2 ? { status: 500, body: 'oops' } : { status: 204 };
    });
    const url = `${hook.url}/flaky`;
    const m = sendOutbound(sb, { status_callback: url });
    const rows = await settled(sb, m.sid, 3);
    const calls = hook.received.filter((r) => r.params['MessageSid'] === m.sid);
    assert.deepEqual(
      calls.map((c) => c.params['MessageStatus']),
      ['sending', 'sending', 'sending', 'sent', 'delivered'],
    );
    const first = calls.slice(0, 3);
    assert.equal(new Set(first.map((c) => c.headers['i-twilio-idempotency-token'])).size, 1);
    for (const c of calls) {
      assert.equal(twilio.validateRequest(sb.authToken, String(c.headers['x-twilio-signature']), url, c.params), true);
    }
    assert.deepEqual(
      rows.map((r) => [r.state, r.attempts, r.response_status]),
      [
        ['delivered', 3, 204],
        ['delivered', 1, 204],
        ['delivered', 1, 204],
      ],
    );
  });

  it('gives up after webhookRetries and logs the status and the first 2 KB of the body', async () => {
    hook.answer(() => ({ status: 503, body: 'x'.repeat(5000), contentType: 'text/plain' }));
    const m = sendOutbound(sb, { status_callback: `${hook.url}/down` });
    const rows = await settled(sb, m.sid, 3);
    for (const r of rows) {
      assert.equal(r.state, 'failed');
      assert.equal(r.attempts, 4, 'one try and three retries');
      assert.equal(r.response_status, 503);
      assert.equal(r.response_body?.length, 2048);
      assert.equal(r.error, 'HTTP 503');
      assert.equal(r.kind, 'status');
    }
    assert.equal(hook.received.filter((r) => r.params['MessageSid'] === m.sid).length, 12);
  });

  it('records a refused connection as an error, never as a crash', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const m = sendOutbound(sb, { status_callback: `http://127.0.0.1:${port}/nobody` });
    const rows = await settled(sb, m.sid, 3);
    assert.equal(rows[0]!.state, 'failed');
    assert.match(rows[0]!.error ?? '', /ECONNREFUSED/);
    assert.equal((await reach(sb, m.sid, 'delivered')).status, 'delivered', 'the message itself is unaffected');
  });
});

describe('status callback timeouts', () => {
  let sb: TestSandbox;
  let hook: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0, webhookRetries: 0, webhookTimeout: 100 });
    hook = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await hook.close();
  });

  it('counts a receiver that never answers as a timeout', async () => {
    hook.answer(() => ({ hang: true }));
    const m = sendOutbound(sb, { status_callback: `${hook.url}/slow` });
    const rows = await settled(sb, m.sid, 3);
    assert.equal(rows[0]!.state, 'failed');
    assert.equal(rows[0]!.attempts, 1, 'no retries when webhookRetries is 0');
    assert.equal(rows[0]!.response_status, null);
    assert.match(rows[0]!.error ?? '', /timed out after 100 ms/);
  });
});
