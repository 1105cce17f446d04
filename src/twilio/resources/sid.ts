// Path segments from caller input: SIDs are checked against Twilio's shape so a stray `/` or `?`
// cannot redirect a request to another resource.
import { InvalidArgumentError } from '../errors.js';

export function sidSegment(kind: string, prefixes: readonly string[], sid: string): string {
  if (typeof sid !== 'string' || !/^[A-Z]{2}[0-9a-fA-F]{32}$/.test(sid) || !prefixes.includes(sid.slice(0, 2))) {
    throw new InvalidArgumentError(`${kind} SID must be ${prefixes.join(' or ')} followed by 32 hex digits`);
  }
  return sid;
}
