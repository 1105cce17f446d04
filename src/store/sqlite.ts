// The SQLite executor: better-sqlite3 in WAL mode under the data directory. Calls are synchronous,
// so a promise chain keeps one transaction from interleaving with another caller's statements.
import Database from 'better-sqlite3';
import { toPositional, type Param, type Row, type Sql } from './sql.js';

export function openSqlite(file: string): Sql {
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
