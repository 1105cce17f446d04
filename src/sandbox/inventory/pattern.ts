// Twilio's `Contains` pattern for available numbers: digits and keypad letters, `*` for any one
// digit, `%` for any run of digits, a leading `+` to anchor at the start of the E.164 number and
// a trailing `$` to anchor at its end. Compiled once to a RegExp over the digits (no `+`).

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({
  2: 'abc',
  3: 'def',
  4: 'ghi',
  5: 'jkl',
  6: 'mno',
  7: 'pqrs',
  8: 'tuv',
  9: 'wxyz',
})) {
  for (const l of letters) KEYPAD[l] = digit;
}

export interface ContainsPattern {
  regex: RegExp;
  /** for a `+` pattern: the digits every match starts with, so whole blocks can be skipped */
  leading: string | undefined;
}

/** The compiled Contains value, or a reason it is invalid. */
export function compileContains(text: string): ContainsPattern | string {
  if (text.length < 2 || text.length > 16) return 'Contains must be 2 to 16 characters long';
  if (!/^\+?[0-9A-Za-z*%]+\$?$/.test(text)) {
    return "Contains may hold only digits, letters, '*' and '%', with an optional leading '+' and trailing '$'";
  }
  let body = text;
  const start = body.startsWith('+');
  if (start) body = body.slice(1);
  const end = body.endsWith('$');
  if (end) body = body.slice(0, -1);
  let source = '';
  for (const c of body.toLowerCase()) {
    if (c === '*') source += '\\d';
    else if (c === '%') source += '\\d*';
    else source += KEYPAD[c] ?? c;
  }
  const regex = new RegExp(`${start ? '^' : ''}${source}${end ? '$' : ''}`);
  return { regex, leading: start ? (/^\d*/.exec(source)?.[0] ?? '') : undefined };
}
