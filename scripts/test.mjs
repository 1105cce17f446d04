#!/usr/bin/env node
// The test command: makes sure the system packages the tests need are present (Chromium for the
// inbox tests), then runs every test file under test/ with Node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

function ensureChromium() {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return;
  if (existsSync('/usr/bin/chromium')) return;
  console.log('# installing Debian chromium for the browser tests');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pre = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...a) =>
    pre.length ? run(pre[0], [...pre.slice(1), 'apt-get', ...a], { env }) : run('apt-get', a, { env });
  if (apt('update', '-qq') !== 0 || apt('install', '-y', '-qq', 'chromium') !== 0) {
    console.error('# could not install chromium: browser tests will fail');
  }
}

function collect(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = collect(join(root, 'test'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (!filters.length || files.some((f) => f.includes('/ui/') || f.includes('browser'))) ensureChromium();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const status = run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec',
  ...files.map((f) => f.slice(root.length)),
]);
process.exit(status);
