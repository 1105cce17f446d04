// Opens the sandbox's SQLite database (WAL, foreign keys) and brings its schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';
import { installTableWatch } from './table-watch.js';
import { statusAt } from './timeline.js';

export type Db = Database.Database;

export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // SQLite's default page cache (2 MiB) on purpose: every commit walks the whole cache to drop
  // pages past the end of the file, and with 64 MiB that walk cost more than the reads it saved
  migrate(db);
  // the status a stored timeline shows at a time, for SQL filters over planned courses (course.ts)
  db.function('timeline_status', { deterministic: true }, (text: unknown, now: unknown) =>
    statusAt(String(text), Number(now)),
  );
  installTableWatch(db);
  cacheStatements(db);
  return db;
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * Compiling a statement costs more than running most of ours, and every request prepares a few:
 * keep the compiled ones by SQL text (bounded, oldest out first). Safe because nothing here
 * iterates a statement while another use of it is under way.
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = compile(sql);
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
