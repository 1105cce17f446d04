// Realism benchmark: message-create throughput of the sandbox with realism off (no concurrency
// gate), with the defaults (the 100-request gate only), with low-probability chaos rules, and with
// sender throughput plus those rules. Same machine, same load, same run: read the ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSandbox } from '../src/sandbox/app.js';
import { sandboxConfig } from '../src/sandbox/config.js';
import { mergeSettings } from '../src/sandbox/realism/settings.js';
import { settingsOf, updateSettings } from '../src/sandbox/realism/index.js';
import { describe, runLoad, type LoadResult } from './lib/load.js';

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

const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function measure(dir: string, patch: unknown, requests: number, concurrency: number): Promise<LoadResult> {
  const sb = buildSandbox(sandboxConfig({ data: join(dir, 'sandbox.db'), statusDelay: 1000 }));
  const url = await sb.listen();
  try {
    updateSettings(sb.ctx, mergeSettings(settingsOf(sb.ctx), patch));
    const { sid, auth_token } = sb.account;
    const auth = basic(sid, auth_token);
    return await runLoad({
      origin: url,
      concurrency,
      requests,
      warmup: 200,
      maxMs: 30_000,
      make: (i) => ({
        method: 'POST',
        path: `/2010-04-01/Accounts/${sid}/Messages.json`,
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          To: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`,
          From: sb.phoneNumber,
          Body: `Realism load ${i}`,
        }).toString(),
      }),
    });
  } finally {
    await sb.close();
  }
}

/**
 * Runs the cases in interleaved rounds (the machine is shared, and the first sandbox of a process
 * pays for warming up) and keeps each case's median round.
 */
export async function benchRealism(opts: { quick: boolean }): Promise<RealismCase[]> {
  const requests = opts.quick ? 2000 : 10_000;
  const rounds = 3;
  const concurrency = 16;
  const runs: LoadResult[][] = CASES.map(() => []);
  // warm-up, not recorded
  await inFreshDir((dir) => measure(dir, {}, 500, concurrency));
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
