// The connector's state is the user's alone: the data directory holds sealed secrets, the store's
// shared key and stored answers. Modes are set explicitly (mode on create, then chmod), so the
// result does not depend on the umask, and a directory that already exists with a wider mode is
// tightened rather than trusted.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
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
