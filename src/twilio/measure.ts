// Closed-loop measurement of client operations, for benchmarks: C workers each run the next
// operation as soon as their last one settles, until `count` have run. Errors are counted by their
// stable `code` rather than thrown, so a run shows how the client degrades, not just that it did.

export interface MeasureOptions {
  /** operations in flight at once */
  concurrency: number;
  /** operations in total */
  count: number;
}

export interface Measurement {
  count: number;
  ok: number;
  /** failures by error `code` (or `name` when there is none) */
  errors: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function errorKey(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'unknown';
}

export async function measure(op: (i: number) => Promise<unknown>, options: MeasureOptions): Promise<Measurement> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < options.count; i = next++) {
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (err) {
        const key = errorKey(err);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    count: options.count,
    ok: latencies.length,
    errors,
    elapsedMs,
    perSecond: elapsedMs > 0 ? (options.count / elapsedMs) * 1000 : 0,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
