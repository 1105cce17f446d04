// The connector's state is the user's alone: the data directory holds sealed secrets, the store's
// shared key and stored answers. Modes are set explicitly (mode on create, then chmod), so the
// result does not depend on the umask. Directories are made owner-only when the connector creates
// them; one that already existed may be the user's own choice (a home or project folder), so its
// mode is left as it is and a wider one is only reported: the files in it are owner-only anyway.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) owner-only; an existing directory keeps its mode. */
export function privateDir(dir: string): void {
  const target = resolve(dir);
  const first = mkdirSync(target, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  // mkdir applies the umask: set each directory made here, from the deepest up to the first
  for (let d = target; ; d = dirname(d)) {
    chmodSync(d, PRIVATE_DIR_MODE);
    if (d === first || dirname(d) === d) break;
  }
}

/** A one-line warning when an existing data directory is open to other users; undefined otherwise. */
export function dataDirWarning(dir: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(dir).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  return (
    `warning: the data directory ${dir} has mode ${mode.toString(8).padStart(4, '0')}: other users can list it. ` +
    `The connector's files in it are owner-only (0600); to hide their names too: chmod 700 ${JSON.stringify(dir)}\n`
  );
}

/**
 * Creates `file` owner-only when missing, and tightens it and its SQLite companions (-wal, -shm)
 * when present. SQLite gives the companions the mode of the database file when it creates them.
 */
export function privateDatabase(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
  }
}
