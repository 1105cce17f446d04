// Callbacks for "the open transaction was rolled back": what a part keeps in memory between
// transactions (the lifecycle's step state of messages in flight) may describe writes that were
// undone, and a rolled-back insert gives its rowid back for another row.
import type { Db } from './db.js';

const callbacks = new WeakMap<Db, Set<() => void>>();

/** Calls `fn` after every rolled-back turn (see rolledBack); returns the way to stop. */
export function onRollback(db: Db, fn: () => void): () => void {
  let set = callbacks.get(db);
  if (!set) callbacks.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/** Tells every callback of `db` that its open transaction was rolled back. */
export function rolledBack(db: Db): void {
  for (const f of callbacks.get(db) ?? []) f();
}
