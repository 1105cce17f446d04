// The connector's state is the user's alone: the data directory holds sealed secrets, the store's
// shared key and stored answers. Modes are set explicitly (mode on create, then chmod), so the
// result does not depend on the umask. Directories are made owner-only when the connector creates
// them; one that already existed may be the user's own choice (a home or project folder), so its
// mode is left as it is and a wider one is only reported: the files in it are owner-only anyway.
// A directory others may write to (or that another user owns) is reported apart, as worse: whoever
// can write there can replace the connector's files. A key file others could have written is refused.
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
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

const currentUid = (): number | undefined => process.getuid?.();
const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/**
 * A warning when an existing data directory is open to other users; undefined otherwise. `uid` is
 * the user the connector runs as.
 */
export function dataDirWarning(dir: string, uid = currentUid()): string | undefined {
  let st: { mode: number; uid: number };
  try {
    st = statSync(dir);
  } catch {
    return undefined;
  }
  const mode = st.mode & 0o7777;
  const quoted = JSON.stringify(dir);
  if (uid !== undefined && st.uid !== uid) {
    return (
      `warning: the data directory ${dir} belongs to another user (uid ${st.uid}, the connector runs as ${uid}): ` +
      `that user can replace the connector's files and read its secrets. Use a directory of your own ` +
      `(--data-dir), or: sudo chown ${uid} ${quoted} && chmod 700 ${quoted}\n`
    );
  }
  if ((mode & 0o022) !== 0 && (mode & 0o1000) === 0) {
    return (
      `warning: the data directory ${dir} has mode ${octal(mode)}: other users can write to it, so they can ` +
      `replace or remove the connector's files (its database and secret key). Fix: chmod 700 ${quoted}\n`
    );
  }
  if ((mode & 0o077) === 0) return undefined;
  return (
    `warning: the data directory ${dir} has mode ${octal(mode)}: other users can list it. ` +
    `The connector's files in it are owner-only (0600); to hide their names too: chmod 700 ${quoted}\n`
  );
}

/**
 * Reads a file that must be the user's alone (a key), or undefined when it does not exist. Refuses
 * one that another user owns or that others may write, since they could have chosen its contents.
 * The checks are made on the opened file, so it cannot be swapped between check and read.
 */
export function readPrivateFile(file: string, uid = currentUid()): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const quoted = JSON.stringify(file);
    if (uid !== undefined && st.uid !== uid) {
      throw new Error(
        `${file} belongs to another user (uid ${st.uid}, the connector runs as ${uid}), who could have chosen ` +
          `its contents; refusing to use it. If it is yours: sudo chown ${uid} ${quoted} && chmod 600 ${quoted}; ` +
          `else remove it and a new one is made`,
      );
    }
    if ((st.mode & 0o022) !== 0) {
      throw new Error(
        `${file} has mode ${octal(st.mode & 0o7777)}: other users can write to it, so they could have chosen ` +
          `its contents; refusing to use it. Fix: chmod 600 ${quoted} (or remove it and a new one is made)`,
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
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
