// Callbacks for "a row of this table was written", for caches of rows that almost never change
// (credentials, sender numbers). Temporary triggers call back into JS on every INSERT, UPDATE or
// DELETE that any code on this connection makes, so a cache can never miss a change, whoever
// makes it (an API route, a reset, a migration test writing SQL by hand).
import type { Db } from './db.js';

const watchers = new WeakMap<Db, Map<string, Set<() => void>>>();

/** Calls `fn` after every statement row that writes `table` (in the main schema). */
export function onTableWrite(db: Db, table: string, fn: () => void): void {
  let byTable = watchers.get(db);
  if (!byTable) {
    const tables = (byTable = new Map<string, Set<() => void>>());
    watchers.set(db, tables);
    db.function('sandbox_table_written', { deterministic: false, varargs: false }, (name: unknown) => {
      for (const f of tables.get(String(name)) ?? []) f();
      return null;
    });
  }
  let fns = byTable.get(table);
  if (!fns) {
    byTable.set(table, (fns = new Set()));
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS written_${table}_${op.toLowerCase()} AFTER ${op} ON main.${table}
         BEGIN SELECT sandbox_table_written('${table}'); END`,
      );
    }
  }
  fns.add(fn);
}

/**
 * Calls every callback of `db`: after a rollback, whose undone writes fire no trigger, a cache
 * may hold rows that were read between a write and its undoing.
 */
export function rolledBack(db: Db): void {
  for (const fns of watchers.get(db)?.values() ?? []) for (const f of fns) f();
}
