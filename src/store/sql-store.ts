// The ConnectorStore written once over the Sql executor. Every claim is a single atomic statement
// or one transaction, so concurrent requests and several instances on one PostgreSQL stay correct.
import { randomBytes } from 'node:crypto';
import { num, str, strOrNull, type Row, type Sql } from './sql.js';
import type {
  AccountCredentials,
  ConnectorStore,
  IdempotencyClaim,
  NewOutboxEvent,
  NumberHook,
  OutboxEvent,
  OutboxState,
  Subscription,
  StreamBinding,
  SubscriptionKind,
} from './types.js';

function toSubscription(r: Row): Subscription {
  const statuses = strOrNull(r['statuses']);
  return {
    id: str(r['id']),
    kind: str(r['kind']) as SubscriptionKind,
    account_sid: str(r['account_sid']),
    callback_url: str(r['callback_url']),
    phone_number: strOrNull(r['phone_number']),
    number_sid: strOrNull(r['number_sid']),
    auto_reply: strOrNull(r['auto_reply']),
    statuses: statuses === null ? null : (JSON.parse(statuses) as string[]),
    credentials: str(r['credentials']),
    created_at: num(r['created_at']),
    ...(strOrNull(r['stream']) === null ? {} : { stream: JSON.parse(str(r['stream'])) as StreamBinding }),
  };
}

function toHook(r: Row): NumberHook {
  return {
    account_sid: str(r['account_sid']),
    number_sid: str(r['number_sid']),
    phone_number: str(r['phone_number']),
    previous_sms_url: str(r['previous_sms_url']),
    previous_sms_method: str(r['previous_sms_method']),
  };
}

function toEvent(r: Row): OutboxEvent {
  return {
    id: num(r['id']),
    account_sid: str(r['account_sid']),
    subscription_id: str(r['subscription_id']),
    order_key: str(r['order_key']),
    dedupe_key: str(r['dedupe_key']),
    callback_url: str(r['callback_url']),
    payload: str(r['payload']),
    state: str(r['state']) as OutboxState,
    attempts: num(r['attempts']),
    next_attempt_at: num(r['next_attempt_at']),
    last_error: strOrNull(r['last_error']),
    created_at: num(r['created_at']),
    updated_at: num(r['updated_at']),
  };
}

/**
 * The claim: `$1` now, `$2` how many, `$3` the owner, `$4` the lease's end, `$5` the most events of
 * one account leased at once. Exported so tests can look at how the database runs it.
 */
