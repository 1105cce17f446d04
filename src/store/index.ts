// Opens the connector's durable store: SQLite under the data directory by default, PostgreSQL when a
// database URL is given (several connector instances then share one state). Migrates on open.
import { join } from 'node:path';
import { migrate } from './migrations.js';
import { privateDatabase, privateDir } from './private-files.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import { sqlStore } from './sql-store.js';
import type { ConnectorStore } from './types.js';

export type * from './types.js';

export interface StoreOptions {
  /** directory for the SQLite file (and the generated secret key); created when missing, kept owner-only (0700) */
  dataDir: string;
  /** `postgres://…`: use PostgreSQL instead of SQLite */
  databaseUrl?: string | undefined;
  /** 32-byte key sealing stored secrets (CONNECTOR_SECRET_KEY) */
  secretKey?: Buffer | undefined;
}

export async function openStore(options: StoreOptions): Promise<ConnectorStore> {
  let sql;
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    sql = openPostgres(options.databaseUrl);
  } else if (options.dataDir === ':memory:') {
    sql = openSqlite(':memory:');
  } else {
    privateDir(options.dataDir);
    privateDatabase(join(options.dataDir, 'connector.db'));
    sql = openSqlite(join(options.dataDir, 'connector.db'));
  }
  try {
    await migrate(sql);
  } catch (err) {
    await sql.close();
    throw err;
  }
  // companions left by a version that did not set modes
  if (sql.dialect === 'sqlite' && options.dataDir !== ':memory:')
    privateDatabase(join(options.dataDir, 'connector.db'));
  return sqlStore(sql);
}
