// Small helpers for comparing cases measured several times in one run: the median of repeated
// figures, and the run whose throughput is the median one (so its latencies come from one run).
import type { LoadResult } from './load.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One result summarising repeated runs: median req/s, p50 and p99; requests and errors summed. */
export function medianResult(runs: readonly LoadResult[]): LoadResult {
  const statuses: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    requests: runs.reduce((a, r) => a + r.requests, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    statuses,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p90: median(runs.map((r) => r.p90)),
    p99: median(runs.map((r) => r.p99)),
    max: Math.max(0, ...runs.map((r) => r.max)),
  };
}
