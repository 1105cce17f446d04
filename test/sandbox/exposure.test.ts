// The sandbox exposed beyond this machine, and the files it leaves behind: bound to every interface
// it answers this machine's own addresses, warns on stderr (alone and embedded by serve), takes
// --sandbox-ui-auth from serve, and keeps its database private whatever the umask.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe } from '../../src/cli/serve.js';
import { connectorConfig } from '../../src/connector/config.js';
import { exposureWarning } from '../../src/sandbox/guard.js';
import { basic, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const root = new URL('../../', import.meta.url).pathname;

/** Status of a GET with the given Host header. */
function statusFor(url: string, path: string, host: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sandbox bound to every interface', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox({ host: '0.0.0.0' });
  });
  after(() => sb.close());

  it("answers this machine's own addresses and 0.0.0.0, and still refuses other names", async () => {
    const port = String((sb.sandbox.app.server.address() as AddressInfo).port);
    const local = `http://127.0.0.1:${port}`;
    const own = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));
    assert.ok(own.length > 0);
    for (const address of [...own, '0.0.0.0']) {
      assert.equal(await statusFor(local, '/_sandbox/health', `${address}:${port}`), 200, address);
    }
    for (const host of [`rebind.example:${port}`, `203.0.113.7:${port}`]) {
      assert.equal(await statusFor(local, '/_sandbox/health', host), 403, host);
    }
  });

  it('is reported by one warning line naming --ui-auth; loopback binds get none', () => {
    const warning = exposureWarning('0.0.0.0', undefined);
    assert.ok(warning !== undefined);
    assert.equal(warning.trim().split('\n').length, 1);
    assert.match(warning, /0\.0\.0\.0/);
    assert.match(warning, /--ui-auth user:password/);
    assert.match(exposureWarning('::', undefined) ?? '', /--ui-auth/);
    assert.match(exposureWarning('192.168.1.20', { user: 'a', password: 'b' }) ?? '', /plain HTTP/);
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.1.1'])
      assert.equal(exposureWarning(host, undefined), undefined);
  });
});

describe('sandbox files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-modes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its database private (0600, with -wal and -shm) in directories it makes 0700, whatever the umask', async () => {
    const previous = process.umask(0);
    try {
      const file = join(dir, 'made', 'here', 'sandbox.db');
      const sb = await startSandbox({ data: file });
      try {
        // a write, so the WAL and its index exist
        await sb.client.messages.create({ from: sb.phoneNumber, to: '+15558675310', body: 'x' });
        const mode = (p: string): number => statSync(p).mode & 0o777;
        assert.equal(mode(join(dir, 'made')), 0o700);
        assert.equal(mode(join(dir, 'made', 'here')), 0o700);
        for (const suffix of ['', '-wal', '-shm']) assert.equal(mode(file + suffix), 0o600, file + suffix);
      } finally {
        await sb.close();
      }
      // a file an older version left readable, in a directory the user made: the file is tightened, the directory left alone
      const old = join(dir, 'old.db');
      writeFileSync(old, '');
      chmodSync(old, 0o644);
      chmodSync(dir, 0o755);
      const again = await startSandbox({ data: old });
      await again.close();
      assert.equal(statSync(old).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o777, 0o755);
    } finally {
      process.umask(previous);
    }
  });
});

describe('twilio-connector sandbox on a wider address', () => {
  it('prints the warning on stderr, and a banner curl that works', async () => {
    const inherited = Object.entries(process.env).filter(([k]) => !/^(TWILIO_|SANDBOX_)/.test(k));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--host', '0.0.0.0', '--port', '0', '--data', ':memory:'],
      { cwd: root, env: { ...Object.fromEntries(inherited), LOG_LEVEL: 'warn' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const re = /curl -s (http:\S+) -H 'content-type: application\/json' \\\n\s+-d '(\{.*\})'/;
      while (!re.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const [, url, body] = re.exec(out) as unknown as [string, string, string];
      assert.equal(err.trim().split('\n').length, 1, err);
      assert.match(err, /^warning: the sandbox listens on 0\.0\.0\.0.*--ui-auth user:password/);
      const port = new URL(url).port;
      const res = await fetch(`http://127.0.0.1:${port}${new URL(url).pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(res.status, 201);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, err);
    }
  });
});

describe('the sandbox embedded by twilio-connector serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-sandbox-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes --sandbox-ui-auth for its inbox while the connector keeps sending through it', async () => {
    const running = await startServe(
      connectorConfig({ sandboxPort: 0, dataDir: join(dir, 'a'), sandboxUiAuth: { user: 'dev', password: 'pw-123' } }),
    );
    try {
      const sandbox = running.sandbox!;
      const { sid, auth_token } = sandbox.account;
      const sent = await fetch(`${running.url}/Messages.json`, {
        method: 'POST',
        headers: { authorization: basic(sid, auth_token), 'content-type': 'application/json' },
        body: JSON.stringify({ from: sandbox.phoneNumber, to: '+15558675310', body: 'through the connector' }),
      });
      assert.equal(sent.status, 200);
      assert.equal((await fetch(`${running.sandboxUrl}/`)).status, 401);
      const inbox = await fetch(`${running.sandboxUrl}/_sandbox/messages`, {
        headers: { authorization: basic('dev', 'pw-123') },
      });
      assert.equal(inbox.status, 200);
      assert.equal((await json(inbox)).messages[0].body, 'through the connector');
    } finally {
      await running.close();
    }
  });

  it('warns on stderr when serve binds the sandbox wider, naming --sandbox-ui-auth', async () => {
    const dropped = /^(TWILIO_|SANDBOX_|CONNECTOR_|DATABASE_URL$)/;
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !dropped.test(k)));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--host', '0.0.0.0', '--port', '0', '--sandbox-port', '0'],
      { cwd: root, env: { ...env, CONNECTOR_DATA_DIR: join(dir, 'b'), LOG_LEVEL: 'warn' } },
    );
    let out = '';
    let err = '';
    // the banner is answered at once, as a supervisor may: the child must already handle SIGTERM
    let bannerShown: () => void = () => {};
    const banner = new Promise<void>((resolve) => (bannerShown = resolve));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/inbox\s+http/.test(out)) bannerShown();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // `close` rather than `exit`: by then everything the child wrote has been read
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    try {
      await Promise.race([banner, closed]);
      assert.equal(err.trim().split('\n').length, 1, err);
      assert.match(err, /^warning: the sandbox listens on 0\.0\.0\.0.*--sandbox-ui-auth user:password/);
    } finally {
      child.kill('SIGTERM');
      assert.deepEqual(await closed, { code: 0, signal: null }, `${err}\n${out}`);
    }
  });
});
