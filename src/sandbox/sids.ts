// Twilio-style SIDs: two-letter prefix + 32 lowercase hex characters.
//
// The first 12 hex characters are the creation time in milliseconds, the other 20 are random
// (80 bits). Time-ordered SIDs keep every index keyed by a SID (messages, media, timelines,
// webhooks) append-only: random keys would touch a different B-tree page per insert, and each
// touched page is written to the WAL at commit. Twilio's SIDs carry no meaning clients may rely
// on, and these still match its `^XX[0-9a-f]{32}$` pattern.
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'AC' | 'SK' | 'SM' | 'MM' | 'ME' | 'PN' | 'MG' | 'RQ' | 'UT' | 'DG' | 'DF' | 'EZ' | 'HX';

// one call to the CSPRNG serves many SIDs
const POOL_BYTES = 4096;
const RANDOM_BYTES = 10;
let pool = Buffer.alloc(0);
let offset = 0;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

// in JS, not Buffer#toString: a call into C++ for ten bytes costs more than the loop
function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  let hex = '';
  for (let i = offset; i < offset + bytes; i++) hex += HEX[pool[i]!]!;
  offset += bytes;
  return hex;
}

// the time part of the last millisecond a SID was made in (most SIDs share it with the one before)
let lastMs = -1;
let lastTime = '';

export function newSid(prefix: SidPrefix, now = Date.now()): string {
  if (now !== lastMs) {
    lastMs = now;
    lastTime = now.toString(16).padStart(12, '0').slice(-12);
  }
  return prefix + lastTime + randomHex(RANDOM_BYTES);
}

const patterns = new Map<string, RegExp>();

export const SID_PATTERN = (prefixes: string): RegExp => {
  let re = patterns.get(prefixes);
  if (!re) patterns.set(prefixes, (re = new RegExp(`^(?:${prefixes})[0-9a-fA-F]{32}$`)));
  return re;
};

export function isSid(value: string, prefixes: string): boolean {
  return SID_PATTERN(prefixes).test(value);
}
