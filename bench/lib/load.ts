// A small closed-loop load generator over undici: C concurrent workers send requests to one
// origin until a count or a time budget is reached, and latencies are kept for percentiles.
import { Pool } from 'undici';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  origin: string;
  concurrency: number;
  /** stop after this many requests */
  requests: number;
  /** and at the latest after this many ms */
  maxMs: number;
  /** request i (0-based); called once per request */
  make: (i: number) => LoadRequest;
  /** requests before measuring (not counted) */
  warmup?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

async function phase(
  pool: Pool,
  opts: LoadOptions,
  count: number,
  offset: number,
  record: boolean,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) {
      const i = offset + next++;
      const req = opts.make(i);
      const t0 = performance.now();
      try {
        const res = await pool.request({
          method: req.method,
          path: req.path,
          headers: req.headers ?? {},
          ...(req.body === undefined ? {} : { body: req.body }),
        });
        await res.body.dump();
        const key = String(res.statusCode);
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (res.statusCode >= 400) errors++;
      } catch {
        errors++;
        statuses['error'] = (statuses['error'] ?? 0) + 1;
      }
      if (record) latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const done = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    requests: done,
    errors,
    statuses,
    seconds,
    rps: done / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(opts.origin, { connections: opts.concurrency, pipelining: 1 });
  try {
    if (opts.warmup) await phase(pool, opts, opts.warmup, 0, false);
    return await phase(pool, opts, opts.requests, opts.warmup ?? 0, true);
  } finally {
    await pool.close();
  }
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

export function describe(r: LoadResult): string {
  return `${fmt(r.rps, 0)} req/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms (${r.requests} requests, ${r.errors} errors)`;
}