export function claimStatement(dialect: Sql['dialect']): string {
  const pg = dialect === 'postgres';
  return `WITH RECURSIVE keys (k) AS (
    SELECT (SELECT MIN(f.order_key) FROM outbox f WHERE f.state = 'pending')
    UNION ALL
    SELECT (SELECT MIN(x.order_key) FROM outbox x WHERE x.state = 'pending' AND x.order_key > keys.k)
    FROM keys WHERE keys.k IS NOT NULL),
  heads AS MATERIALIZED (${
    // PostgreSQL would hash-join the outbox (a full read) for what a LATERAL fetch per key answers;
    // SQLite has no LATERAL, and looks each head up by its id anyway
    pg
      ? `SELECT h.id, h.account_sid, h.subscription_id, h.next_attempt_at, h.lease_until FROM keys
    CROSS JOIN LATERAL (SELECT p.id, p.account_sid, p.subscription_id, p.next_attempt_at, p.lease_until
      FROM outbox p WHERE p.state = 'pending' AND p.order_key = keys.k ORDER BY p.id LIMIT 1) h`
      : `SELECT h.id, h.account_sid, h.subscription_id, h.next_attempt_at, h.lease_until FROM keys
    JOIN outbox h ON h.id = (SELECT MIN(p.id) FROM outbox p WHERE p.state = 'pending' AND p.order_key = keys.k)`
  }
    WHERE keys.k IS NOT NULL),
  busy AS MATERIALIZED (
    SELECT b.account_sid, b.subscription_id FROM heads b WHERE b.lease_until > $1),
  picked AS MATERIALIZED (
    SELECT MIN(e.id) AS id, e.account_sid FROM heads e
    WHERE e.next_attempt_at <= $1 AND (e.lease_until IS NULL OR e.lease_until <= $1)
      AND e.subscription_id NOT IN (SELECT subscription_id FROM busy)
    GROUP BY e.account_sid, e.subscription_id),
  ranked AS MATERIALIZED (
    SELECT r.id, ROW_NUMBER() OVER (PARTITION BY r.account_sid ORDER BY r.id)
      + (SELECT COUNT(*) FROM busy c WHERE c.account_sid = r.account_sid) AS n
    FROM picked r),
  due AS MATERIALIZED (
    SELECT o.id FROM ranked JOIN outbox o ON o.id = ranked.id
    WHERE ranked.n <= $5
      AND o.state = 'pending' AND o.next_attempt_at <= $1 AND (o.lease_until IS NULL OR o.lease_until <= $1)
    ORDER BY o.id LIMIT $2 ${pg ? 'FOR UPDATE OF o SKIP LOCKED' : ''})
  UPDATE outbox ${pg ? '' : 'NOT INDEXED'} SET lease_owner = $3, lease_until = $4, attempts = attempts + 1,
    updated_at = $1
  WHERE id IN (SELECT id FROM due) AND state = 'pending'
  RETURNING *`;
}

