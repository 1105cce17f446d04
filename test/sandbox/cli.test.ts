import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sdkClient } from '../helpers/sandbox.js';

const root = new URL('../../', import.meta.url).pathname;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** the child has exited and everything it wrote to stdout and stderr has been read */
  closed: Promise<void>;
}

/** `twilio-connector sandbox …` from the sources, with none of the caller's Twilio or sandbox variables. */
function sandboxCommand(args: string[], env: Record<string, string> = {}): Run {
  const inherited = Object.entries(process.env).filter(([k]) => !/^(TWILIO_|SANDBOX_)/.test(k));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', ...args], {
    cwd: root,
    env: { ...Object.fromEntries(inherited), LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, stdout: () => out, stderr: () => err, exited, closed };
}

interface Banner {
  url: string;
  inbox: string;
  accountSid: string;
  authToken: string;
  phoneNumber: string;
}

async function banner(run: Run): Promise<Banner> {
  const re =
    /listening on (\S+)\n\s+inbox\s+(\S+)\n\s+account SID\s+(\S+)\n\s+auth token\s+(\S+)\n\s+phone number\s+(\S+)/;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = re.exec(run.stdout());
    if (m) {
      const [, url, inbox, accountSid, authToken, phoneNumber] = m as unknown as string[];
      return { url: url!, inbox: inbox!, accountSid: accountSid!, authToken: authToken!, phoneNumber: phoneNumber! };
    }
    if (Date.now() > deadline || run.child.exitCode !== null) {
      assert.fail(`no start banner; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode === null) run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr());
}

/** What a user of the banner does: the official SDK with the printed credentials, sending from the printed number. */
async function sendWith(b: Banner): Promise<void> {
  const client = sdkClient(b.url, b.accountSid, b.authToken);
  const message = await client.messages.create({ from: b.phoneNumber, to: '+15557654321', body: 'Hi from the CLI' });
  assert.match(message.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(message.accountSid, b.accountSid);
  assert.equal((await client.messages(message.sid).fetch()).body, 'Hi from the CLI');
}

describe('twilio-connector sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sid = `AC${'c'.repeat(32)}`;

  it('takes its settings from flags and prints working credentials, number and inbox URL', async () => {
    const data = join(dir, 'flags', 'sandbox.db');
    const run = sandboxCommand([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--account-sid',
      sid,
      '--auth-token',
      'flagtoken123',
      '--data',
      data,
      '--status-delay',
      '0',
    ]);
    try {
      const b = await banner(run);
      assert.match(b.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(b.url, 'http://127.0.0.1:0');
      assert.equal(b.inbox, `${b.url}/`);
      assert.equal(b.accountSid, sid);
      assert.equal(b.authToken, 'flagtoken123');
      assert.equal(b.phoneNumber, '+14155550100');
      const inbox = await fetch(b.inbox);
      assert.equal(inbox.status, 200);
      assert.match(inbox.headers.get('content-type') ?? '', /text\/html/);
      await sendWith(b);
      assert.ok(existsSync(data), 'the state lives in the --data file');
    } finally {
      await stop(run);
    }
  });

  it('takes the same settings from SANDBOX_* variables, and never from TWILIO_* ones', async () => {
    const run = sandboxCommand([], {
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: '0',
      SANDBOX_ACCOUNT_SID: sid,
      SANDBOX_AUTH_TOKEN: 'envtoken1234',
      SANDBOX_DATA: join(dir, 'env', 'sandbox.db'),
      SANDBOX_STATUS_DELAY_MS: '0',
      // a developer's real credentials: the sandbox must neither adopt nor print them
      TWILIO_ACCOUNT_SID: `AC${'d'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'realtwiliotoken9',
    });
    try {
      const b = await banner(run);
      assert.match(b.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(b.accountSid, sid);
      assert.equal(b.authToken, 'envtoken1234');
      assert.equal(b.inbox, `${b.url}/`);
      assert.doesNotMatch(run.stdout() + run.stderr(), /realtwiliotoken9|d{32}/);
      await sendWith(b);
    } finally {
      await stop(run);
    }
  });

  it('prefers a flag over its variable', async () => {
    const run = sandboxCommand(['--port', '0', '--auth-token', 'flagwins123', '--data', ':memory:'], {
      SANDBOX_AUTH_TOKEN: 'envloses123',
    });
    try {
      const b = await banner(run);
      assert.equal(b.authToken, 'flagwins123');
      assert.match(b.accountSid, /^AC[0-9a-f]{32}$/);
      await sendWith(b);
    } finally {
      await stop(run);
    }
  });

  it('logs a line per request only at debug, never the credentials; info keeps quiet about requests', async () => {
    const basicOf = (b: Banner): string => Buffer.from(`${b.accountSid}:${b.authToken}`).toString('base64');
    // the logs are read once the process has exited and its output is all in: a line written just
    // before an answer may otherwise reach this process after the answer does
    const debug = sandboxCommand(['--port', '0', '--data', ':memory:', '--auth-token', 'debugtoken123'], {
      LOG_LEVEL: 'debug',
    });
    let b: Banner;
    try {
      b = await banner(debug);
      await sendWith(b);
    } finally {
      await stop(debug);
    }
    await debug.closed;
    const logged = debug.stdout() + debug.stderr();
    assert.match(logged, /"msg":"incoming request"/);
    assert.doesNotMatch(logged, new RegExp(`${basicOf(b)}|debugtoken123"`));
    const info = sandboxCommand(['--port', '0', '--data', ':memory:'], { LOG_LEVEL: 'info' });
    try {
      await sendWith(await banner(info));
    } finally {
      await stop(info);
    }
    await info.closed;
    assert.doesNotMatch(info.stdout() + info.stderr(), /incoming request|request completed/);
    assert.doesNotMatch(debug.stderr() + info.stderr(), /DeprecationWarning|FSTDEP/);
  });

  it('lists every option with its variable on --help', async () => {
    const run = sandboxCommand(['--help']);
    assert.equal(await run.exited, 0);
    const help = run.stdout();
    assert.match(help, /twilio-connector sandbox/);
    for (const [flag, env] of [
      ['--host', 'SANDBOX_HOST'],
      ['--port', 'SANDBOX_PORT'],
      ['--account-sid', 'SANDBOX_ACCOUNT_SID'],
      ['--auth-token', 'SANDBOX_AUTH_TOKEN'],
      ['--data', 'SANDBOX_DATA'],
    ] as const) {
      assert.ok(help.includes(flag), flag);
      assert.ok(help.includes(`env ${env}`), env);
    }
  });

  it('exits non-zero with one line naming every bad value, without echoing the token', async () => {
    const run = sandboxCommand(['--port', 'x', '--account-sid', 'AC123', '--auth-token', 'bad!secret$'], {
      SANDBOX_DATA: ':memory:',
    });
    const code = await run.exited;
    assert.notEqual(code, 0);
    assert.equal(run.stdout(), '');
    const lines = run.stderr().trim().split('\n');
    assert.equal(lines.length, 1, run.stderr());
    assert.match(lines[0]!, /^twilio-connector: /);
    assert.match(lines[0]!, /--port/);
    assert.match(lines[0]!, /--account-sid/);
    assert.match(lines[0]!, /--auth-token/);
    assert.doesNotMatch(lines[0]!, /bad!secret/);
  });

  it('names a taken port and how to change it, in one line and a non-zero exit, and exits', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as AddressInfo).port);
    try {
      for (const [args, env] of [
        [['--port', port], { SANDBOX_DATA: ':memory:' }],
        [[], { SANDBOX_PORT: port, SANDBOX_DATA: ':memory:' }],
      ] as const) {
        const run = sandboxCommand([...args], env);
        assert.notEqual(await run.exited, 0);
        const lines = run.stderr().trim().split('\n');
        assert.equal(lines.length, 1, run.stderr());
        assert.match(
          lines[0]!,
          new RegExp(
            `^twilio-connector: the sandbox port ${port} on 127\\.0\\.0\\.1 is already in use \\(another twilio-connector may be running\\); choose another with --port or SANDBOX_PORT$`,
          ),
        );
      }
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('names a bad variable by its name', async () => {
    const run = sandboxCommand([], { SANDBOX_PORT: '70000', SANDBOX_DATA: ':memory:' });
    assert.notEqual(await run.exited, 0);
    const lines = run.stderr().trim().split('\n');
    assert.equal(lines.length, 1, run.stderr());
    assert.match(lines[0]!, /SANDBOX_PORT/);
  });
});
