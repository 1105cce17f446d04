// The store's shared key and the accounts' current credentials, on both backends: a second connector
// instance on the same database gets the same key (its idempotency scopes and forward tokens agree),
// and the newest credential of an account replaces the older one, which is kept as the previous one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { eachBackend } from './backends.js';

eachBackend('trust state', (b) => {
  it('generates one shared key per store, the same for every instance', async () => {
    const key = await b.store.sharedKey();
    assert.equal(key.length, 32);
    assert.notDeepEqual(key, Buffer.alloc(32));
    const other = await b.open();
    assert.deepEqual(await other.sharedKey(), key);
    assert.deepEqual(await b.store.sharedKey(), key, 'asking again does not rotate it');
  });

  it('keeps the current credential per account and the one it replaced', async () => {
    assert.equal(await b.store.getAccountCredentials('AC-trust'), undefined);
    await b.store.setAccountCredential('AC-trust', 'sealed-1', 1);
    await b.store.setAccountCredential('AC-other', 'sealed-x', 1);
    assert.deepEqual(await b.store.getAccountCredentials('AC-trust'), {
      current: 'sealed-1',
      previous: null,
      since: 1,
    });
    await b.store.setAccountCredential('AC-trust', 'sealed-2', 2);
    await b.store.setAccountCredential('AC-trust', 'sealed-3', 3);
    assert.deepEqual(await b.store.getAccountCredentials('AC-trust'), {
      current: 'sealed-3',
      previous: 'sealed-2',
      since: 3,
    });
    assert.deepEqual(await (await b.open()).getAccountCredentials('AC-other'), {
      current: 'sealed-x',
      previous: null,
      since: 1,
    });
  });

  it('keeps the previous credential when one new token is recorded twice, even at once', async () => {
    await b.store.setAccountCredential('AC-race', 'sealed-A', 10, 'fp-A');
    // two proofs of token B overlap: both saw A current, both write B (sealed differently each time)
    await Promise.all([
      b.store.setAccountCredential('AC-race', 'sealed-B1', 20, 'fp-B'),
      b.store.setAccountCredential('AC-race', 'sealed-B2', 21, 'fp-B'),
    ]);
    const after = await b.store.getAccountCredentials('AC-race');
    assert.equal(after?.previous, 'sealed-A', 'A keeps its grace');
    assert.ok(after?.current === 'sealed-B1' || after?.current === 'sealed-B2');
    const since = after.since;
    await b.store.setAccountCredential('AC-race', 'sealed-B3', 99, 'fp-B');
    assert.deepEqual(await b.store.getAccountCredentials('AC-race'), after, 'the same token again changes nothing');
    assert.equal(since === 20 || since === 21, true);
    await b.store.setAccountCredential('AC-race', 'sealed-C', 30, 'fp-C');
    const rotated = await b.store.getAccountCredentials('AC-race');
    assert.deepEqual([rotated?.previous, rotated?.current, rotated?.since], [after.current, 'sealed-C', 30]);
  });

  it('refuses a current token Twilio refused, and never keeps it as the previous one', async () => {
    await b.store.setAccountCredential('AC-leak', 'sealed-T0', 10, 'fp-T0');
    await b.store.setAccountCredential('AC-leak', 'sealed-T1', 20, 'fp-T1');
    await b.store.refuseCredential('AC-leak', 'sealed-T1', 'fp-T1', 30);
    assert.deepEqual(await b.store.getAccountCredentials('AC-leak'), {
      current: null,
      previous: 'sealed-T0',
      since: 20,
    });
    // a proof of T1 that began before the refusal (Twilio accepted it then) lands late: nothing changes
    await b.store.setAccountCredential('AC-leak', 'sealed-T1b', 40, 'fp-T1', 25);
    await b.store.setAccountCredential('AC-leak', 'sealed-T1c', 41, 'fp-T1', 30);
    assert.equal((await b.store.getAccountCredentials('AC-leak'))?.current, null);
    // the new token: the refused one is not kept as its previous one
    await b.store.setAccountCredential('AC-leak', 'sealed-T2', 50, 'fp-T2', 45);
    assert.deepEqual(await b.store.getAccountCredentials('AC-leak'), {
      current: 'sealed-T2',
      previous: null,
      since: 50,
    });
    // the refusal is still remembered: a stale proof of T1 cannot make it current again
    await b.store.setAccountCredential('AC-leak', 'sealed-T1d', 60, 'fp-T1', 29);
    assert.equal((await b.store.getAccountCredentials('AC-leak'))?.current, 'sealed-T2');
    // Twilio accepting it after the refusal (a proof begun later) records it, with T2 as previous
    await b.store.setAccountCredential('AC-leak', 'sealed-T1e', 70, 'fp-T1', 65);
    assert.deepEqual(await b.store.getAccountCredentials('AC-leak'), {
      current: 'sealed-T1e',
      previous: 'sealed-T2',
      since: 70,
    });
  });

  it('forgets a refused previous token and keeps the mark of a refused current one', async () => {
    await b.store.setAccountCredential('AC-both', 'sealed-A', 10, 'fp-A');
    await b.store.setAccountCredential('AC-both', 'sealed-B', 20, 'fp-B');
    await b.store.refuseCredential('AC-both', 'sealed-B', 'fp-B', 30);
    await b.store.refuseCredential('AC-both', 'sealed-A', 'fp-A', 31);
    assert.deepEqual(await b.store.getAccountCredentials('AC-both'), { current: null, previous: null, since: 20 });
    // a credential no longer stored as given (a newer rotation replaced it) is left alone
    await b.store.setAccountCredential('AC-both', 'sealed-C', 40, 'fp-C', 35);
    await b.store.refuseCredential('AC-both', 'sealed-B', 'fp-B', 41);
    assert.deepEqual(await b.store.getAccountCredentials('AC-both'), {
      current: 'sealed-C',
      previous: null,
      since: 40,
    });
    // a current credential recorded before fingerprints existed is refused by its sealed text
    await b.store.setAccountCredential('AC-legacy', 'sealed-L', 10);
    await b.store.refuseCredential('AC-legacy', 'sealed-L', 'fp-L', 20);
    assert.equal((await b.store.getAccountCredentials('AC-legacy'))?.current, null);
  });
});

