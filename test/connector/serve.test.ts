import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import twilio from 'twilio';
import { basic, formBody, json } from '../helpers/sandbox.js';

const root = new URL('../../', import.meta.url).pathname;

function serve(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const dropped = new Set([
    'TWILIO_ACCOUNT_SID',
    'TWILIO_AUTH_TOKEN',
    'TWILIO_API_KEY',
    'TWILIO_API_SECRET',
    'TWILIO_BASE_URL',
    'DATABASE_URL',
  ]);
  const clean: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries({ ...process.env, ...env }).filter(([k]) => k in env || !dropped.has(k)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: root,
    env: clean,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits for the output to match; a banner that never matches fails the test instead of hanging it. */
async function waitFor(output: () => string, re: RegExp, ms = 60_000): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = re.exec(output());
    if (m) return m;
    if (Date.now() > end) throw new Error(`output never matched ${re}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('twilio-connector serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connector-serve-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('embeds a sandbox without credentials and prints export lines and a curl that work in a shell', async () => {
    const s = serve(['--port', '0', '--sandbox-port', '0', '--data-dir', join(dir, 'a'), '--log-level', 'warn']);
    try {
      const m = await waitFor(
        s.output,
        /(export ACCOUNT_SID=\S+\n\s+export AUTH_TOKEN=\S+)\n[\s\S]*?Send a message through the connector:\n((?:.*\\\n)*.*Messages\.json)\n/,
      );
      const [, exports, curl] = m as unknown as [string, string, string];
      assert.match(s.output(), /phone number\s+\+1\d{10}/);
      assert.match(curl, /"\$ACCOUNT_SID:\$AUTH_TOKEN"/);
      // pasted as a user would: the export lines, then the command, in one shell
      const script = `${exports.replace(/^\s+/gm, '')}\n${curl.replace(/^\s+/gm, '')}\n`;
      const run = spawnSync('bash', ['-euc', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
      assert.equal(run.status, 0, run.stderr);
      const sent = JSON.parse(run.stdout) as { sid: string; status: string };
      assert.match(sent.sid, /^SM[0-9a-f]{32}$/);
      const sid = /export ACCOUNT_SID=(\S+)/.exec(exports)![1]!;
      const url = /(http:\S+\/Messages\.json)/.exec(curl)![1]!;
      // the index page and a wrong Auth Token both lead to the inbox the banner names
      const inbox = /inbox\s+(http\S+)/.exec(s.output())?.[1];
      assert.ok(inbox !== undefined);
      const base = url.replace(/\/Messages\.json$/, '');
      assert.equal((await json(await fetch(`${base}/`))).links.inbox, inbox);
      const denied = await fetch(`${base}/Messages.json`, { headers: { authorization: basic(sid, 'not-the-token') } });
      assert.equal(denied.status, 401);
      assert.ok((await json(denied)).error.message.includes(inbox), 'the 401 names the inbox');
    } finally {
      s.child.kill('SIGTERM');
      assert.equal(await s.exited, 0);
    }
  });

  it('exits non-zero with one line naming every configuration problem', async () => {
    const s = serve(['--port', 'x', '--data-dir', join(dir, 'b')], {
      TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'secret-token-1',
    });
    const code = await s.exited;
    assert.notEqual(code, 0);
    const lines = s.output().trim().split('\n');
    assert.equal(lines.length, 1, s.output());
    assert.match(lines[0]!, /--port/);
    assert.match(lines[0]!, /--api-key/);
    assert.doesNotMatch(lines[0]!, /secret-token-1/);
  });

  it('refuses a malformed secret.key at start in one line that says how to fix it, never printing it', async () => {
    const data = join(dir, 'bad-key');
    mkdirSync(data, { mode: 0o700 });
    const key = 'abad1dea'.repeat(8);
    writeFileSync(join(data, 'secret.key'), `${key}\n${key}\n`, { mode: 0o600 });
    const s = serve(['--port', '0', '--sandbox-port', '0', '--data-dir', data, '--log-level', 'warn']);
    const code = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
    if (code === 'still running') s.child.kill('SIGKILL');
    assert.equal(code, 2, s.output());
    const lines = s.output().trim().split('\n');
    assert.equal(lines.length, 1, s.output());
    assert.match(lines[0]!, /secret\.key is not a valid secret key: .*64 hexadecimal digits.*remove it/);
    assert.doesNotMatch(lines[0]!, /abad1dea/);
  });

  it('names a taken port, the flag and variable that change it, in one line and a non-zero exit', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as AddressInfo).port);
    try {
      const cases: [string[], RegExp][] = [
        [
          ['--port', port, '--sandbox-port', '0'],
          /connector port (\d+) .*another twilio-connector.*--port or CONNECTOR_PORT/,
        ],
        [
          ['--port', '0', '--sandbox-port', port],
          /embedded sandbox port (\d+) .*another twilio-connector.*--sandbox-port or SANDBOX_PORT/,
        ],
      ];
      for (const [i, [args, re]] of cases.entries()) {
        const s = serve([...args, '--data-dir', join(dir, `taken-${i}`), '--log-level', 'warn']);
        const code = await s.exited;
        assert.notEqual(code, 0);
        const lines = s.output().trim().split('\n');
        assert.equal(lines.length, 1, s.output());
        assert.equal(re.exec(lines[0]!)?.[1], port, lines[0]);
        assert.doesNotMatch(lines[0]!, /EADDRINUSE|\bat \S+:\d+/);
      }
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('finishes in-flight requests on SIGTERM', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => (arrived = r));
    const slow = createServer((_req, res) => {
      arrived();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            messages: [],
            page: 0,
            page_size: 50,
            uri: '/x',
            first_page_uri: '/x',
            next_page_uri: null,
            previous_page_uri: null,
            start: 0,
            end: 0,
          }),
        );
      }, 400);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const upstream = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const s = serve(['--port', '0', '--twilio-base-url', upstream, '--data-dir', join(dir, 'c')]);
    try {
      const [, url] = (await waitFor(s.output, /listening on (http:\S+)/)) as unknown as [string, string];
      const pending = fetch(`${url}/Messages.json`, {
        headers: { authorization: basic(`AC${'2'.repeat(32)}`, 'token1234') },
      });
      await requestArrived;
      s.child.kill('SIGTERM');
      const res = await pending;
      assert.equal(res.status, 200);
      assert.deepEqual((await json(res)).messages, []);
      assert.equal(await s.exited, 0);
    } finally {
      s.child.kill('SIGKILL');
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('exits promptly on SIGTERM while callbacks hang or trickle, and delivers after the restart', async () => {
    let answer = false;
    const keys: Record<string, string[]> = { hang: [], drip: [] };
    const callbacks = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const which = req.url === '/drip' ? 'drip' : 'hang';
        keys[which]!.push(String(req.headers['idempotency-key']));
        if (answer) return void res.writeHead(204).end();
        if (which === 'drip') {
          // an answer whose body never ends: a read timeout that restarts with each byte never fires
          res.writeHead(200);
          const t = setInterval(() => res.write('.'), 100);
          res.on('close', () => clearInterval(t));
        }
      });
    });
    await new Promise<void>((r) => callbacks.listen(0, '127.0.0.1', r));
    const cbBase = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}`;
    const args = ['--port', '0', '--sandbox-port', '0', '--data-dir', join(dir, 'd'), '--log-level', 'warn'];
    const start = async (): Promise<{ s: ReturnType<typeof serve>; base: string; sid: string; token: string }> => {
      const s = serve(args);
      const m = await waitFor(
        s.output,
        /export ACCOUNT_SID=(AC[0-9a-f]{32})\n\s+export AUTH_TOKEN=(\S+)\n[\s\S]*?\s(http:\S+)\/Messages\.json/,
      );
      return { s, sid: m[1]!, token: m[2]!, base: m[3]! };
    };
    let first: Awaited<ReturnType<typeof start>> | undefined;
    let second: Awaited<ReturnType<typeof start>> | undefined;
    try {
      first = await start();
      const { sid, token, base } = first;
      for (const path of ['/hang', '/drip']) {
        const res = await fetch(`${base}/subscriptions/messages/status`, {
          method: 'POST',
          headers: { authorization: basic(sid, token), 'content-type': 'application/json' },
          body: JSON.stringify({ callbackUrl: cbBase + path }),
        });
        assert.equal(res.status, 201);
      }
      const target = `${base}/twilio/messages/status`;
      const params = { MessageSid: `SM${'e'.repeat(32)}`, AccountSid: sid, MessageStatus: 'delivered' };
      const hook = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(token, target, params),
        },
        body: formBody(params),
      });
      assert.equal(hook.status, 204);
      while (keys['hang']!.length === 0 || keys['drip']!.length === 0) await new Promise((r) => setTimeout(r, 20));
      first.s.child.kill('SIGTERM');
      assert.equal(await first.s.exited, 0);

      // the hanging callback's event was put back and comes again, with the same Idempotency-Key;
      // the trickling one had answered 200 and is not repeated
      answer = true;
      second = await start();
      while (keys['hang']!.length < 2) await new Promise((r) => setTimeout(r, 20));
      assert.equal(keys['hang']![1], keys['hang']![0]);
      assert.equal(keys['drip']!.length, 1);
    } finally {
      for (const run of [first, second]) {
        if (run !== undefined && run.s.child.exitCode === null) {
          run.s.child.kill('SIGTERM');
          await run.s.exited;
        }
      }
      callbacks.closeAllConnections();
      await new Promise((r) => callbacks.close(r));
    }
  });
});
