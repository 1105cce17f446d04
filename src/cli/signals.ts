// Graceful shutdown: the first SIGINT/SIGTERM closes the servers (in-flight requests finish),
// a second one exits at once.
//
// npm runs scripts through `sh -c` and forwards SIGTERM/SIGINT to that shell only; the shell dies
// (SIGTERM) or waits (SIGINT) without passing them on. `npm start` therefore execs node, so npm
// signals this process itself. Where a shell still stands between (npx), or npm itself is killed
// outright, this process would live on holding its ports: when npm started it, the loss of its
// parent counts as the signal. Outside npm a parent may leave on purpose (nohup, `&`), so not there.
export function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const shutdown = (reason: string): void => {
    if (closing) process.exit(130);
    closing = true;
    process.stderr.write(`\n${reason}, shutting down…\n`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', (signal) => shutdown(`received ${signal}`));
  process.on('SIGTERM', (signal) => shutdown(`received ${signal}`));
  if (process.env['npm_lifecycle_event'])
    watchParent(() => shutdown('the npm script that started this process stopped'));
}

function watchParent(gone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    // an orphan is adopted by init or a subreaper, so its parent id changes
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, 500);
  timer.unref();
}
