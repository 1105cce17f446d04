// Opens the sandbox's SQLite database (WAL, foreign keys) and brings its schema up to date.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDb(file: string): Db {
  if (file !== ':memory:') makePrivate(file);
  const db = new Database(file);
  if (file !== ':memory:') {
    db.pragma('journal_mode = WAL');
    privateSidecars(file);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // SQLite's default page cache (2 MiB) on purpose: every commit walks the whole cache to drop
  // pages past the end of the file, so a larger cache slows every write
  migrate(db);
  cacheStatements(db);
  return db;
}

/**
 * The file holds the account's auth token: readable by its owner only, whatever the umask. The
 * directories made for it are the owner's too; a directory that already existed is left as it was.
 */
function makePrivate(file: string): void {
  const dir = resolve(dirname(file));
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first !== undefined) {
    // mkdir applies the umask: set each directory made here, from the first one down
    for (let d = dir; ; d = dirname(d)) {
      chmodSync(d, 0o700);
      if (d === first || dirname(d) === d) break;
    }
  }
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/**
 * SQLite gives the -wal and -shm files it creates the database file's mode; ones left by an older
 * run may not have it.
 */
function privateSidecars(file: string): void {
  for (const suffix of ['-wal', '-shm']) {
    const path = file + suffix;
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

const STATEMENT_CACHE_SIZE = 512;
const SHARED = 'a cached statement is shared: prepare a statement of its own to change its mode';

/**
 * The one statement cache. Compiling a statement costs more than running most of ours, and every
 * request prepares a few, so `db.prepare` keeps the compiled ones by SQL text (bounded, oldest out
 * first) and every caller gets the same statement for the same text. Shared means never mutated:
 * the mode setters throw (`.raw()` on one caller's statement would change every other caller's
 * rows). Safe to share because nothing here iterates a statement while another use of it runs.
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = compile(sql);
      for (const mode of ['raw', 'pluck', 'expand'] as const) {
        Object.defineProperty(stmt, mode, {
          value: () => {
            throw new TypeError(SHARED);
          },
        });
      }
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
    }
    return stmt;
  }) as Db['prepare'];
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this sandbox supports (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
