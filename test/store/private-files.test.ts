// The connector's data directory and database are private to the user whatever the umask; a
// directory that already exists keeps its mode (it may be the user's own folder) and is reported.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveSecretKey } from '../../src/connector/triggers/index.js';
import { openStore } from '../../src/store/index.js';
import { dataDirWarning, privateDir, readPrivateFile } from '../../src/store/private-files.js';

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

  it('leaves an existing directory’s mode alone, reports it, and tightens the database in it', async () => {
    const dir = join(root, 'wide');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const first = await openStore({ dataDir: dir });
    await first.close();
    chmodSync(join(dir, 'connector.db'), 0o644);
    const again = await openStore({ dataDir: dir });
    try {
      assert.equal(mode(dir), 0o755, 'a folder the user chose is not chmodded');
      assert.equal(mode(join(dir, 'connector.db')), 0o600);
      assert.match(dataDirWarning(dir) ?? '', /has mode 0755: other users can list it.*chmod 700/);
      chmodSync(dir, 0o700);
      assert.equal(dataDirWarning(dir), undefined);
    } finally {
      await again.close();
    }
  });

  it('makes owner-only every directory it creates, parents included, and only those', () => {
    const parent = join(root, 'parent');
    mkdirSync(parent, { mode: 0o755 });
    chmodSync(parent, 0o755);
    const previous = process.umask(0o000);
    try {
      privateDir(join(parent, 'a', 'b'));
    } finally {
      process.umask(previous);
    }
    assert.equal(mode(parent), 0o755);
    assert.equal(mode(join(parent, 'a')), 0o700);
    assert.equal(mode(join(parent, 'a', 'b')), 0o700);
  });

  it('keeps the generated secret key owner-only, in an owner-only directory it creates', () => {
    const dir = join(root, 'key');
    resolveSecretKey({ dataDir: dir, sandboxUpstream: true });
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'secret.key')), 0o600);
  });

  it('warns apart, and more gravely, about a data directory others can write to or another user owns', () => {
    const dir = join(root, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const writable = dataDirWarning(dir) ?? '';
    assert.match(writable, /has mode 0777: other users can write to it.*replace or remove.*chmod 700/);
    assert.doesNotMatch(writable, /can list it/);
    chmodSync(dir, 0o1777);
    assert.match(
      dataDirWarning(dir) ?? '',
      /other users can list it/,
      'the sticky bit keeps others from replacing files',
    );
    chmodSync(dir, 0o700);
    const owner = statSync(dir).uid;
    assert.equal(dataDirWarning(dir, owner), undefined);
    assert.match(
      dataDirWarning(dir, owner + 1) ?? '',
      /belongs to another user \(uid \d+, the connector runs as \d+\).*chown/,
    );
  });

  it('refuses a secret key that others can write or another user owns, saying how to fix it', () => {
    const dir = join(root, 'key-checked');
    const key = resolveSecretKey({ dataDir: dir, sandboxUpstream: true })!;
    const file = join(dir, 'secret.key');
    chmodSync(file, 0o666);
    assert.throws(
      () => resolveSecretKey({ dataDir: dir, sandboxUpstream: true }),
      /secret\.key has mode 0666: other users can write to it.*refusing.*chmod 600/,
    );
    chmodSync(file, 0o620);
    assert.throws(() => resolveSecretKey({ dataDir: dir, sandboxUpstream: true }), /mode 0620/);
    chmodSync(file, 0o600);
    assert.deepEqual(resolveSecretKey({ dataDir: dir, sandboxUpstream: true }), key, 'the same key, once fixed');
    const owner = statSync(file).uid;
    assert.equal(readPrivateFile(file, owner)?.trim(), key.toString('hex'));
    assert.throws(() => readPrivateFile(file, owner + 1), /belongs to another user.*refusing.*chown/);
    assert.equal(readPrivateFile(join(dir, 'missing.key')), undefined);
  });

  it('refuses a secret key file that is not 64 hex digits, saying how to fix it and never what it holds', () => {
    const dir = join(root, 'key-malformed');
    mkdirSync(dir, { mode: 0o700 });
    const file = join(dir, 'secret.key');
    const hex = 'c0ffee'.repeat(10) + 'beef';
    const cases: [string, string | Buffer][] = [
      ['a key with more after it', `${hex}zz\n`],
      ['a key cut short', `${hex.slice(0, 40)}\n`],
      ['a longer key', `${hex}${hex}\n`],
      ['raw bytes instead of hex', Buffer.from(hex, 'hex')],
      ['an empty file', ''],
    ];
    for (const [what, contents] of cases) {
      writeFileSync(file, contents, { mode: 0o600 });
      assert.throws(
        () => resolveSecretKey({ dataDir: dir, sandboxUpstream: true }),
        (err: Error) => {
          assert.match(err.message, /secret\.key is not a valid secret key: .*64 hexadecimal digits/, what);
          assert.match(err.message, /remove it/, what);
          assert.match(err.message, /CONNECTOR_SECRET_KEY/, what);
          assert.doesNotMatch(err.message, /c0ffee|eefbeef|[0-9a-f]{16}/i, `${what}: the key is never printed`);
          return true;
        },
        what,
      );
      assert.deepEqual(readFileSync(file), Buffer.from(contents), `${what}: the file is left as it was`);
    }
    writeFileSync(file, `${hex.toUpperCase()}\n`, { mode: 0o600 });
    assert.deepEqual(resolveSecretKey({ dataDir: dir, sandboxUpstream: true }), Buffer.from(hex, 'hex'));
  });
});
