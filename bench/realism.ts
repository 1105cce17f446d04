// Realism benchmark: message-create throughput of the sandbox with realism off (no concurrency
// gate), with the defaults (the 100-request gate only), with low-probability chaos rules, and with
// sender throughput plus those rules. Same machine, same load, same run: read the ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startChild } from './lib/child.js';
import { describe, type LoadResult } from './lib/load.js';
import { createLoad } from './sandbox.js';

/** the number every sandbox starts with */
const FROM = '+14155550100';
/** creates before each measurement */
const WARMUP = 2000;

export interface RealismCase {
  label: string;
  result: LoadResult;
  /** req/s relative to realism off */
  ratio: number;
}

const CASES: { label: string; patch: unknown }[] = [
  { label: 'realism off (no concurrency gate)', patch: { concurrency: { enabled: false } } },
  { label: 'defaults (100-request concurrency gate)', patch: {} },
  {
    label: 'chaos on (four low-probability rules)',
    patch: {
      chaos: {
        enabled: true,
        rules: [
          { type: 'http_error', status: 503, probability: 0.01 },
          { type: 'create_error', code: 21610, probability: 0.01 },
          { type: 'delivery_failure', code: 30003, probability: 0.05 },
          { type: 'webhook_drop', probability: 0.05 },
        ],
      },
    },
  },
  {
    label: 'throughput + chaos on',
    patch: {
      // a queue deep enough to take the whole run, so every create is placed in it
      throughput: { enabled: true, queue_seconds: 864_000, long_code_mps: 100 },
      chaos: {
        enabled: true,
        rules: [
          { type: 'http_error', status: 503, probability: 0.01 },
          { type: 'create_error', code: 21610, probability: 0.01 },
          { type: 'delivery_failure', code: 30003, probability: 0.05 },
          { type: 'webhook_drop', probability: 0.05 },
        ],
      },
    },
  },
];

/**
 * One case: a fresh sandbox in its own process (so the load generator does not share its event
 * loop), its settings patched over the control API, then creates long enough that the lifecycle's
 * 1 s steps run during the measurement.
 */
async function measure(dir: string, patch: unknown, requests: number, concurrency: number): Promise<LoadResult> {
  const sid = `AC${randomBytes(16).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const child = await startChild('sandbox-server', {
    BENCH_SANDBOX_DATA: join(dir, 'sandbox.db'),
    BENCH_ACCOUNT_SID: sid,
    BENCH_AUTH_TOKEN: token,
  });
  try {
    const res = await fetch(`${child.url}/_sandbox/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    if (!res.ok) throw new Error(`settings refused: ${res.status} ${await res.text()}`);
    return await createLoad(child.url, sid, token, FROM, requests, concurrency, WARMUP);
  } finally {
    await child.stop();
  }
}

/** Runs the cases in interleaved rounds (the machine is shared) and keeps each case's median round. */
export async function benchRealism(opts: { quick: boolean }): Promise<RealismCase[]> {
  const requests = opts.quick ? 2000 : 30_000;
  const rounds = 3;
  const concurrency = 16;
  const runs: LoadResult[][] = CASES.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of CASES.entries()) {
      const result = await inFreshDir((dir) => measure(dir, c.patch, requests, concurrency));
      console.log(`round ${r + 1}, ${c.label}: ${describe(result)}`);
      runs[i]!.push(result);
    }
  }
  const medians = runs.map((list) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)]!);
  const base = medians[0]!.rps;
  return CASES.map((c, i) => ({ label: c.label, result: medians[i]!, ratio: medians[i]!.rps / base }));
}

async function inFreshDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-realism-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
