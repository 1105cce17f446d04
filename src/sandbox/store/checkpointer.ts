// WAL checkpoints off the request path. The main connection's own automatic checkpoint runs inside
// whichever commit crosses its threshold and fsyncs there, stalling every request behind it; here
// a worker thread checkpoints on a short timer through a connection of its own, and the main
// connection keeps a far higher threshold as a safety net should the worker fall behind.
// A checkpoint copies the last version of every page written since the one before, so pages that
// every commit rewrites (the ends of the indexes) are copied once per checkpoint, not once per
// commit. A commit is in the WAL before any client hears of it, so a crash of the process loses
// nothing; the WAL is synced to the disk (synchronous=NORMAL) at each checkpoint, so a power loss
// or a crash of the system may lose the writes of the last interval.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Service } from '../context.js';
import type { Db } from './db.js';

/** Pages the WAL may reach before the main connection checkpoints by itself (~64 MiB). */
const FALLBACK_PAGES = 16_384;
/** About a second's writes fit in the WAL well below FALLBACK_PAGES at the sandbox's top rate. */
export const CHECKPOINT_EVERY_MS = 1000;

// Plain CommonJS run with `eval`, so it works the same from compiled files and from sources.
// PASSIVE never waits for the writer: it copies what is committed and leaves the rest for next time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next time */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
});
`;

export function startCheckpointer(db: Db, file: string): Service {
  let worker: Worker | undefined;
  return {
    start() {
      if (worker) return;
      db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, everyMs: CHECKPOINT_EVERY_MS } });
      worker.on('error', () => {
        // without the worker, the main connection checkpoints as SQLite does by default
        db.pragma('wal_autocheckpoint = 1000');
        worker = undefined;
      });
      worker.unref();
    },
    async stop() {
      const w = worker;
      worker = undefined;
      if (!w) return;
      const stopped = new Promise<void>((resolve) => {
        w.once('message', () => resolve());
        w.once('exit', () => resolve());
      });
      w.postMessage('stop');
      await stopped;
      await w.terminate();
    },
  };
}