describe('trust state: upgrading a store from before the previous credential', () => {
  it('fills in each account’s current credential from its newest subscription', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-upgrade-'));
    try {
      const sql = openSqlite(join(dir, 'connector.db'));
      await sql.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
      for (const [i, migration] of SQLITE_MIGRATIONS.slice(0, 4).entries()) {
        for (const statement of migration.split(/;\s*\n/)) if (statement.trim() !== '') await sql.run(statement);
        await sql.run('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [i + 1]);
      }
      const sub = (id: string, account: string, credentials: string, at: number): Promise<number> =>
        sql.run(
          `INSERT INTO subscriptions (id, kind, account_sid, callback_url, credentials, created_at)
           VALUES ($1, 'received', $2, 'http://127.0.0.1:9/cb', $3, $4)`,
          [id, account, credentials, at],
        );
      await sub('s1', 'AC-old', 'sealed-older', 1);
      await sub('s2', 'AC-old', 'sealed-newest', 2);
      await sub('s3', 'AC-known', 'sealed-sub', 5);
      await sql.run(
        `INSERT INTO account_credentials (account_sid, credentials, updated_at) VALUES ('AC-known', 'sealed-proven', 9)`,
      );
      await sql.close();

      const store = await openStore({ dataDir: dir });
      try {
        assert.deepEqual(await store.getAccountCredentials('AC-old'), {
          current: 'sealed-newest',
          previous: null,
          since: 2,
        });
        assert.deepEqual(await store.getAccountCredentials('AC-known'), {
          current: 'sealed-proven',
          previous: null,
          since: 9,
        });
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
