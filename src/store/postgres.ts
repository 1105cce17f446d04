// The PostgreSQL executor: a `pg` pool shared by every connector instance pointing at one database.
// BIGINT columns arrive as strings; the store converts them (all are epoch milliseconds or counters).
import pg from 'pg';
import type { Param, Row, Sql } from './sql.js';

export function openPostgres(connectionString: string): Sql {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);

  const on = (client: pg.Pool | pg.PoolClient): Sql => ({
    dialect: 'postgres',
    async all(text, params: readonly Param[] = []) {
      return (await client.query(text, params as Param[])).rows as Row[];
    },
    async run(text, params: readonly Param[] = []) {
      return (await client.query(text, params as Param[])).rowCount ?? 0;
    },
    tx: (fn) => transaction(fn),
    close: () => Promise.resolve(),
  });

  async function transaction<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ ...on(client), tx: (inner) => inner(on(client)) });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  let closed = false;
  return {
    ...on(pool),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
