// Idempotency-Key survives a restart: the keys live in the SQLite file under the data directory, so a
// connector built again on the same directory replays the first answer and sends nothing new.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { IDEMPOTENCY_TTL_MS } from '../../src/connector/idempotency.js';
import { openStore } from '../../src/store/index.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startConnector } from '../connector/harness.js';

const TO = '+14155550761';

describe('e2e: Idempotency-Key across a connector restart (SQLite under --data-dir)', () => {
  let sb: TestSandbox;
  let dir: string;
  before(async () => {
    sb = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'tc-idem-'));
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** one connector lifetime: open the store in `dir`, serve, run `use`, close both */
  async function lifetime<T>(use: (call: (key: string) => Promise<Response>) => Promise<T>): Promise<T> {
    const store = await openStore({ dataDir: dir });
    const h = await startConnector({}, { store }, sb);
    try {
      return await use((key) =>
        h.call('POST', '/Messages.json', {
          json: { from: sb.phoneNumber, to: TO, body: 'sent once, whatever happens' },
          headers: { 'idempotency-key': key },
        }),
      );
    } finally {
      await h.close();
      await store.close();
    }
  }

  it('the same key after a restart returns the first answer without a second send', async () => {
    const startedAt = Date.now();
    const first = await lifetime(async (send) => {
      const res = await send('restart-1');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('idempotent-replayed'), 'false');
      return (await json(res)) as Record<string, unknown>;
    });

    // the key is on disk, kept for 24 hours from the first request
    assert.equal(IDEMPOTENCY_TTL_MS, 24 * 60 * 60 * 1000);
    const db = new Database(join(dir, 'connector.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT state, expires_at FROM idempotency_keys WHERE key = ?').get('restart-1') as
        { state: string; expires_at: number } | undefined;
      assert.equal(row?.state, 'done');
      assert.ok(row.expires_at >= startedAt + IDEMPOTENCY_TTL_MS && row.expires_at <= Date.now() + IDEMPOTENCY_TTL_MS);
    } finally {
      db.close();
    }

    const replay = await lifetime(async (send) => {
      const res = await send('restart-1');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('idempotent-replayed'), 'true');
      return (await json(res)) as Record<string, unknown>;
    });
    assert.deepEqual(replay, first);
    assert.equal((await sb.client.messages.list({ to: TO })).length, 1, 'one upstream send in all');
  });
});
