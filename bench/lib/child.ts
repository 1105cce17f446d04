// Runs one benchmark server in its own Node process, so its memory (VmRSS) and CPU are its own and
// the load generator does not share its event loop. The child prints `LISTENING <url>` once ready.
// Children run the project compiled to plain JavaScript, as it is deployed: under tsx every process
// would carry a loader thread and transform cache (about 30 MB of RSS) that no user runs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// inside node_modules so the compiled files resolve the project's packages by walking up
export const BUILD = join(ROOT, 'node_modules', '.cache', 'twilio-connector-bench');
let built: Promise<void> | undefined;

/** Compiles src/ and bench/ once per run (type errors do not stop the emit). */
export function build(): Promise<void> {
  built ??= (async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [tsc, '-p', join(ROOT, 'tsconfig.json'), '--outDir', BUILD, '--noEmit', 'false'];
    await promisify(execFile)(process.execPath, [...args, '--declaration', 'false', '--sourceMap', 'false'], {
      cwd: ROOT,
    }).catch((err: unknown) => {
      // tsc exits non-zero on type errors yet still writes every file
      if ((err as { code?: unknown }).code !== 2) throw err;
    });
    // the code finds its own package.json (version, "type": "module") relative to itself
    copyFileSync(join(ROOT, 'package.json'), join(BUILD, 'package.json'));
  })();
  return built;
}

export interface Child {
  url: string;
  pid: number;
  /** resident set size now, in MiB (from /proc/<pid>/status) */
  rssMiB(): number;
  /** CPU time (user + system) used so far, in ms (from /proc/<pid>/stat, 10 ms resolution) */
  cpuMs(): number;
  stop(): Promise<void>;
}

const READY = /^LISTENING (\S+)$/m;

export function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function cpuMs(pid: number): number {
  try {
    // the command name (field 2) may hold spaces; fields 14 and 15 count after its closing parenthesis
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return 0;
  }
}
// USER_HZ: 100 on every Linux configuration Node supports
const TICKS = 100;

/** Starts compiled `bench/lib/<name>.js` with the given environment; rejects when it exits early or takes over 30 s. */
export async function startChild(name: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  // BENCH_NO_BUILD=1 reuses the last build, e.g. to try a change to the compiled files while profiling
  if (process.env['BENCH_NO_BUILD'] !== '1') await build();
  return spawnChild(name, join(BUILD, 'bench', 'lib', `${name}.js`), env, nodeArgs);
}

function spawnChild(script: string, path: string, env: Record<string, string>, nodeArgs: string[]): Promise<Child> {
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not start within 30 s: ${stderr}`));
    }, 30_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderr}`));
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = READY.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout?.removeAllListeners('data');
      proc.stdout?.resume();
      resolve({ url: m[1]!, pid: proc.pid!, rssMiB: () => rssMiB(proc.pid!), cpuMs: () => cpuMs(proc.pid!), stop });
    });
  });
}

/** Samples a child's VmRSS every `everyMs` while `work` runs; resolves to the work's result and the largest sample. */
export async function withRssSampling<T>(child: Child, work: () => Promise<T>, everyMs = 100): Promise<[T, number]> {
  let max = child.rssMiB();
  const timer = setInterval(() => {
    max = Math.max(max, child.rssMiB());
  }, everyMs);
  try {
    const result = await work();
    max = Math.max(max, child.rssMiB());
    return [result, max];
  } finally {
    clearInterval(timer);
  }
}

/** For the child scripts: report readiness and stop cleanly on SIGTERM. */
export function announce(url: string, close: () => Promise<unknown>): void {
  process.stdout.write(`LISTENING ${url}\n`);
  process.once('SIGTERM', () => {
    void close().finally(() => process.exit(0));
  });
}
