// Configuration: every option is declared once (flag, environment variable, default, parser,
// description). Values resolve as flag > environment > default, every problem is reported at once,
// and the result is frozen. The same declarations generate docs/configuration.md and --help.

import { ConfigError } from './errors.js';

export type Parser<T> = (raw: string, name: string) => T;

export interface OptionSpec<T> {
  /** long flag without dashes, e.g. `port` */
  readonly flag: string;
  /** environment variable name */
  readonly env?: string;
  readonly description: string;
  readonly parse: Parser<T>;
  /** default value; omit for "unset" (the key is then absent or undefined) */
  readonly default?: T;
  /** shown as the default in help and docs, when the value itself should not be */
  readonly defaultText?: string;
  /** never echoed in errors, logs or help */
  readonly secret?: boolean;
  /** boolean switch: `--flag` alone means true */
  readonly switch?: boolean;
  /** value placeholder for help, e.g. `PORT` */
  readonly metavar?: string;
}

export type Spec = Record<string, OptionSpec<unknown>>;

/** An option that always has a value. */
export function option<T>(o: OptionSpec<T> & { readonly default: T }): OptionSpec<T> & { readonly default: T } {
  return o;
}

/** An option that may stay unset. */
export function optional<T>(o: Omit<OptionSpec<T>, 'default'>): OptionSpec<T> {
  return o;
}

