// Twilio-style SIDs: two-letter prefix + 32 lowercase hex characters.
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'AC' | 'SK' | 'SM' | 'MM' | 'ME' | 'PN' | 'MG' | 'RQ' | 'UT';

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

export const SID_PATTERN = (prefixes: string): RegExp => new RegExp(`^(?:${prefixes})[0-9a-fA-F]{32}$`);

export function isSid(value: string, prefixes: string): boolean {
  return SID_PATTERN(prefixes).test(value);
}
