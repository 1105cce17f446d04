// Runs a store test suite against both backends: SQLite in a temp dir and a real PostgreSQL.
// When PostgreSQL cannot start, the PostgreSQL suite fails (it is never skipped).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { Sql } from '../../src/store/sql.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

export interface Backend {
  /** opens another store on the same database (a second connector instance) */
  open(): Promise<ConnectorStore>;
  store: ConnectorStore;
  /** a plain SQL executor on the same database, to look at how it runs the store's statements */
  sql(): Sql;
  readonly dialect: Sql['dialect'];
}

export function eachBackend(name: string, suite: (b: Backend) => void): void {
  describe(`${name} (sqlite)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-store-'));
    const opened: ConnectorStore[] = [];
    const raw: Sql[] = [];
    const b = {
      dialect: 'sqlite',
      open: async () => {
        const s = await openStore({ dataDir: dir });
        opened.push(s);
        return s;
      },
      sql: () => {
        const q = openSqlite(join(dir, 'connector.db'));
        raw.push(q);
        return q;
      },
    } as Backend;
    before(async () => {
      b.store = await b.open();
    });
    after(async () => {
      for (const q of raw) await q.close();
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    });
    suite(b);
  });

  describe(`${name} (postgres)`, () => {
    let pg: TestPostgres | undefined;
    const opened: ConnectorStore[] = [];
    const raw: Sql[] = [];
    const b = {
      dialect: 'postgres',
      open: async () => {
        if (pg === undefined) throw new Error('PostgreSQL is not running');
        const s = await openStore({ dataDir: '/nonexistent', databaseUrl: pg.url });
        opened.push(s);
        return s;
      },
      sql: () => {
        if (pg === undefined) throw new Error('PostgreSQL is not running');
        const q = openPostgres(pg.url);
        raw.push(q);
        return q;
      },
    } as Backend;
    before(async () => {
      pg = await startPostgres();
      b.store = await b.open();
    });
    after(async () => {
      for (const q of raw) await q.close();
      for (const s of opened) await s.close();
      await pg?.close();
    });
    suite(b);
  });
}
