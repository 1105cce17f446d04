// The inbox's conversations of one number: the counterparts it has exchanged messages with, most
// recent first, each with its latest message and how many there are. Found by walking the number's
// messages newest first (both directions, merged by seq) until enough distinct counterparts are
// seen, so a page costs what its own recent messages cost rather than the number's whole history;
// the counts then read each counterpart's side of the address indexes, which holds few entries.
import type { Db } from './db.js';

export interface Conversation {
  counterpart: string;
  /** seq of the latest message between the two */
  last_seq: number;
  count: number;
}

/** Rows read per side and round trip while walking. */
const CHUNK = 256;

interface Entry {
  seq: number;
  c: string;
}

/** One direction of the number's messages, newest first, read in chunks. */
class Side {
  private rows: Entry[] = [];
  private at = 0;
  private below = Number.MAX_SAFE_INTEGER;
  private done = false;
  private readonly read: (below: number) => Entry[];

  constructor(read: (below: number) => Entry[]) {
    this.read = read;
  }

  peek(): Entry | undefined {
    if (this.at === this.rows.length && !this.done) {
      this.rows = this.read(this.below);
      this.at = 0;
      if (this.rows.length < CHUNK) this.done = true;
      const last = this.rows[this.rows.length - 1];
      if (last) this.below = last.seq;
    }
    return this.rows[this.at];
  }

  next(): void {
    this.at++;
  }
}

/**
 * Up to `limit` conversations whose latest message is older than `before`, newest first. A
 * counterpart's first appearance in the walk is its latest message, so one that first appears at
 * or above `before` belonged to an earlier page.
 */
export function latestConversations(
  db: Db,
  accountSid: string,
  number: string,
  before: number,
  limit: number,
): Conversation[] {
  const inbound = db.prepare(
    `SELECT seq, from_addr AS c FROM messages INDEXED BY messages_to
      WHERE account_sid = ? AND to_addr = ? AND seq < ? ORDER BY seq DESC LIMIT ${CHUNK}`,
  );
  // a number's messages to itself are counted once, on the inbound side
  const outbound = db.prepare(
    `SELECT seq, to_addr AS c FROM messages INDEXED BY messages_from
      WHERE account_sid = ? AND from_addr = ? AND to_addr <> ? AND seq < ? ORDER BY seq DESC LIMIT ${CHUNK}`,
  );
  const sides = [
    new Side((below) => inbound.all(accountSid, number, below) as Entry[]),
    new Side((below) => outbound.all(accountSid, number, number, below) as Entry[]),
  ];
  const seen = new Set<string>();
  const found: { counterpart: string; last_seq: number }[] = [];
  while (found.length < limit) {
    const [a, b] = [sides[0]!.peek(), sides[1]!.peek()];
    const side = a && (!b || a.seq > b.seq) ? 0 : b ? 1 : -1;
    if (side < 0) break;
    const entry = (side === 0 ? a : b)!;
    sides[side]!.next();
    if (seen.has(entry.c)) continue;
    seen.add(entry.c);
    if (entry.seq < before) found.push({ counterpart: entry.c, last_seq: entry.seq });
  }
  const fromPeer = db.prepare(
    'SELECT COUNT(*) AS n FROM messages INDEXED BY messages_from WHERE account_sid = ? AND from_addr = ? AND to_addr = ?',
  );
  const toPeer = db.prepare(
    'SELECT COUNT(*) AS n FROM messages INDEXED BY messages_to WHERE account_sid = ? AND to_addr = ? AND from_addr = ?',
  );
  const count = (stmt: typeof fromPeer, a: string, b: string): number =>
    (stmt.get(accountSid, a, b) as { n: number }).n;
  return found.map((f) => ({
    ...f,
    count:
      count(fromPeer, f.counterpart, number) + (f.counterpart === number ? 0 : count(toPeer, f.counterpart, number)),
  }));
}
