// How the claim chooses, on both backends: a subscription whose head is leased keeps its whole
// backlog out of the claim (neither handed out nor read), and one account's subscriptions never
// hold more than their share of the leases.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { claimStatement } from '../../src/store/sql-store.js';
import type { NewOutboxEvent } from '../../src/store/index.js';
import type { Row } from '../../src/store/sql.js';
import { eachBackend, type Backend } from './backends.js';

const ev = (account: string, sub: string, dedupe: string): NewOutboxEvent => ({
  account_sid: account,
  subscription_id: sub,
  order_key: `${sub}|+14155550100`,
  dedupe_key: dedupe,
  callback_url: 'http://127.0.0.1:9/cb',
  payload: '{}',
});

/** Delivers whatever is due, so the next test starts from an empty outbox. */
async function drain(b: Backend, now: number): Promise<void> {
  for (let got = await b.store.claimDue('drain', now, 1, 1000); got.length > 0;) {
    for (const e of got) await b.store.markDelivered(e.id, 'drain', now);
    got = await b.store.claimDue('drain', now, 1, 1000);
  }
}

/** Rows the database touched in the outbox to run one claim (PostgreSQL: from EXPLAIN ANALYZE; rolled back). */
async function rowsTouched(b: Backend, now: number): Promise<number> {
  const sql = b.sql();
  const rollback = new Error('rollback');
  let plan: unknown;
  await sql
    .tx(async (q) => {
      const rows: Row[] = await q.all(`EXPLAIN (ANALYZE, FORMAT JSON) ${claimStatement('postgres')}`, [
        now,
        64,
        'probe',
        now + 1000,
        64,
      ]);
      plan = rows[0]?.['QUERY PLAN'];
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  let touched = 0;
  const walk = (node: Record<string, unknown>): void => {
    if (node['Relation Name'] === 'outbox') {
      const loops = Number(node['Actual Loops'] ?? 1);
      touched += (Number(node['Actual Rows'] ?? 0) + Number(node['Rows Removed by Filter'] ?? 0)) * loops;
      touched += Number(node['Heap Fetches'] ?? 0);
    }
    for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((plan as { Plan: Record<string, unknown> }[])[0]!.Plan);
  return touched;
}

eachBackend('outbox claim', (b) => {
  it('hands out nothing of a subscription whose head is leased, however long its backlog', async () => {
    const now = 10_000;
    await b.store.enqueue(
      Array.from({ length: 300 }, (_, i) => ev('AC-hang', 'SUB-hang', `SM${i}`)),
      now,
    );
    const [head] = await b.store.claimDue('hung', now, 60_000, 1);
    assert.equal(head?.subscription_id, 'SUB-hang');
    await b.store.enqueue(
      Array.from({ length: 5 }, (_, i) => ev('AC-ok', `SUB-ok-${i}`, 'SM1')),
      now,
    );
    const got = await b.store.claimDue('w', now, 60_000, 64);
    assert.deepEqual(
      got.map((e) => e.subscription_id),
      ['SUB-ok-0', 'SUB-ok-1', 'SUB-ok-2', 'SUB-ok-3', 'SUB-ok-4'],
    );
    for (const e of got) await b.store.markDelivered(e.id, 'w', now);
    assert.deepEqual(await b.store.claimDue('w', now + 1, 60_000, 64), [], 'still leased: nothing');
    await b.store.markFailed(head.id, 'hung', 'callback timed out', now + 500, now);
    assert.deepEqual(await b.store.claimDue('w', now + 1, 60_000, 64), [], 'in backoff: nothing');
    await drain(b, now + 10_000);
  });

  it('leases at most the per-account share, counting leases already held', async () => {
    const now = 20_000;
    await b.store.enqueue(
      [
        ...Array.from({ length: 5 }, (_, i) => ev('AC-many', `SUB-many-${i}`, 'SM1')),
        ...Array.from({ length: 2 }, (_, i) => ev('AC-few', `SUB-few-${i}`, 'SM1')),
      ],
      now,
    );
    const first = await b.store.claimDue('w', now, 60_000, 10, 3);
    const of = (xs: { account_sid: string }[], a: string): number => xs.filter((e) => e.account_sid === a).length;
    assert.equal(of(first, 'AC-many'), 3, 'the busy account gets its share');
    assert.equal(of(first, 'AC-few'), 2, 'the other account is not crowded out');
    assert.deepEqual(await b.store.claimDue('w2', now, 60_000, 10, 3), [], 'AC-many is at its share');
    await b.store.markDelivered(first.find((e) => e.account_sid === 'AC-many')!.id, 'w', now);
    const next = await b.store.claimDue('w2', now, 60_000, 10, 3);
    assert.deepEqual(
      next.map((e) => e.account_sid),
      ['AC-many'],
      'one lease freed, one more handed out',
    );
    await drain(b, now + 120_000);
  });

  if (b.dialect === 'postgres') {
    it('reads the same rows whatever the backlog behind a blocked head (PostgreSQL)', async () => {
      const now = 30_000;
      await b.store.enqueue(
        Array.from({ length: 8 }, (_, i) => ev('AC-ok', `SUB-w-${i}`, 'SM1')),
        now,
      );
      await b.store.enqueue([ev('AC-hang', 'SUB-blocked', 'SM0')], now);
      const [head] = await b.store.claimDue('hung', now, 600_000, 1, 64);
      assert.equal(head?.subscription_id === 'SUB-blocked' || head?.subscription_id.startsWith('SUB-w-'), true);
      const small = await rowsTouched(b, now);
      await b.store.enqueue(
        Array.from({ length: 3000 }, (_, i) => ev('AC-hang', 'SUB-blocked', `SM${i + 1}`)),
        now,
      );
      await b.sql().run('ANALYZE outbox');
      const large = await rowsTouched(b, now);
      assert.ok(large <= small + 4, `a 3000-event backlog made the claim touch ${large} rows instead of ${small}`);
    });
  } else {
    it('finds heads by seeking the pending index, never scanning it (SQLite)', async () => {
      const plan = (await b.sql().all(`EXPLAIN QUERY PLAN ${claimStatement('sqlite')}`, [1, 64, 'p', 2, 64])).map((r) =>
        String(r['detail']),
      );
      // the outbox's aliases in the statement; the others are the statement's own small tables
      const outbox = plan.filter((d) => /^(SCAN|SEARCH) (outbox|f|x|h|p|o)\b/.test(d));
      assert.ok(outbox.length > 0, plan.join('\n'));
      for (const d of outbox) {
        assert.doesNotMatch(d, /^SCAN/, `a scan of the outbox:\n${plan.join('\n')}`);
        // the one seek on `state` alone is MIN(order_key), answered by the first index entry
        if (/\(state=\?\)$/.test(d)) assert.match(d, /^SEARCH f /, plan.join('\n'));
      }
    });
  }
});
