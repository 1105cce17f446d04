// The lifecycle inside a turn of group commit: a step taken while requests share an open transaction
// is announced (inbox push, status callback, Event Streams) only once that transaction commits, so
// a subscriber never hears of a status that a rollback would take back, and can read what it hears of.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { storeMessage } from '../helpers/messages.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

describe('lifecycle events and group commit', () => {
  let sb: TestSandbox;
  let dir: string;
  let hook: Receiver;
  let reader: Database.Database;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tc-lifecycle-commit-'));
    // steps a minute apart: only the steps these tests take by hand happen
    sb = await startSandbox({ data: join(dir, 'sandbox.db'), statusDelay: 60_000 });
    hook = await startReceiver();
    reader = new Database(join(dir, 'sandbox.db'), { readonly: true });
  });
  after(async () => {
    reader.close();
    await sb.close();
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A queued message due a second ago, created inside the open turn, with a status callback. */
  function dueInTurn(to: string) {
    const { ctx } = sb.sandbox;
    const at = ctx.clock.now() - 1000;
    ctx.writes.join();
    return storeMessage(sb, {
      status: 'queued',
      price: null,
      date_sent: null,
      date_created: at,
      next_at: at,
      next_status: 'sending',
      to_addr: to,
      status_callback: `${hook.url}/status/${to}`,
    });
  }

  const advance = (): number =>
    (sb.sandbox.ctx.lifecycle as unknown as { advanceDue(now: number): number }).advanceDue(sb.sandbox.ctx.clock.now());

  it('announces a step taken inside an open turn once the turn commits, readable by then', async () => {
    const { ctx } = sb.sandbox;
    const heard: { status: string; pending: boolean; stored: unknown }[] = [];
    const stop = ctx.events.subscribe((e: SandboxEvent) => {
      if (e.type !== 'message') return;
      const row = reader.prepare('SELECT status FROM messages WHERE sid = ?').get(e.sid) as
        { status: string } | undefined;
      heard.push({ status: e.status, pending: ctx.writes.pending, stored: row?.status });
    });
    try {
      const m = dueInTurn('+15557640001');
      advance();
      assert.deepEqual(heard, [], 'nothing heard while the turn is open');
      await ctx.writes.committed();
      assert.deepEqual(heard, [{ status: 'sending', pending: false, stored: 'sending' }]);
      const calls = await hook.waitFor(1, (r) => r.params['MessageSid'] === m.sid);
      assert.equal(calls[0]?.params['MessageStatus'], 'sending');
    } finally {
      stop();
    }
  });

  it('announces nothing and sends no status callback for a step of a turn rolled back', async () => {
    const { ctx } = sb.sandbox;
    const heard: SandboxEvent[] = [];
    const stop = ctx.events.subscribe((e) => void heard.push(e));
    try {
      const m = dueInTurn('+15557640002');
      advance();
      // undone a moment later, after anything the step scheduled for the next turn has run
      await nextTurn();
      ctx.writes.abort(new Error('undone'));
      await ctx.webhooks.drain();
      // a later message, committed, whose callback arrives: the undone one's would have come first
      const later = dueInTurn('+15557640003');
      advance();
      await ctx.writes.committed();
      await hook.waitFor(1, (r) => r.params['MessageSid'] === later.sid);
      assert.deepEqual(
        hook.received.filter((r) => r.params['MessageSid'] === m.sid),
        [],
        'no callback for the undone step',
      );
      assert.ok(!heard.some((e) => 'sid' in e && e.sid === m.sid));
      assert.ok(heard.some((e) => e.type === 'message' && e.sid === later.sid));
    } finally {
      stop();
    }
  });
});
