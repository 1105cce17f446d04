// Group commit: the API writes of every request handled in two consecutive event-loop turns share
// one SQLite transaction, committed in the check phase of the second, and each request answers
// only after the commit that holds its writes. A commit costs far more than an insert (WAL frames for
// every touched page), so under load this turns N commits into one without giving up durability:
// no client ever hears of a write that is not committed.
//
// Statements inside the open transaction behave as before: `db.transaction()` nests as a
// savepoint, so a failed multi-statement write still rolls back alone. Hot paths may skip the
// savepoint (it copies every page it touches); if such a write fails half-way, the caller aborts
// the whole turn instead: nobody has been answered yet, so every request in it gets an error.
import type { Db } from './db.js';
import { rolledBack } from './rollbacks.js';

export class GroupCommit {
  private readonly db: Db;
  private open = false;
  /** called with no argument once committed, with the error if the turn failed */
  private waiters: ((err?: unknown) => void)[] = [];
  private callbacks: (() => void)[] = [];
  private closed = false;

  constructor(db: Db) {
    this.db = db;
  }

  /** Makes the writes that follow (until the end of this turn) part of the turn's transaction. */
  join(): void {
    if (this.open || this.closed || this.db.inTransaction) return;
    this.db.exec('BEGIN');
    this.open = true;
    // commit in the check phase of the next turn, not this one: one more poll phase of requests
    // shares the commit, for about one loop iteration of added latency
    setImmediate(() => setImmediate(() => this.commit()));
  }

  /** True while a turn's transaction holds uncommitted writes. */
  get pending(): boolean {
    return this.open;
  }

  /** Resolves once the open transaction (if any) is committed; rejects if the commit failed. */
  committed(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.whenCommitted((err) =>
        err === undefined ? resolve() : reject(err instanceof Error ? err : new Error(String(err))),
      ),
    );
  }

  /** `committed()` for hot paths: `done()` once committed (at once if nothing is open), `done(err)` if not. */
  whenCommitted(done: (err?: unknown) => void): void {
    if (this.open) this.waiters.push(done);
    else done();
  }

  /** Runs `fn` once the open transaction (if any) commits; never if it is rolled back. */
  afterCommit(fn: () => void): void {
    if (this.open) this.callbacks.push(fn);
    else fn();
  }

  /** Commits now (before the database closes, or when a caller needs its writes on disk at once). */
  flush(): void {
    if (this.open) this.commit();
  }

  /** Rolls back the turn's writes (one of them failed half-way); its requests get an error. */
  abort(err: unknown): void {
    if (!this.open) return;
    // a waiter called with nothing takes it for a commit
    const reason = err ?? new Error('the transaction was rolled back');
    this.open = false;
    const waiters = this.waiters;
    this.waiters = [];
    this.callbacks = [];
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    rolledBack(this.db);
    for (const w of waiters) w(reason);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private commit(): void {
    if (!this.open) return;
    this.open = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      this.open = true;
      this.waiters = waiters;
      this.abort(err);
      return;
    }
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const fn of callbacks) {
      // a failing callback must not keep the turn's requests from their answers
      try {
        fn();
      } catch (err) {
        process.emitWarning(err instanceof Error ? err : new Error(String(err)), 'GroupCommitWarning');
      }
    }
    for (const w of waiters) w();
  }
}