export function sqlStore(sql: Sql): ConnectorStore {
  return {
    kind: sql.dialect,

    async claimIdempotencyKey(scope, key, requestHash, ttlMs, lease) {
      for (;;) {
        const now = Date.now();
        // Inserts, or takes over an expired key or an in-flight claim for the same body whose lease
        // ran out (its holder died); a live claim makes the WHERE false and returns nothing.
        const claimed = await sql.all(
          `INSERT INTO idempotency_keys (scope, key, request_hash, state, status, body, content_type, expires_at,
             lease_until, claim_token)
           VALUES ($1, $2, $3, 'in-flight', NULL, NULL, NULL, $4, $6, $7)
           ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'in-flight',
             status = NULL, body = NULL, content_type = NULL, expires_at = excluded.expires_at,
             lease_until = excluded.lease_until, claim_token = excluded.claim_token
           WHERE idempotency_keys.expires_at <= $5
             OR (idempotency_keys.state = 'in-flight' AND idempotency_keys.lease_until <= $5
                 AND idempotency_keys.request_hash = excluded.request_hash)
           RETURNING scope`,
          [
            scope,
            key,
            requestHash,
            now + ttlMs,
            now,
            lease === undefined ? null : now + lease.ms,
            lease?.token ?? null,
          ],
        );
        if (claimed.length > 0) return { state: 'new' };
        const rows = await sql.all(
          'SELECT request_hash, state, status, body, content_type FROM idempotency_keys WHERE scope = $1 AND key = $2',
          [scope, key],
        );
        const r = rows[0];
        // Released between our two statements: claim again.
        if (r === undefined) continue;
        const hash = str(r['request_hash']);
        if (r['state'] === 'done') {
          return {
            state: 'done',
            requestHash: hash,
            status: num(r['status']),
            body: str(r['body']),
            contentType: str(r['content_type']),
          } satisfies IdempotencyClaim;
        }
        return { state: 'in-flight', requestHash: hash };
      }
    },

    async completeIdempotencyKey(scope, key, status, body, contentType, token) {
      // with a token, a holder whose claim was taken over leaves the new holder's row alone
      await sql.run(
        `UPDATE idempotency_keys SET state = 'done', status = $3, body = $4, content_type = $5, lease_until = NULL
         WHERE scope = $1 AND key = $2${token === undefined ? '' : ' AND claim_token = $6'}`,
        token === undefined ? [scope, key, status, body, contentType] : [scope, key, status, body, contentType, token],
      );
    },

    async releaseIdempotencyKey(scope, key, token) {
      await sql.run(
        `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in-flight'${
          token === undefined ? '' : ' AND claim_token = $3'
        }`,
        token === undefined ? [scope, key] : [scope, key, token],
      );
    },

    async sharedKey() {
      const fresh = randomBytes(32).toString('hex');
      // the first instance's key wins; every later call reads it back
      await sql.run('INSERT INTO connector_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        'shared',
        fresh,
      ]);
      const rows = await sql.all('SELECT value FROM connector_keys WHERE name = $1', ['shared']);
      return Buffer.from(str(rows[0]?.['value']), 'hex');
    },

    async setAccountCredential(accountSid, credentials, now, fingerprint, provenAt = now) {
      // decided in the statement, against the row as it is when the write lands (PostgreSQL re-reads
      // it after waiting for a concurrent writer), so overlapping proofs of one token agree, and a
      // proof that began before the token was refused cannot bring it back
      const a = 'account_credentials';
      const stale = `(${a}.refused_fingerprint = excluded.fingerprint AND ${a}.refused_at >= $5)`;
      const keep = `(${stale} OR ${a}.fingerprint = excluded.fingerprint)`;
      const refused = `${a}.fingerprint = ${a}.refused_fingerprint`;
      const unrefuse = `excluded.fingerprint = ${a}.refused_fingerprint AND NOT ${stale}`;
      await sql.run(
        `INSERT INTO account_credentials (account_sid, credentials, fingerprint, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_sid) DO UPDATE SET
           previous_credentials = CASE WHEN ${keep} THEN ${a}.previous_credentials
             WHEN ${refused} THEN NULL ELSE ${a}.credentials END,
           previous_fingerprint = CASE WHEN ${keep} THEN ${a}.previous_fingerprint
             WHEN ${refused} THEN NULL ELSE ${a}.fingerprint END,
           credentials = CASE WHEN ${keep} THEN ${a}.credentials ELSE excluded.credentials END,
           updated_at = CASE WHEN ${keep} THEN ${a}.updated_at ELSE excluded.updated_at END,
           fingerprint = CASE WHEN ${stale} THEN ${a}.fingerprint ELSE excluded.fingerprint END,
           refused_at = CASE WHEN ${unrefuse} THEN NULL ELSE ${a}.refused_at END,
           refused_fingerprint = CASE WHEN ${unrefuse} THEN NULL ELSE ${a}.refused_fingerprint END`,
        [accountSid, credentials, fingerprint ?? null, now, provenAt],
      );
    },

    async refuseCredential(accountSid, sealed, fingerprint, now) {
      // compared by the sealed text (each sealing differs), so a credential a newer rotation replaced
      // is left alone; the fingerprint marks the current one refused, and names the token refused
      // (refusing the previous one keeps the mark of a current one refused before it)
      const keepMark = 'credentials <> $2 AND fingerprint = refused_fingerprint';
      await sql.run(
        `UPDATE account_credentials SET
           fingerprint = CASE WHEN credentials = $2 THEN $3 ELSE fingerprint END,
           previous_fingerprint = CASE WHEN previous_credentials = $2 THEN NULL ELSE previous_fingerprint END,
           previous_credentials = CASE WHEN previous_credentials = $2 THEN NULL ELSE previous_credentials END,
           refused_fingerprint = CASE WHEN ${keepMark} THEN refused_fingerprint ELSE $3 END,
           refused_at = CASE WHEN ${keepMark} THEN refused_at ELSE $4 END
         WHERE account_sid = $1 AND (credentials = $2 OR previous_credentials = $2)`,
        [accountSid, sealed, fingerprint, now],
      );
    },

    async getAccountCredentials(accountSid) {
      const rows = await sql.all(
        `SELECT credentials, previous_credentials, updated_at,
           CASE WHEN fingerprint = refused_fingerprint THEN 1 ELSE 0 END AS refused
         FROM account_credentials WHERE account_sid = $1`,
        [accountSid],
      );
      const r = rows[0];
      if (r === undefined) return undefined;
      return {
        current: num(r['refused']) === 1 ? null : str(r['credentials']),
        previous: strOrNull(r['previous_credentials']),
        since: num(r['updated_at']),
      } satisfies AccountCredentials;
    },

    pruneIdempotencyKeys(now) {
      return sql.run('DELETE FROM idempotency_keys WHERE expires_at <= $1', [now]);
    },

    async createSubscription(s) {
      await sql.run(
        `INSERT INTO subscriptions (id, kind, account_sid, callback_url, phone_number, number_sid, auto_reply, statuses,
           credentials, created_at, stream) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          s.id,
          s.kind,
          s.account_sid,
          s.callback_url,
          s.phone_number,
          s.number_sid,
          s.auto_reply,
          s.statuses === null ? null : JSON.stringify(s.statuses),
          s.credentials,
          s.created_at,
          s.stream === undefined ? null : JSON.stringify(s.stream),
        ],
      );
    },

    async setSubscriptionStream(id, stream) {
      await sql.run('UPDATE subscriptions SET stream = $1 WHERE id = $2', [JSON.stringify(stream), id]);
    },

    async listCredentialAccounts() {
      const rows = await sql.all('SELECT account_sid FROM account_credentials ORDER BY account_sid');
      return rows.map((r) => str(r['account_sid']));
    },

    async getSubscription(id) {
      const rows = await sql.all('SELECT * FROM subscriptions WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : toSubscription(rows[0]);
    },

    async listSubscriptions(accountSid, kind, phoneNumber) {
      const rows =
        phoneNumber === undefined
          ? await sql.all('SELECT * FROM subscriptions WHERE account_sid = $1 AND kind = $2 ORDER BY created_at, id', [
              accountSid,
              kind,
            ])
          : await sql.all(
              'SELECT * FROM subscriptions WHERE account_sid = $1 AND kind = $2 AND phone_number = $3 ORDER BY created_at, id',
              [accountSid, kind, phoneNumber],
            );
      return rows.map(toSubscription);
    },

    deleteSubscription(id) {
      return sql.tx(async (q) => {
        const rows = await q.all('DELETE FROM subscriptions WHERE id = $1 RETURNING *', [id]);
        if (rows[0] === undefined) return undefined;
        const removed = toSubscription(rows[0]);
        let lastOnNumber: NumberHook | undefined;
        if (removed.number_sid !== null) {
          if (q.dialect === 'postgres') {
            // Serialises concurrent unsubscribes of one number so exactly one sees "last".
            await q.all('SELECT 1 FROM number_hooks WHERE account_sid = $1 AND number_sid = $2 FOR UPDATE', [
              removed.account_sid,
              removed.number_sid,
            ]);
          }
          const left = await q.all(
            'SELECT COUNT(*) AS n FROM subscriptions WHERE account_sid = $1 AND number_sid = $2',
            [removed.account_sid, removed.number_sid],
          );
          if (num(left[0]?.['n'] ?? 0) === 0) {
            const hooks = await q.all(
              'DELETE FROM number_hooks WHERE account_sid = $1 AND number_sid = $2 RETURNING *',
              [removed.account_sid, removed.number_sid],
            );
            if (hooks[0] !== undefined) lastOnNumber = toHook(hooks[0]);
          }
        }
        return { removed, lastOnNumber };
      });
    },

    async saveNumberHook(h, now) {
      const rows = await sql.all(
        `INSERT INTO number_hooks (account_sid, number_sid, phone_number, previous_sms_url, previous_sms_method, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_sid, number_sid) DO NOTHING RETURNING number_sid`,
        [h.account_sid, h.number_sid, h.phone_number, h.previous_sms_url, h.previous_sms_method, now],
      );
      return rows.length > 0;
    },

    async getNumberHook(accountSid, numberSid) {
      const rows = await sql.all('SELECT * FROM number_hooks WHERE account_sid = $1 AND number_sid = $2', [
        accountSid,
        numberSid,
      ]);
      return rows[0] === undefined ? undefined : toHook(rows[0]);
    },

    enqueue(events: readonly NewOutboxEvent[], now: number) {
      return sql.tx(async (q) => {
        let added = 0;
        for (const e of events) {
          added += await q.run(
            `INSERT INTO outbox (account_sid, subscription_id, order_key, dedupe_key, callback_url, payload, state,
               attempts, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)
             ON CONFLICT (subscription_id, dedupe_key) DO NOTHING`,
            [e.account_sid, e.subscription_id, e.order_key, e.dedupe_key, e.callback_url, e.payload, now],
          );
        }
        return added;
      });
    },

    async claimDue(owner, now, leaseMs, limit, perAccount = limit) {
      // Only the head of each order key is eligible, so a failing event holds back the ones behind it.
      // The heads are found by skipping through the pending index one order key at a time (two index
      // seeks per key), so a claim costs the same whatever the backlog behind any head: a subscriber
      // whose callback is down piles up events that no claim reads. Of the heads, one per
      // subscription, and none of a subscription with a head leased right now (only heads are ever
      // leased): each subscriber has at most one attempt in flight, so a slow one occupies one slot,
      // never more; and at most `perAccount` of one account's subscriptions at once, counting the
      // committed leases of every instance (two instances claiming at the same moment can each take
      // a share), so one account's many slow callbacks leave slots to the others.
      // One statement both picks and leases; on PostgreSQL, SKIP LOCKED lets instances
      // claim side by side. `o.state` and the lease are tested on `o` itself because PostgreSQL
      // re-checks those against the newest row version after waiting for a lock: an event another
      // instance delivered meanwhile must not be picked again from this statement's older snapshot.
      // SQLite would otherwise answer the final `state = 'pending'` from the pending index, a scan.
      const rows = await sql.all(claimStatement(sql.dialect), [now, limit, owner, now + leaseMs, perAccount]);
      return rows.map(toEvent).sort((x, y) => x.id - y.id);
    },

    async releaseClaim(id, owner) {
      // the interrupted attempt does not count: the event is due again at once, for whoever claims it
      await sql.run(
        `UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
         WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
        [id, owner],
      );
    },

    async deferClaim(id, owner, nextAttemptAt) {
      // the attempt never reached the subscriber (the connector itself was congested): not counted
      await sql.run(
        `UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1, next_attempt_at = $3
         WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
        [id, owner, nextAttemptAt],
      );
    },

    async abandonClaim(id, owner, error, now) {
      await sql.run(
        `UPDATE outbox SET state = 'dead', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1,
           last_error = $3, updated_at = $4
         WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
        [id, owner, error, now],
      );
    },

    async markDelivered(id, owner, now) {
      await sql.run(
        `UPDATE outbox SET state = 'delivered', lease_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = $3
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner, now],
      );
    },

    async markFailed(id, owner, error, nextAttemptAt, now) {
      await sql.run(
        `UPDATE outbox SET state = $3, next_attempt_at = $4, lease_owner = NULL, lease_until = NULL, last_error = $5,
           updated_at = $6 WHERE id = $1 AND lease_owner = $2`,
        [id, owner, nextAttemptAt === null ? 'dead' : 'pending', nextAttemptAt ?? now, error, now],
      );
    },

    async listOutbox(accountSid, state, limit) {
      const rows = await sql.all('SELECT * FROM outbox WHERE account_sid = $1 AND state = $2 ORDER BY id LIMIT $3', [
        accountSid,
        state,
        limit,
      ]);
      return rows.map(toEvent);
    },

    pruneOutbox(before) {
      return sql.run(`DELETE FROM outbox WHERE state = 'delivered' AND updated_at < $1`, [before]);
    },

    close: () => sql.close(),
  };
}
