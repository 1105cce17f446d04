// Versioned schema of the connector's state, one list per dialect (they differ only in column
// types). Each entry upgrades from the previous version. Never edit a shipped migration: append.
// All times are integer milliseconds since the epoch (UTC).
import type { Sql } from './sql.js';

const common = (t: { id: string; int: string }): string[] => [
  /* 1: Idempotency-Key on actions */ `
  CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    status ${t.int},
    body TEXT,
    content_type TEXT,
    expires_at ${t.int} NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)`,
  /* 2: trigger subscriptions, the numbers they took over, and the delivery outbox */ `
  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    phone_number TEXT,
    number_sid TEXT,
    auto_reply TEXT,
    statuses TEXT,
    credentials TEXT NOT NULL,
    created_at ${t.int} NOT NULL
  );
  CREATE INDEX subscriptions_number ON subscriptions (account_sid, kind, phone_number);

  CREATE TABLE number_hooks (
    account_sid TEXT NOT NULL,
    number_sid TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    previous_sms_url TEXT NOT NULL,
    previous_sms_method TEXT NOT NULL,
    created_at ${t.int} NOT NULL,
    PRIMARY KEY (account_sid, number_sid)
  );

  CREATE TABLE outbox (
    id ${t.id},
    account_sid TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    order_key TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts ${t.int} NOT NULL DEFAULT 0,
    next_attempt_at ${t.int} NOT NULL,
    lease_owner TEXT,
    lease_until ${t.int},
    last_error TEXT,
    created_at ${t.int} NOT NULL,
    updated_at ${t.int} NOT NULL,
    UNIQUE (subscription_id, dedupe_key)
  );
  CREATE INDEX outbox_pending ON outbox (state, order_key, id);
  CREATE INDEX outbox_account ON outbox (account_sid, state, id)`,
  /* 3: a lease on in-flight idempotency claims, so a send whose process died does not hold its key for a day */ `
  ALTER TABLE idempotency_keys ADD COLUMN lease_until ${t.int};
  ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT`,
  /* 4: the store's own random key (idempotency scopes, forwarded callbacks) and each account's current sealed credential */ `
  CREATE TABLE connector_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE account_credentials (
    account_sid TEXT PRIMARY KEY,
    credentials TEXT NOT NULL,
    updated_at ${t.int} NOT NULL
  )`,
  /* 5: the credential an account used before its current one (webhooks signed just before a rotation
        still verify), and the current one of accounts whose subscriptions predate migration 4 */ `
  ALTER TABLE account_credentials ADD COLUMN previous_credentials TEXT;
  INSERT INTO account_credentials (account_sid, credentials, updated_at)
  SELECT s.account_sid, s.credentials, s.created_at FROM subscriptions s
  WHERE NOT EXISTS (
    SELECT 1 FROM subscriptions n WHERE n.account_sid = s.account_sid
      AND (n.created_at > s.created_at OR (n.created_at = s.created_at AND n.id > s.id)))
  ON CONFLICT (account_sid) DO NOTHING`,
  /* 6: subscriptions delivered through Event Streams: the sink and subscription created upstream (JSON) */ `
  ALTER TABLE subscriptions ADD COLUMN stream TEXT`,
  /* 7: a fingerprint of the current credential (a keyed hash of the token), so recording the same
        token twice, even from two proofs at once, is recognised and keeps the previous one */ `
  ALTER TABLE account_credentials ADD COLUMN fingerprint TEXT`,
  /* 8: the previous credential's fingerprint, and the last stored token Twilio refused and when, so a
        refused token signs nothing, is not kept as the previous one, and a proof older than the refusal
        does not record it again */ `
  ALTER TABLE account_credentials ADD COLUMN previous_fingerprint TEXT;
  ALTER TABLE account_credentials ADD COLUMN refused_fingerprint TEXT;
  ALTER TABLE account_credentials ADD COLUMN refused_at ${t.int}`,
];

export const SQLITE_MIGRATIONS = common({ id: 'INTEGER PRIMARY KEY AUTOINCREMENT', int: 'INTEGER' });
export const POSTGRES_MIGRATIONS = common({ id: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', int: 'BIGINT' });

/** Brings the schema up to date; safe when several instances start at once on PostgreSQL. */
export async function migrate(sql: Sql): Promise<number> {
  const list = sql.dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
  return sql.tx(async (q) => {
    if (q.dialect === 'postgres') {
      // One instance migrates; the others wait here and then find nothing to do.
      await q.all(`SELECT pg_advisory_xact_lock(hashtext('twilio-connector:migrate'))`);
    }
    await q.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const rows = await q.all('SELECT MAX(version) AS v FROM schema_migrations');
    const current = Number(rows[0]?.['v'] ?? 0);
    for (let v = current + 1; v <= list.length; v++) {
      for (const statement of (list[v - 1] as string).split(/;\s*\n/)) {
        if (statement.trim() !== '') await q.run(statement);
      }
      await q.run('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [v, Date.now()]);
    }
    return list.length;
  });
}
