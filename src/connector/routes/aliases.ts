// Other spellings a body field may arrive under, such as the capitalised names the 2015 Twilio API
// App took (`{From, To, Body}`) and Twilio's own form parameters. They are renamed to the published
// field before validation, so one schema checks them and the definitions stay clean.
import { validation } from '../errors.js';

/** alias → published field name */
export type Aliases = Readonly<Record<string, string>>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The body with every alias renamed; an alias given next to its field with another value is a 400
 * (which one was meant cannot be guessed). Anything but a plain object is left for the schema.
 */
export function applyAliases(body: unknown, aliases: Aliases): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const input = body as Record<string, unknown>;
  if (!Object.keys(input).some((k) => Object.hasOwn(aliases, k))) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const name = Object.hasOwn(aliases, key) ? aliases[key]! : key;
    if (Object.hasOwn(out, name) && !same(out[name], value)) {
      const other = Object.keys(input).find((k) => k !== key && (k === name || aliases[k] === name)) ?? name;
      throw validation(
        `Fields \`${other}\` and \`${key}\` are the same field with different values; give \`${name}\` once`,
      );
    }
    // a defineProperty keeps a field named `__proto__` a field
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
