// The inbox's conversation list walks a number's newest messages instead of grouping its whole
// history: it must give exactly what grouping gives, page after page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { latestConversations, type Conversation } from '../../src/sandbox/store/conversations.js';
import { storeMessage } from '../helpers/messages.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

/** The definition: every counterpart of `number`, its latest seq and its message count. */
function grouped(sb: TestSandbox, number: string): Conversation[] {
  return sb.sandbox.ctx.db
    .prepare(
      `SELECT c AS counterpart, MAX(seq) AS last_seq, COUNT(*) AS count FROM (
         SELECT from_addr AS c, seq FROM messages WHERE account_sid = ? AND to_addr = ?
         UNION ALL
         SELECT to_addr AS c, seq FROM messages WHERE account_sid = ? AND from_addr = ? AND to_addr <> ?)
       GROUP BY c ORDER BY last_seq DESC`,
    )
    .all(sb.accountSid, number, sb.accountSid, number, number) as Conversation[];
}

describe('sandbox inbox conversations', () => {
  let sb: TestSandbox;
  const ME = '+15550001000';
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
    // a deterministic mix: busy and quiet peers, both directions, messages to oneself, other numbers' traffic
    let x = 7;
    const rnd = (n: number): number => (x = (x * 48271) % 2147483647) % n;
    for (let i = 0; i < 3000; i++) {
      const peer = rnd(4) === 0 ? '+15550002000' : `+1555000${String(3000 + rnd(400)).padStart(4, '0')}`;
      const kind = rnd(20);
      const [to, from] =
        kind === 0 ? [ME, ME] : kind === 1 ? [peer, '+15550009999'] : kind % 2 === 0 ? [peer, ME] : [ME, peer];
      storeMessage(sb, { to_addr: to, from_addr: from, body: `m${i}` });
    }
  });
  after(() => sb.close());

  it('pages through exactly the grouped conversations, newest first, with their counts', () => {
    const expected = grouped(sb, ME);
    assert.ok(expected.length > 300, `${expected.length} conversations`);
    assert.ok(expected.some((c) => c.counterpart === ME && c.count > 1));
    for (const size of [1, 7, 50, 200]) {
      const seen: Conversation[] = [];
      let beforeSeq = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const page = latestConversations(sb.sandbox.ctx.db, sb.accountSid, ME, beforeSeq, size);
        seen.push(...page);
        if (page.length < size) break;
        beforeSeq = page[page.length - 1]!.last_seq;
      }
      assert.deepEqual(seen, expected, `page size ${size}`);
    }
  });

  it('has nothing for a number without messages or below the oldest one', () => {
    assert.deepEqual(
      latestConversations(sb.sandbox.ctx.db, sb.accountSid, '+15557654321', Number.MAX_SAFE_INTEGER, 50),
      [],
    );
    assert.deepEqual(latestConversations(sb.sandbox.ctx.db, sb.accountSid, ME, 1, 50), []);
  });
});
