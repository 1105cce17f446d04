// Bulk-loads synthetic messages straight into a sandbox database (one INSERT … SELECT over a
// recursive counter), so a million-row store takes seconds instead of a million API calls.
import type { Db } from '../../src/sandbox/store/db.js';

export function seedMessages(db: Db, accountSid: string, from: string, count: number): void {
  const start = Date.now() - count * 1000;
  db.exec('BEGIN');
  try {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO messages (sid, account_sid, to_addr, from_addr, body, status, direction, num_segments, num_media,
         encoding, price, price_unit, date_created, date_updated, date_sent)
       SELECT 'SM' || lower(hex(randomblob(16))), ?, '+1415555' || printf('%04d', 1000 + (i % 9000)), ?,
         'Seeded message ' || i, 'delivered', 'outbound-api', 1, 0, 'GSM-7', '-0.00790', 'USD',
         ? + i * 1000, ? + i * 1000, ? + i * 1000
       FROM n`,
    ).run(count, accountSid, from, start, start, start);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
