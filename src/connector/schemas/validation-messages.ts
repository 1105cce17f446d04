// Turns ajv's validation errors into one sentence a workflow author can act on: which field, and
// what it must look like. ajv's own wording ("must match pattern ^(SM|MM)…") names the rule, not
// the fix. Use as Fastify's `schemaErrorFormatter` or from an error handler.
import { DATE_OR_DATETIME, DECIMAL, E164, HTTP_URL, RECIPIENT, SENDER, sidPattern } from './common.js';

/** The parts of an ajv error this needs (Fastify's FastifySchemaValidationError has them). */
export interface SchemaErrorLike {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string | undefined;
  propertyName?: string;
}

const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [E164]: 'an E.164 phone number such as +14155552671',
  [RECIPIENT]:
    'a phone number such as +14155552671 or (415) 555-2671 (digits, no letters), whatsapp:+14155552671 or messenger:…',
  [SENDER]:
    'one of the account’s numbers such as +14155552671, whatsapp:+…, messenger:…, a short code or an alphanumeric sender ID',
  [HTTP_URL]: 'an absolute http:// or https:// URL',
  [DATE_OR_DATETIME]: 'a date YYYY-MM-DD (GMT), optionally with a time such as 2024-01-31T12:00:00Z',
  [DECIMAL]: 'a decimal number such as 0.05',
  [sidPattern('(SM|MM)')]: 'a message SID: SM or MM followed by 32 hex digits',
  [sidPattern('PN')]: 'a phone number SID: PN followed by 32 hex digits',
  [sidPattern('MG')]: 'a Messaging Service SID: MG followed by 32 hex digits',
  [sidPattern('AP')]: 'an application SID: AP followed by 32 hex digits',
  '^[A-Za-z]{2}$': 'a two-letter ISO country code such as US',
};

/** `body` + `/media_url/0` → `body.media_url[0]` (the JSON Pointer unescaped). */
function fieldName(dataVar: string, instancePath: string): string {
  let name = dataVar;
  for (const part of instancePath.split('/')) {
    if (part === '') continue;
    name += /^[0-9]+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`;
  }
  return name;
}

/** Edits (insert, delete, replace) between two short strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The field a misspelt name most likely meant: the same name in another case or with `-`/`_`
 * differences, else the nearest within a third of its length (a typo, not another word).
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  if (name.length > 64) return undefined;
  const fold = (x: string): string => x.toLowerCase().replace(/[-_ ]/g, '');
  const exact = known.find((k) => fold(k) === fold(name));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(fold(name), fold(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

export function describeSchemaError(e: SchemaErrorLike, dataVar: string): string {
  const field = fieldName(dataVar, e.instancePath);
  if (e.propertyName !== undefined) {
    const known = Array.isArray(e.params['allowedValues']) ? e.params['allowedValues'].map(String) : [];
    const guess = closest(e.propertyName, known);
    return `\`${e.propertyName}\` is not a field of the ${dataVar}${guess === undefined ? '' : `; did you mean \`${guess}\`?`}`;
  }
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `${field}.${String(p['missingProperty'])} is required`;
    case 'pattern': {
      const hint = PATTERN_HINTS[String(p['pattern'])];
      return hint === undefined ? `${field} has an invalid format` : `${field} must be ${hint}`;
    }
    case 'maxLength':
      return `${field} must be at most ${String(p['limit'])} characters long`;
    case 'minLength':
      return `${field} must be at least ${String(p['limit'])} characters long`;
    case 'maxItems':
      return `${field} must have at most ${String(p['limit'])} items`;
    case 'maximum':
    case 'minimum':
      return `${field} ${e.message ?? 'is out of range'}`;
    case 'enum':
      return `${field} must be one of: ${(p['allowedValues'] as unknown[]).map(String).join(', ')}`;
    case 'type':
      return `${field} must be of type ${String(p['type'])}`;
    default:
      return `${field} ${e.message ?? 'is invalid'}`;
  }
}

/** One message for a failed validation (ajv stops at the first error by default). */
export function formatValidationErrors(errors: readonly SchemaErrorLike[], dataVar: string): string {
  const first = errors.find((e) => e.keyword !== 'propertyNames' && e.keyword !== 'if') ?? errors[0];
  return first === undefined ? `${dataVar} is invalid` : describeSchemaError(first, dataVar);
}
