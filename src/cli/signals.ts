// Graceful shutdown: the first SIGINT/SIGTERM closes the servers (in-flight requests finish),
// a second one exits at once.
export function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(130);
    closing = true;
    process.stderr.write(`\nreceived ${signal}, shutting down…\n`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
