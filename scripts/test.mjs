#!/usr/bin/env node
// The test command: makes sure the system packages the tests need are present (Chromium for the
// inbox tests, Twilio's Python SDK), then runs every test file under test/ with Node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

let aptUpdated = false;

/** Installs a Debian package (as root, or through sudo without a password); false when that failed. */
function aptInstall(pkg) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pre = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...a) =>
    pre.length ? run(pre[0], [...pre.slice(1), 'apt-get', ...a], { env }) : run('apt-get', a, { env });
  if (!aptUpdated) {
    if (apt('update', '-qq') !== 0) return false;
    aptUpdated = true;
  }
  return apt('install', '-y', '-qq', pkg) === 0;
}

function ensureChromium() {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return;
  if (existsSync('/usr/bin/chromium')) return;
  console.log('# installing Debian chromium for the browser tests');
  if (!aptInstall('chromium')) console.error('# could not install chromium: browser tests will fail');
}

/** Twilio's Python SDK, the second official client the sandbox is checked with. */
function ensurePythonTwilio() {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const has = () => spawnSync(python, ['-c', 'import twilio'], { stdio: 'ignore' }).status === 0;
  if (has()) return;
  console.log('# installing Debian python3-twilio for the Python SDK test');
  if (!aptInstall('python3-twilio') || !has()) console.error('# could not install python3-twilio: its test will fail');
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
if (files.some((f) => f.includes('python'))) ensurePythonTwilio();
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
