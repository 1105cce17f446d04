// `npm run bench:cpu`: CPU time of the sandbox process per message create, lifecycle included, and
// nothing else. It records no figure and compares with no baseline: CPU time depends far less than
// req/s on what else runs on the machine, so it can decide between two versions of the create path
// while other work loads the machine (the comparison with Prism is `npm run bench -- --only sandbox`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLoad } from './sandbox.js';
import { startChild } from './lib/child.js';
import { median } from './lib/stats.js';
import { fmt } from './lib/load.js';

const USAGE = `Usage: npm run bench:cpu -- [--creates N] [--rounds R]

  --creates  creates per round (default 10000), after 4,000 of warm-up
  --rounds   rounds (default 7); the figure is their median`;

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const creates = option('--creates', 10_000);
const rounds = option('--rounds', 7);
if (!Number.isInteger(creates) || creates <= 0 || !Number.isInteger(rounds) || rounds <= 0) {
  console.error(USAGE);
  process.exit(2);
}

/** how long the default lifecycle takes to finish a message (three 1 s steps), with a margin */
const LIFECYCLE_MS = 3500;

const dir = mkdtempSync(join(tmpdir(), 'tc-bench-cpu-'));
try {
  const sid = `AC${randomBytes(16).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const child = await startChild('sandbox-server', {
    BENCH_SANDBOX_DATA: join(dir, 'sandbox.db'),
    BENCH_ACCOUNT_SID: sid,
    BENCH_AUTH_TOKEN: token,
  });
  // the same load as the sandbox section: 16 connections, one sender, rotating recipients
  const load = (n: number) => createLoad(child.url, sid, token, '+14155550100', n, 16, 0);
  try {
    await load(4000);
    await sleep(LIFECYCLE_MS);
    const figures: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const cpu0 = child.cpuMs();
      const r = await load(creates);
      if (r.errors > 0) throw new Error(`${r.errors} creates failed`);
      await sleep(LIFECYCLE_MS);
      const us = ((child.cpuMs() - cpu0) * 1000) / r.requests;
      figures.push(us);
      console.log(`round ${round + 1}: ${fmt(us, 0)} µs per create (${r.requests} creates)`);
    }
    console.log(`sandbox CPU per create, with its lifecycle: ${fmt(median(figures), 0)} µs (median of ${rounds})`);
  } finally {
    await child.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
