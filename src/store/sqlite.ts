// The SQLite executor: better-sqlite3 in WAL mode under the data directory. Calls are synchronous,
// so a promise chain keeps one transaction from interleaving with another caller's statements.
// SQLite state belongs to one connector process; several instances need PostgreSQL.
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { toPositional, type Param, type Row, type Sql } from './sql.js';

interface Shared {
  sql: Sql;
  users: number;
}
// Two connections of one process on one file would deadlock: a transaction awaiting its callback
// holds the write lock while the other connection busy-waits on the same thread. So every store
// opened on a file in this process shares one connection and one lock.
const shared = new Map<string, Shared>();

export function openSqlite(file: string): Sql {
  if (file === ':memory:') return connect(file);
  const key = resolve(file);
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = { sql: connect(key), users: 0 };
    shared.set(key, entry);
  }
  entry.users++;
  const e = entry;
  let closed = false;
  return {
    ...e.sql,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--e.users === 0) {
        shared.delete(key);
        await e.sql.close();
      }
    },
  };
}

function connect(file: string): Sql {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');

  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string): Database.Statement => {
    let stmt = statements.get(text);
    if (stmt === undefined) {
      stmt = db.prepare(text);
      statements.set(text, stmt);
    }
    return stmt;
  };

  const direct: Sql = {
    dialect: 'sqlite',
    all(text, params = []) {
      const p = toPositional(text, params);
      const stmt = prepare(p.text);
      if (!stmt.reader) {
        stmt.run(...p.params);
        return Promise.resolve([]);
      }
      return Promise.resolve(stmt.all(...p.params) as Row[]);
    },
    run(text, params = []) {
      const p = toPositional(text, params);
      return Promise.resolve(prepare(p.text).run(...p.params).changes);
    },
    tx: (fn) => fn(direct),
    close: () => Promise.resolve(),
  };

  let queue: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  let closed = false;

  return {
    dialect: 'sqlite',
    all: (text, params?: readonly Param[]) => locked(() => direct.all(text, params)),
    run: (text, params?: readonly Param[]) => locked(() => direct.run(text, params)),
    tx: (fn) =>
      locked(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      locked(() => {
        if (!closed) {
          closed = true;
          db.close();
        }
        return Promise.resolve();
      }),
  };
}
