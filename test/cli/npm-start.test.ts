// `npm start` must stop when npm is told to stop (systemd, Docker and IDE stop buttons signal npm,
// not its children): afterwards both ports are free again.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    latest = Math.max(latest, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return latest;
}

/** `npm start` runs the build in dist/: rebuild it when a source file changed since. */
function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newest(join(ROOT, 'src'))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run build failed: ${r.stdout}${r.stderr}`);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Whether the port can be bound on 127.0.0.1 right now. */
async function isFree(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  before(ensureBuilt);
  after(() => rmSync(dir, { recursive: true, force: true }));

  // SIGKILL cannot be forwarded: the server notices that npm, its parent, is gone
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`stops the connector and its sandbox when npm gets ${signal}`, async () => {
      const port = await freePort();
      const sandboxPort = await freePort();
      const dropped = /^(TWILIO_|CONNECTOR_|SANDBOX_|DATABASE_URL$|npm_)/;
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !dropped.test(k)));
      const npm = spawn(
        'npm',
        [
          'start',
          '--',
          '--port',
          String(port),
          '--sandbox-port',
          String(sandboxPort),
          '--data-dir',
          join(dir, signal),
          '--log-level',
          'warn',
        ],
        { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
      npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise((r) => npm.once('exit', r));
      try {
        const started = Date.now() + 60_000;
        while (!output.includes('export AUTH_TOKEN=')) {
          assert.equal(npm.exitCode, null, `npm start exited: ${output}`);
          assert.ok(Date.now() < started, `npm start printed no banner: ${output}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(await isFree(port), false, 'the connector listens');
        assert.equal(await isFree(sandboxPort), false, 'the sandbox listens');
        npm.kill(signal);
        await exited;
        // the server closes gracefully once it notices; the deadline only keeps a failure from hanging
        const deadline = Date.now() + 60_000;
        while (!((await isFree(port)) && (await isFree(sandboxPort)))) {
          assert.ok(Date.now() < deadline, `ports ${port} and ${sandboxPort} still taken after npm stopped: ${output}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        if (npm.exitCode === null) npm.kill('SIGKILL');
      }
    });
  }
});
