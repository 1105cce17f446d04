// Opens the connector's durable store: SQLite under the data directory by default, PostgreSQL when a
// database URL is given (several connector instances then share one state). Migrates on open.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrations.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import { sqlStore } from './sql-store.js';
import type { ConnectorStore } from './types.js';

export type * from './types.js';

export interface StoreOptions {
  /** directory for the SQLite file (and the generated secret key); created when missing */
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
    mkdirSync(options.dataDir, { recursive: true });
    sql = openSqlite(join(options.dataDir, 'connector.db'));
  }
  try {
    await migrate(sql);
  } catch (err) {
    await sql.close();
    throw err;
  }
  return sqlStore(sql);
}
