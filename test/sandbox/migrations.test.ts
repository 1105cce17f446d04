import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDb } from '../../src/sandbox/store/db.js';
import { MIGRATIONS } from '../../src/sandbox/store/migrations.js';
import { timelineEntry } from '../../src/sandbox/store/timeline.js';
import { startSandbox } from '../helpers/sandbox.js';

const ACCOUNT = `AC${'e'.repeat(32)}`;
const TOKEN = 'migratedtoken1';
const MESSAGE = `SM${'f'.repeat(32)}`;
const NUMBER = `PN${'a'.repeat(32)}`;
const AT = Date.UTC(2024, 0, 2, 3, 4, 5);

/** A database as a sandbox of schema version `version` left it, holding one account, number and message. */
function databaseAt(file: string, version: number): void {
  const db = new Database(file);
  for (const sql of MIGRATIONS.slice(0, version)) db.exec(sql);
  db.pragma(`user_version = ${version}`);
  db.prepare(
    `INSERT INTO accounts (sid, auth_token, friendly_name, status, type, date_created, date_updated)
     VALUES (?, ?, 'Sandbox account', 'active', 'Full', ?, ?)`,
  ).run(ACCOUNT, TOKEN, AT, AT);
  db.prepare(
    `INSERT INTO incoming_numbers (sid, account_sid, phone_number, friendly_name, capabilities, date_created, date_updated)
     VALUES (?, ?, '+14155550100', '(415) 555-0100', '{"voice":true,"sms":true,"mms":true,"fax":false}', ?, ?)`,
  ).run(NUMBER, ACCOUNT, AT, AT);
  db.prepare(
    `INSERT INTO messages (sid, account_sid, to_addr, from_addr, body, status, direction, num_segments, price,
       date_created, date_updated, date_sent)
     VALUES (?, ?, '+15557654321', '+14155550100', 'kept across upgrades', 'delivered', 'outbound-api', 1, '-0.00790', ?, ?, ?)`,
  ).run(MESSAGE, ACCOUNT, AT, AT, AT);
  // before version 6 the status history was a table of its own; from 6 on, a column of the row
  const history: [string, number | null, number][] = [
    ['queued', null, AT - 3000],
    ['sending', null, AT - 2000],
    ['sent', null, AT - 1000],
    ['delivered', null, AT],
  ];
  if (version < 6) {
    const event = db.prepare('INSERT INTO message_events (message_sid, status, error_code, at) VALUES (?, ?, ?, ?)');
    for (const [status, code, at] of history) event.run(MESSAGE, status, code, at);
  } else {
    db.prepare('UPDATE messages SET timeline = ? WHERE sid = ?').run(
      history.map(([status, code, at], i) => timelineEntry(status, at, code, i === 0)).join(''),
      MESSAGE,
    );
  }
  db.close();
}

/** Every table, index and trigger by name with its SQL, to compare two databases' schemas. */
function schemaOf(db: Database.Database): [string, string][] {
  return (
    db.prepare("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
      name: string;
      sql: string | null;
    }[]
  ).map((r) => [r.name, (r.sql ?? '').replace(/\s+/g, ' ')]);
}

describe('sandbox database migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-migrations-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has at least one migration', () => {
    assert.ok(MIGRATIONS.length >= 1);
  });

  for (let version = 1; version < MIGRATIONS.length; version++) {
    it(`upgrades a version ${version} database to ${MIGRATIONS.length} and keeps its data`, async () => {
      const file = join(dir, `v${version}.db`);
      databaseAt(file, version);

      const db = openDb(file);
      try {
        assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
        const fresh = openDb(':memory:');
        assert.deepEqual(schemaOf(db), schemaOf(fresh), 'the same schema as a new database');
        fresh.close();
      } finally {
        db.close();
      }

      // and the current code serves what the old one stored
      const sb = await startSandbox({ data: file, accountSid: ACCOUNT });
      try {
        assert.equal(sb.authToken, TOKEN);
        assert.equal(sb.phoneNumber, '+14155550100');
        const message = await sb.client.messages(MESSAGE).fetch();
        assert.equal(message.body, 'kept across upgrades');
        assert.equal(message.status, 'delivered');
        assert.equal(message.price, '-0.00790');
        assert.equal(message.dateSent.getTime(), AT);
        const detail = (await (await fetch(`${sb.url}/_sandbox/messages/${MESSAGE}`)).json()) as {
          events: { status: string; at_ms: number }[];
        };
        assert.deepEqual(
          detail.events.map((e) => [e.status, e.at_ms]),
          [
            ['queued', AT - 3000],
            ['sending', AT - 2000],
            ['sent', AT - 1000],
            ['delivered', AT],
          ],
          'the status history is kept',
        );
        assert.deepEqual(
          (await sb.client.incomingPhoneNumbers.list()).map((n) => n.sid),
          [NUMBER],
        );
        const sent = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557654321', body: 'new' });
        assert.deepEqual(
          (await sb.client.messages.list()).map((m) => m.sid),
          [sent.sid, MESSAGE],
        );
      } finally {
        await sb.close();
      }
    });
  }

  it('runs no migration twice: reopening a current database changes nothing', () => {
    const file = join(dir, 'current.db');
    databaseAt(file, MIGRATIONS.length);
    const before = new Database(file);
    const schema = schemaOf(before);
    before.close();
    const db = openDb(file);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.deepEqual(schemaOf(db), schema);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n, 1);
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer sandbox, naming both versions, and leaves it untouched', async () => {
    const file = join(dir, 'newer.db');
    databaseAt(file, MIGRATIONS.length);
    const newer = new Database(file);
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();

    const refusal = new RegExp(
      `database schema version ${MIGRATIONS.length + 1} is newer than this sandbox supports \\(${MIGRATIONS.length}\\)`,
    );
    assert.throws(() => openDb(file), refusal);
    await assert.rejects(startSandbox({ data: file }), refusal);

    const after = new Database(file, { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), MIGRATIONS.length + 1);
    assert.equal((after.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n, 1);
    after.close();
  });
});
