import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { RetentionPruner } from '../../src/sandbox/realism/retention.js';
import { reach } from '../helpers/outbound.js';
import { json, patchSettings, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('retention', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
  });
  after(() => sb.close());

  const pruner = (): RetentionPruner => {
    const p = sb.sandbox.ctx.retention;
    assert.ok(p instanceof RetentionPruner);
    return p;
  };

  async function sendDelivered(n: number, to: string): Promise<string[]> {
    const sids: string[] = [];
    for (let i = 0; i < n; i++) {
      const m = await sb.client.messages.create({ from: sb.phoneNumber, to, body: `r${i}` });
      await reach(sb, m.sid, 'delivered');
      sids.push(m.sid);
    }
    return sids;
  }

  it('keeps the newest max_messages, announcing each removal, and keeps messages still in flight', async () => {
    const { db } = sb.sandbox.ctx;
    const scheduled = db.prepare("UPDATE messages SET next_at = ?, next_status = 'queued' WHERE sid = ?");
    const sids = await sendDelivered(6, '+15557770300');
    // the oldest is still waiting for a step: pruning must leave it alone
    scheduled.run(Date.now() + 3_600_000, sids[0]);
    const deleted: string[] = [];
    const off = sb.sandbox.ctx.events.subscribe((e: SandboxEvent) => {
      if (e.type === 'message.deleted') deleted.push(e.sid);
    });
    try {
      await patchSettings(sb, { retention: { max_messages: 3 } });
      await pruner().drain();
    } finally {
      off();
    }
    const left = (await sb.client.messages.list({ to: '+15557770300' })).map((m) => m.sid);
    assert.deepEqual(left.sort(), [sids[0], sids[3], sids[4], sids[5]].sort());
    assert.deepEqual(deleted.sort(), [sids[1], sids[2]].sort());
    db.prepare('UPDATE messages SET next_at = NULL, next_status = NULL WHERE sid = ?').run(sids[0]);
    await pruner().drain();
    assert.equal((await sb.client.messages.list({ to: '+15557770300' })).length, 3);
    const health = await json(await fetch(`${sb.url}/_sandbox/health`));
    assert.equal(health.realism.pruned_messages, 3);
  });

  it('removes messages older than max_age_days, with their webhook log', async () => {
    await patchSettings(sb, { retention: { max_messages: 0 } });
    const { db } = sb.sandbox.ctx;
    const sids = await sendDelivered(3, '+15557770301');
    const old = Date.now() - 3 * 86_400_000;
    db.prepare('UPDATE messages SET date_created = ? WHERE sid IN (?, ?)').run(old, sids[0], sids[1]);
    db.prepare(
      "INSERT INTO webhooks (account_sid, message_sid, kind, url, method, params, signature, idempotency_token, state, attempts, created_at, updated_at) VALUES (?, ?, 'status', 'http://127.0.0.1:9/x', 'POST', '{}', 's', 't', 'delivered', 1, ?, ?)",
    ).run(sb.accountSid, sids[0], old, old);
    await patchSettings(sb, { retention: { max_age_days: 2 } });
    await pruner().drain();
    const left = (await sb.client.messages.list({ to: '+15557770301' })).map((m) => m.sid);
    assert.deepEqual(left, [sids[2]]);
    const hooks = db.prepare('SELECT COUNT(*) AS n FROM webhooks WHERE message_sid = ?').get(sids[0]) as { n: number };
    assert.equal(hooks.n, 0);
  });

  it('prunes a large store in batches of at most 200, in the background', async () => {
    await patchSettings(sb, { retention: { max_messages: 100, max_age_days: 0 } });
    const { db } = sb.sandbox.ctx;
    const insert = db.prepare(
      `INSERT INTO messages (sid, account_sid, to_addr, from_addr, body, status, direction, num_segments, date_created, date_updated)
       VALUES (?, ?, '+15557770302', ?, 'bulk', 'delivered', 'outbound-api', 1, ?, ?)`,
    );
    const count = (): number =>
      (db.prepare("SELECT COUNT(*) AS n FROM messages WHERE to_addr = '+15557770302'").get() as { n: number }).n;
    const bulk = (from: number): void =>
      db.transaction(() => {
        for (let i = from; i < from + 1000; i++) {
          insert.run(`SM${String(i).padStart(32, '0')}`, sb.accountSid, sb.phoneNumber, Date.now(), Date.now());
        }
      })();
    const total = (): number => (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    bulk(0);
    const before = total();
    // one transaction removes one batch
    assert.equal(pruner().pruneBatch(), 200);
    assert.equal(total(), before - 200);
    await pruner().drain();
    assert.equal(count(), 100);

    // poked, the pruner works through the rest on its own, a batch per turn of the event loop
    bulk(1000);
    const done = new Promise<void>((resolve) => {
      const off = sb.sandbox.ctx.events.subscribe((e: SandboxEvent) => {
        if (e.type === 'message.deleted' && count() === 100) {
          off();
          resolve();
        }
      });
    });
    pruner().poke();
    // requests are served meanwhile
    assert.equal((await sb.client.messages.list({ limit: 1 })).length, 1);
    await done;
    assert.equal(count(), 100);
  });
});
