import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/sandbox/store/db.js';

describe('the statement cache', () => {
  let db: Db;
  before(() => {
    db = openDb(':memory:');
  });
  after(() => db.close());

  it('hands every caller the same compiled statement for the same SQL', () => {
    const sql = 'SELECT count(*) AS n FROM messages';
    assert.equal(db.prepare(sql), db.prepare(sql));
    assert.notEqual(db.prepare(sql), db.prepare(`${sql} WHERE seq > 0`));
  });

  it('refuses to change the mode of a shared statement, which would change it for every caller', () => {
    const stmt = db.prepare('SELECT sid FROM messages');
    for (const change of [() => stmt.raw(true), () => stmt.pluck(true), () => stmt.expand(true)]) {
      assert.throws(change, /shared/);
    }
    assert.deepEqual(db.prepare('SELECT 1 AS one').get(), { one: 1 });
  });
});
