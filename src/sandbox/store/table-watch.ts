// Callbacks for "a row of this table was written", for caches of rows that almost never change
// (credentials, sender numbers), and for "the open transaction was rolled back". Temporary
// triggers call back into JS on every INSERT, UPDATE or DELETE that any code on this connection
// makes, so a cache can never miss a change, whoever makes it (an API route, a reset, a test
// writing SQL by hand). The triggers are created when the database is opened, outside any
// transaction: created inside one, a rollback would drop them and leave the caches deaf.
import type { Db } from './db.js';

const WATCHED = ['accounts', 'api_keys', 'incoming_numbers'] as const;
export type WatchedTable = (typeof WATCHED)[number];

interface Watch {
  tables: Map<string, Set<() => void>>;
  rollback: Set<() => void>;
}

const watches = new WeakMap<Db, Watch>();

/** Creates the triggers of every watched table (openDb calls it once the schema is current). */
export function installTableWatch(db: Db): void {
  if (watches.has(db)) return;
  if (db.inTransaction) throw new Error('the table watch must be installed outside a transaction');
  const watch: Watch = { tables: new Map(WATCHED.map((t) => [t, new Set<() => void>()])), rollback: new Set() };
  db.function('sandbox_table_written', { deterministic: false, varargs: false }, (name: unknown) => {
    for (const f of watch.tables.get(String(name)) ?? []) f();
    return null;
  });
  for (const table of WATCHED) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS written_${table}_${op.toLowerCase()} AFTER ${op} ON main.${table}
         BEGIN SELECT sandbox_table_written('${table}'); END`,
      );
    }
  }
  watches.set(db, watch);
}

function watchOf(db: Db): Watch {
  installTableWatch(db);
  return watches.get(db)!;
}

/** Calls `fn` after every row any statement writes in `table`. */
export function onTableWrite(db: Db, table: WatchedTable, fn: () => void): void {
  watchOf(db).tables.get(table)!.add(fn);
}

/** Calls `fn` after every rolled-back turn (see rolledBack); returns the way to stop. */
export function onRollback(db: Db, fn: () => void): () => void {
  const { rollback } = watchOf(db);
  rollback.add(fn);
  return () => rollback.delete(fn);
}

/**
 * Tells every callback of `db` that its open transaction was rolled back: the undone writes
 * fired no trigger, and what a cache read between a write and its undoing may be gone.
 */
export function rolledBack(db: Db): void {
  const watch = watches.get(db);
  if (!watch) return;
  for (const fns of watch.tables.values()) for (const f of fns) f();
  for (const f of watch.rollback) f();
}