type ValueOf<S extends OptionSpec<unknown>> = S extends OptionSpec<infer T> ? T : never;
export type ConfigOf<S extends Spec> = {
  readonly [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

class ParseProblem extends Error {}

export const parsers = {
  string: ((raw) => raw) as Parser<string>,
  nonEmpty: ((raw, name) => {
    if (raw.trim() === '') throw new ParseProblem(`${name} must not be empty`);
    return raw;
  }) as Parser<string>,
  int(min: number, max: number): Parser<number> {
    return (raw, name) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new ParseProblem(`${name} must be a whole number, got "${raw}"`);
      const n = Number(raw);
      if (n < min || n > max) throw new ParseProblem(`${name} must be between ${min} and ${max}, got ${n}`);
      return n;
    };
  },
  number(min: number, max: number): Parser<number> {
    return (raw, name) => {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ParseProblem(`${name} must be a number, got "${raw}"`);
      if (n < min || n > max) throw new ParseProblem(`${name} must be between ${min} and ${max}, got ${n}`);
      return n;
    };
  },
  bool: ((raw, name) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new ParseProblem(`${name} must be true or false, got "${raw}"`);
  }) as Parser<boolean>,
  url: ((raw, name) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new ParseProblem(`${name} must be an absolute http(s) URL, got "${raw}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new ParseProblem(`${name} must be an http or https URL, got "${raw}"`);
    }
    return raw.replace(/\/+$/, '');
  }) as Parser<string>,
  oneOf<T extends string>(values: readonly T[]): Parser<T> {
    return (raw, name) => {
      if (!(values as readonly string[]).includes(raw)) {
        throw new ParseProblem(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
      }
      return raw as T;
    };
  },
  pattern(re: RegExp, what: string, secret = false): Parser<string> {
    return (raw, name) => {
      if (!re.test(raw))
        throw new ParseProblem(secret ? `${name} must be ${what}` : `${name} must be ${what}, got "${raw}"`);
      return raw;
    };
  },
  /** A comma-separated list of host names or addresses (no scheme, no port), lower-cased. */
  hostList: ((raw, name) => {
    const hosts = raw
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    const bad = hosts.find((h) => !/^(\[[0-9a-f:.]+\]|[0-9a-z_.:-]+)$/.test(h) || /^\d+$/.test(h));
    if (bad !== undefined) {
      throw new ParseProblem(
        `${name} must be host names or addresses separated by commas (no scheme or path), got "${bad}"`,
      );
    }
    return Object.freeze(hosts);
  }) as Parser<readonly string[]>,
  /** `user:password` for HTTP Basic; never echoed. */
  userPassword: ((raw, name) => {
    const colon = raw.indexOf(':');
    if (colon < 1 || colon === raw.length - 1) throw new ParseProblem(`${name} must be user:password`);
    return Object.freeze({ user: raw.slice(0, colon), password: raw.slice(colon + 1) });
  }) as Parser<Readonly<{ user: string; password: string }>>,
  hexKey(bytes: number): Parser<Buffer> {
    return (raw, name) => {
      if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(raw.trim())) {
        throw new ParseProblem(`${name} must be ${bytes} bytes written as ${bytes * 2} hex characters`);
      }
      return Buffer.from(raw.trim(), 'hex');
    };
  },
} as const;

export interface ResolveInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export interface Resolved<S extends Spec> {
  config: ConfigOf<S>;
  /** positional arguments left over */
  rest: string[];
  help: boolean;
}

/** Resolves flag > environment > default, collecting every problem before throwing one ConfigError. */
export function resolveConfig<S extends Spec>(spec: S, input: ResolveInput): Resolved<S> {
  const problems: string[] = [];
  const byFlag = new Map<string, string>();
  for (const [key, opt] of Object.entries(spec)) byFlag.set(opt.flag, key);

  const fromFlags = new Map<string, string>();
  const rest: string[] = [];
  let help = false;
  const argv = [...input.argv];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const negated = name.startsWith('no-') && !byFlag.has(name) ? name.slice(3) : undefined;
    const key = byFlag.get(negated ?? name);
    if (key === undefined) {
      problems.push(`unknown option --${name}`);
      continue;
    }
    const opt = spec[key] as OptionSpec<unknown>;
    if (negated !== undefined) {
      if (!opt.switch) problems.push(`--no-${negated} is only for on/off options`);
      else fromFlags.set(key, 'false');
      continue;
    }
    if (eq !== -1) fromFlags.set(key, arg.slice(eq + 1));
    else if (opt.switch) fromFlags.set(key, 'true');
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) fromFlags.set(key, argv[++i] as string);
    else problems.push(`--${name} needs a value`);
  }

  const out: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(spec)) {
    const flagValue = fromFlags.get(key);
    const envValue = opt.env === undefined ? undefined : input.env[opt.env];
    const raw = flagValue ?? (envValue === '' ? undefined : envValue);
    const label = flagValue !== undefined ? `--${opt.flag}` : (opt.env ?? `--${opt.flag}`);
    if (raw === undefined) {
      if ('default' in opt) out[key] = opt.default;
      continue;
    }
    try {
      out[key] = opt.parse(raw, label);
    } catch (err) {
      if (err instanceof ParseProblem) problems.push(err.message);
      else throw err;
    }
  }
  if (problems.length > 0 && !help) throw new ConfigError(problems);
  return { config: Object.freeze(out) as ConfigOf<S>, rest, help };
}

/** `--help` text generated from the spec. */
export function helpText(usage: string, summary: string, spec: Spec): string {
  const rows = Object.values(spec).map((opt) => {
    const left = `--${opt.flag}${opt.switch ? '' : ` ${opt.metavar ?? 'VALUE'}`}`;
    const def =
      opt.defaultText ??
      ('default' in opt && opt.default !== undefined && !opt.secret ? String(opt.default) : undefined);
    const right = `${opt.description}${def !== undefined ? ` (default: ${def})` : ''}${opt.env ? ` [env ${opt.env}]` : ''}`;
    return [left, right] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`);
  return `Usage: ${usage}\n\n${summary}\n\nOptions:\n${lines.join('\n')}\n  ${'--help'.padEnd(width)}Show this help\n`;
}

/** Markdown table for docs/configuration.md. */
export function markdownTable(spec: Spec): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const head = '| flag | environment | default | description |\n|---|---|---|---|';
  const rows = Object.values(spec).map((opt) => {
    const def = opt.defaultText ?? ('default' in opt && opt.default !== undefined ? String(opt.default) : '—');
    return `| \`--${opt.flag}\` | ${opt.env ? `\`${opt.env}\`` : '—'} | ${esc(def === '' ? '""' : def)} | ${esc(opt.description)} |`;
  });
  return [head, ...rows].join('\n');
}
