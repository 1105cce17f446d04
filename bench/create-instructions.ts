// `npm run bench:instructions`: instructions the sandbox executes per message create, its lifecycle
// included, counted by valgrind's callgrind. Unlike time, the count does not depend on what else
// runs on the machine; V8's compiler and collector still move it from one run to the next, so
// compare several runs of each version, not one.
//
// The sandbox runs in one process with a simulated clock, so the same work happens in the same order
// however slowly valgrind runs it: requests go in through Fastify's inject (no sockets) 16 at a time,
// 5,000 creates a second of simulated time; the lifecycle ticks every 20 ms (1 s steps) and a second
// connection checkpoints the WAL at the checkpointer's interval, both on the main thread. The process
// runs twice, with N/2 and N creates after the same warm-up: the difference of the two counts over
// N/2 leaves out start-up and warm-up.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { buildSandbox } from '../src/sandbox/app.js';
import { sandboxConfig } from '../src/sandbox/config.js';
import { CHECKPOINT_EVERY_MS } from '../src/sandbox/store/checkpointer.js';
import { BUILD, build } from './lib/child.js';
import { fmt } from './lib/load.js';

const USAGE = `Usage: npm run bench:instructions -- [--creates N]
       node --import tsx bench/create-instructions.ts --run N [--warmup W]

  --creates  creates of the larger run (default 2000; the smaller one takes half)
  --run      just the workload, without valgrind: N creates after W (default 1000) of warm-up;
             prints the pages the WAL checkpoints copied per create

Needs valgrind. Takes some minutes: valgrind runs Node about 50 times slower.`;

const WARMUP = 1000;
const CONCURRENCY = 16;
/** simulated ms per turn of 16 creates: 5,000 creates a second */
const TURN_MS = (CONCURRENCY * 1000) / 5000;
const TICK_MS = 20;
/** long enough for the last messages' three 1 s steps */
const SETTLE_MS = 3100;

async function creates(n: number, warmup: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-instructions-'));
  const file = join(dir, 'sandbox.db');
  const sb = buildSandbox(sandboxConfig({ data: file, statusDelay: 1000, logLevel: 'silent' }));
  let now = Date.now();
  sb.ctx.clock.now = () => now;
  const checkpointer = new Database(file);
  const engine = sb.ctx.lifecycle as unknown as { advanceDue(now: number): number };
  const { sid, auth_token } = sb.account;
  const authorization = `Basic ${Buffer.from(`${sid}:${auth_token}`).toString('base64')}`;
  let i = 0;
  const create = () => {
    i++;
    return sb.app.inject({
      method: 'POST',
      url: `/2010-04-01/Accounts/${sid}/Messages.json`,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', host: '127.0.0.1' },
      payload: new URLSearchParams({
        To: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`,
        From: sb.phoneNumber,
        Body: `Load test message ${i}`,
      }).toString(),
    });
  };
  let lastTick = now;
  let lastCheckpoint = now;
  let measuring = false;
  let pages = 0;
  const pass = (ms: number): void => {
    now += ms;
    if (now - lastTick >= TICK_MS) {
      lastTick = now;
      engine.advanceDue(now);
    }
    if (now - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
      lastCheckpoint = now;
      const [done] = checkpointer.pragma('wal_checkpoint(PASSIVE)') as { checkpointed: number }[];
      if (measuring) pages += done?.checkpointed ?? 0;
    }
  };
  try {
    for (let done = 0; done < warmup + n; done += CONCURRENCY) {
      measuring = done >= warmup;
      // between turns the lifecycle ticks in a transaction of its own
      const turn = Array.from({ length: CONCURRENCY }, create);
      pass(TURN_MS);
      for (const res of await Promise.all(turn)) if (res.statusCode !== 201) throw new Error(res.body);
    }
    for (let t = 0; t < SETTLE_MS; t += TICK_MS) pass(TICK_MS);
    const left = sb.ctx.db.prepare('SELECT COUNT(*) AS n FROM messages WHERE next_at IS NOT NULL').get() as {
      n: number;
    };
    if (left.n > 0) throw new Error(`${left.n} messages did not finish their lifecycle`);
    console.log(`pages copied by checkpoints per create: ${fmt(pages / n, 3)}`);
  } finally {
    checkpointer.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function instructions(n: number, dir: string): Promise<number> {
  const out = join(dir, `callgrind.${n}`);
  const script = join(BUILD, 'bench', 'create-instructions.js');
  // --single-threaded: V8 compiles and collects on the main thread, in the same order every run
  await promisify(execFile)(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', script, '--run', `${n}`],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const summary = /^summary:\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
  if (!summary) throw new Error(`no summary in ${out}`);
  return Number(summary[1]);
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
if (args.includes('--help')) {
  console.log(USAGE);
} else if (option('--run') !== undefined) {
  await creates(Number(option('--run')), Number(option('--warmup') ?? WARMUP));
} else {
  const n = Number(option('--creates') ?? 2000);
  if (!Number.isInteger(n) || n < 2 * CONCURRENCY) {
    console.error(USAGE);
    process.exit(2);
  }
  await build();
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-callgrind-'));
  try {
    const half = Math.floor(n / 2 / CONCURRENCY) * CONCURRENCY;
    const small = await instructions(half, dir);
    const large = await instructions(n, dir);
    console.log(`${half} creates: ${small} instructions; ${n} creates: ${large}`);
    console.log(`instructions per create, with its lifecycle: ${fmt((large - small) / (n - half) / 1000, 0)} k`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
