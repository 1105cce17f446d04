// Runs one benchmark server in its own Node process, so its memory (VmRSS) and CPU are its own and
// the load generator does not share its event loop. The child prints `LISTENING <url>` once ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Child {
  url: string;
  pid: number;
  /** resident set size now, in MiB (from /proc/<pid>/status) */
  rssMiB(): number;
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

/** Starts `bench/lib/<script>` under tsx with the given environment; rejects when it exits early or takes over 30 s. */
export function startChild(script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path], {
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
      resolve({ url: m[1]!, pid: proc.pid!, rssMiB: () => rssMiB(proc.pid!), stop });
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
