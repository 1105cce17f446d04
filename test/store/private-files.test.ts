// The connector's data directory and database are private to the user whatever the umask, and a
// directory that already exists with a wider mode is tightened.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveSecretKey } from '../../src/connector/triggers/index.js';
import { openStore } from '../../src/store/index.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('connector state files', () => {
  const root = mkdtempSync(join(tmpdir(), 'tc-private-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates the data dir 0700 and connector.db with its -wal/-shm 0600 under a permissive umask', async () => {
    const dir = join(root, 'fresh', 'data');
    const previous = process.umask(0o000);
    let store;
    try {
      store = await openStore({ dataDir: dir });
      await store.sharedKey();
    } finally {
      process.umask(previous);
    }
    try {
      assert.equal(mode(dir), 0o700);
      for (const name of ['connector.db', 'connector.db-wal', 'connector.db-shm']) {
        assert.equal(mode(join(dir, name)), 0o600, name);
      }
    } finally {
      await store.close();
    }
  });

  it('tightens an existing data dir and database that were readable by others', async () => {
    const dir = join(root, 'wide');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const first = await openStore({ dataDir: dir });
    await first.close();
    chmodSync(dir, 0o777);
    chmodSync(join(dir, 'connector.db'), 0o644);
    const again = await openStore({ dataDir: dir });
    try {
      assert.equal(mode(dir), 0o700);
      assert.equal(mode(join(dir, 'connector.db')), 0o600);
    } finally {
      await again.close();
    }
  });

  it('keeps the generated secret key owner-only, in an owner-only directory', () => {
    const dir = join(root, 'key');
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    resolveSecretKey({ dataDir: dir, sandboxUpstream: true });
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'secret.key')), 0o600);
  });
});
