// A minimal async SQL executor both backends implement, so the store's logic is written once.
// Statements use PostgreSQL's `$1` placeholders; the SQLite side rewrites them. SQLite runs in one
// process, so a promise lock serialises transactions instead of row locks.

export type Row = Record<string, unknown>;
export type Param = string | number | null;

export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all(text: string, params?: readonly Param[]): Promise<Row[]>;
  /** Number of rows changed. */
  run(text: string, params?: readonly Param[]): Promise<number>;
  /** Runs `fn` in one transaction; a throw rolls everything back. */
  tx<T>(fn: (q: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Rewrites `$n` placeholders to `?` and orders the parameters to match their occurrences. */
export function toPositional(text: string, params: readonly Param[]): { text: string; params: Param[] } {
  const ordered: Param[] = [];
  const rewritten = text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new RangeError(`SQL placeholder $${n} has no parameter`);
    ordered.push(params[index] as Param);
    return '?';
  });
  return { text: rewritten, params: ordered };
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}
