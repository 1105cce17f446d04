// Starts Prism mocking Twilio's published OpenAPI spec, the stateless baseline the sandbox is
// compared with. Prism is installed on first use into .tmp/prism (it is not a dependency).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = new URL('../..', import.meta.url).pathname;
const PREFIX = join(ROOT, '.tmp', 'prism');
const BIN = join(PREFIX, 'node_modules', '.bin', 'prism');
// the same verbatim copy of Twilio's spec the conformance tests use
export const SPEC = join(ROOT, 'test', 'fixtures', 'twilio-oai', 'twilio_api_v2010.json');

export function ensurePrism(): string {
  if (existsSync(BIN)) return BIN;
  console.log('# installing @stoplight/prism-cli into .tmp/prism (first run only)');
  const r = spawnSync(
    'npm',
    ['install', '--prefix', PREFIX, '--no-save', '--no-audit', '--no-fund', '@stoplight/prism-cli@5.14.2'],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0 || !existsSync(BIN)) throw new Error('could not install Prism');
  return BIN;
}

export async function startPrism(port: number): Promise<{ url: string; stop: () => void; proc: ChildProcess }> {
  const bin = ensurePrism();
  if (!existsSync(SPEC)) throw new Error(`Twilio spec not found at ${SPEC}`);
  const proc = spawn(bin, ['mock', SPEC, '-h', '127.0.0.1', '-p', String(port), '--errors', 'false'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let started = false;
  // Prism logs every request; once it is up, keep draining the pipes without keeping the text.
  const collect = (d: Buffer): void => {
    if (!started) output += d.toString();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`Prism exited: ${output.slice(-2000)}`);
    if (/Prism is listening/.test(output)) {
      started = true;
      output = '';
      return { url, stop: () => proc.kill('SIGTERM'), proc };
    }
    await sleep(250);
  }
  proc.kill('SIGKILL');
  throw new Error(`Prism did not start: ${output.slice(-2000)}`);
}
