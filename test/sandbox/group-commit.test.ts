// Group commit: concurrent creates share a transaction, yet every answered message is already on
// disk for any other reader, and a failed commit fails the requests instead of confirming them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from '../../src/sandbox/store/group-commit.js';
import { newSid } from '../../src/sandbox/sids.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('group commit over HTTP', () => {
  let sb: TestSandbox;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tc-group-commit-'));
    sb = await startSandbox({ data: join(dir, 'sandbox.db') });
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each of many concurrent creates only once another connection can read it', async () => {
    const reader = new Database(join(dir, 'sandbox.db'), { readonly: true });
    try {
      const find = reader.prepare('SELECT sid, body FROM messages WHERE sid = ?');
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const m = await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155551234', body: `batch ${i}` });
          // read at once, from a separate connection: uncommitted rows would be invisible here
          return { sid: m.sid, i, row: find.get(m.sid) as { sid: string; body: string } | undefined };
        }),
      );
      for (const r of results) assert.deepEqual(r.row, { sid: r.sid, body: `batch ${r.i}` });
      assert.equal(new Set(results.map((r) => r.sid)).size, 40);
    } finally {
      reader.close();
    }
  });

  it('never confirms a create whose commit failed, and keeps no trace of it', async () => {
    const { db } = sb.sandbox.ctx;
    const exec = db.exec.bind(db);
    let failed = 0;
    db.exec = (sql: string) => {
      if (sql === 'COMMIT' && failed++ === 0) throw new Error('disk I/O error');
      return exec(sql);
    };
    try {
      const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
        form: { From: sb.phoneNumber, To: '+14155551234', Body: 'lost to a failed commit' },
      });
      assert.equal(res.status, 500);
      const body = (await res.json()) as { code: number; message: string };
      assert.equal(body.code, 20500);
      assert.doesNotMatch(body.message, /disk/);
    } finally {
      db.exec = exec;
    }
    assert.equal(failed, 1);
    const page = await sb.client.messages.list({ limit: 1000 });
    assert.equal(page.filter((m) => m.body === 'lost to a failed commit').length, 0);
  });

  it('answers an unexpected failure with 20500, hides its message, and serves the next request', async () => {
    const { db } = sb.sandbox.ctx;
    const prepare = db.prepare.bind(db);
    db.prepare = (sql: string) => {
      if (sql.startsWith('INSERT INTO messages')) throw new Error('secret detail of a broken store');
      return prepare(sql);
    };
    const path = `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`;
    const form = { From: sb.phoneNumber, To: '+14155551234', Body: 'after a failure' };
    try {
      const res = await sb.request('POST', path, { form });
      assert.equal(res.status, 500);
      const body = (await res.json()) as { code: number; message: string };
      assert.equal(body.code, 20500);
      assert.doesNotMatch(body.message, /secret/);
    } finally {
      db.prepare = prepare;
    }
    assert.equal((await sb.request('POST', path, { form })).status, 201);
  });

  it('checkpoints the WAL into the database file in the background', async () => {
    await sb.client.messages.create({ from: sb.phoneNumber, to: '+14155551234', body: 'checkpointed' });
    // the database file alone, without its WAL, holds the message once a checkpoint has run
    const copy = join(dir, 'copy.db');
    const inMainFile = (): boolean => {
      copyFileSync(join(dir, 'sandbox.db'), copy);
      const db = new Database(copy);
      try {
        return db.prepare("SELECT 1 FROM messages WHERE body = 'checkpointed'").get() !== undefined;
      } catch {
        return false; // not even the schema has reached the file yet
      } finally {
        db.close();
      }
    };
    const deadline = Date.now() + 10_000;
    while (!inMainFile() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(inMainFile(), 'the message reached the database file');
  });

  it('issues SIDs that sort in creation order and still match Twilio’s pattern', () => {
    const a = newSid('SM', 1_700_000_000_000);
    const b = newSid('SM', 1_700_000_000_001);
    assert.match(a, /^SM[0-9a-f]{32}$/);
    assert.ok(a < b);
    assert.notEqual(newSid('SM', 1), newSid('SM', 1));
  });
});

/** An in-memory table `t (x)` and a group commit over its database, for the unit tests below. */
function memoryTable(): { db: Database.Database; writes: GroupCommit } {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
  return { db, writes: new GroupCommit(db) };
}

describe('group commit failures', () => {
  it('rejects every waiter and rolls back when the commit fails', async () => {
    const { db, writes } = memoryTable();
    writes.join();
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    const waiting = [writes.committed(), writes.committed()];
    // make COMMIT fail the way a full disk would, once
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === 'COMMIT') throw new Error('disk I/O error');
      return exec(sql);
    };
    for (const w of waiting) await assert.rejects(w, /disk I\/O error/);
    assert.equal(db.inTransaction, false);
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM t').get(), { n: 0 });
    assert.equal(writes.pending, false);
    db.close();
  });

  it('abort rolls back the turn and fails its waiters, and the next turn starts clean', async () => {
    const { db, writes } = memoryTable();
    writes.join();
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    const waiting = writes.committed();
    writes.abort(new Error('half-written'));
    await assert.rejects(waiting, /half-written/);
    writes.join();
    db.prepare('INSERT INTO t (x) VALUES (2)').run();
    await writes.committed();
    assert.deepEqual(db.prepare('SELECT x FROM t').all(), [{ x: 2 }]);
    db.close();
  });

  it('runs afterCommit callbacks once their turn commits, never for a turn rolled back', async () => {
    const { db, writes } = memoryTable();
    const ran: string[] = [];
    writes.afterCommit(() => ran.push('nothing open'));
    assert.deepEqual(ran, ['nothing open']);
    writes.join();
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    writes.afterCommit(() => ran.push('undone'));
    writes.abort(new Error('half-written'));
    writes.join();
    db.prepare('INSERT INTO t (x) VALUES (2)').run();
    writes.afterCommit(() =>
      ran.push(`committed ${(db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n}`),
    );
    assert.deepEqual(ran, ['nothing open'], 'not before the commit');
    await writes.committed();
    assert.deepEqual(ran, ['nothing open', 'committed 1']);
    assert.equal(db.inTransaction, false);
    db.close();
  });

  it('fails its waiters even when aborted with no reason, and answers them when a callback throws', async () => {
    const { db, writes } = memoryTable();
    writes.join();
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    const undone = writes.committed();
    writes.abort(undefined);
    await assert.rejects(undone, /rolled back/);

    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      writes.join();
      db.prepare('INSERT INTO t (x) VALUES (2)').run();
      writes.afterCommit(() => {
        throw new Error('a broken callback');
      });
      await writes.committed();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(db.prepare('SELECT x FROM t').all(), [{ x: 2 }]);
    assert.ok(warnings.some((w) => /a broken callback/.test(w.message)));
    db.close();
  });

  it('resolves at once when nothing is pending', async () => {
    const db = new Database(':memory:');
    const writes = new GroupCommit(db);
    await writes.committed();
    assert.equal(writes.pending, false);
    db.close();
  });
});
