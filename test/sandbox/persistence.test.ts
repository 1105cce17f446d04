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
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';
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
