// The README's and docs' shell examples must work as written. This test starts `twilio-connector
// serve` the way `npm start` does (embedded sandbox, its own data folder, free ports), pastes the
// `export` lines of its banner into a shell, and runs every documented command there, in the order
// a reader meets them; only the ports are changed to the ones this server got.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { docCommands, normalize } from '../helpers/doc-commands.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');

/**
 * Commands the test does not run, each with the reason. Compared after whitespace is collapsed; an
 * entry no document contains any more fails the test, so the list stays true.
 */
const NOT_RUN = new Map<string, string>([
  ['npm install && npm start', 'long-running; the test starts the same server itself'],
  ['npm start', 'long-running; the test starts the same server itself'],
  ['npm test', 'the test suite this test belongs to'],
  ['npm test -- test/sandbox/messages', 'part of the test suite this test belongs to'],
  ['npm run lint && npm run typecheck', 'CI runs both before the tests'],
  ['npm run bench', 'benchmarks take minutes and install Prism'],
  ['npm run bench -- --only triggers --write', 'benchmarks take minutes; test/bench covers how --write keeps sections'],
  ['npm run bench:cpu', 'benchmarks take minutes'],
  ['npm run bench:instructions', 'takes minutes under valgrind'],
  ['export ACCOUNT_SID=AC…', "a placeholder for the banner's export line, which the test pastes instead"],
  ['export AUTH_TOKEN=…', "a placeholder for the banner's export line, which the test pastes instead"],
  [
    'TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… CONNECTOR_API_KEY=… npm start',
    'needs a real Twilio account, and is long-running',
  ],
  ['npx twilio-connector serve --twilio-base-url https://api.twilio.com', 'talks to real Twilio, and is long-running'],
  [
    'npx twilio-connector sandbox --host 0.0.0.0 --allowed-hosts sandbox,my-laptop.local --ui-auth dev:change-me',
    'listens on every interface, and is long-running',
  ],
  [
    `SERVICE_SID=$(curl -s -u "$ACCOUNT_SID:$AUTH_TOKEN" -d FriendlyName=Alerts http://127.0.0.1:4310/v1/Services | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).sid')`,
    'stores a shell variable for the next command; test/sandbox/opt-out.test.ts makes the same calls',
  ],
  [
    `curl -s -X PUT "http://127.0.0.1:4310/_sandbox/services/$SERVICE_SID/opt-out" -H 'content-type: application/json' -d '{"enabled":true,"opt_out_keywords":["PAUSE"],"opt_in_keywords":["RESUME"],"opt_out_reply":"Alerts paused. Text RESUME to get them again."}'`,
    'needs the shell variable of the command before; test/sandbox/opt-out.test.ts makes the same calls',
  ],
  ['pip install paconn', "Microsoft's tool, from PyPI"],
  ['paconn login', 'needs a Power Platform account'],
  [
    'paconn create --api-def twilio-connector/apiDefinition.swagger.json --api-prop twilio-connector/apiProperties.json',
    'needs a Power Platform account',
  ],
  [
    'paconn update --api-def twilio-connector/apiDefinition.swagger.json --api-prop twilio-connector/apiProperties.json --connector-id <id printed by create>',
    'needs a Power Platform account and a connector id',
  ],
]);

interface Answer {
  status: number;
  headers: string;
  body: string;
}

/** What each documented request must answer, by method and path; a request matching none fails. */
const EXPECTED: { method: string; path: RegExp; check: (a: Answer) => void }[] = [
  {
    method: 'GET',
    path: /^\/ContentTemplates\.json$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.ok(Array.isArray(JSON.parse(a.body).content_templates));
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/Content$/,
    check: (a) => {
      assert.equal(a.status, 201);
      assert.match(JSON.parse(a.body).sid, /^HX[0-9a-f]{32}$/);
    },
  },
  {
    method: 'GET',
    path: /^\/v1\/ContentAndApprovals$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).contents[0].approval_requests.status, 'unsubmitted');
    },
  },
  {
    method: 'GET',
    path: /^\/_sandbox\/content\/settings$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(typeof JSON.parse(a.body).approval_delay_ms, 'number');
    },
  },
  {
    method: 'PATCH',
    path: /^\/_sandbox\/content\/settings$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).approval_delay_ms, 2000);
    },
  },
  {
    method: 'GET',
    path: /^\/_sandbox\/templates$/,
    check: (a) => {
      assert.equal(a.status, 200);
      const view = JSON.parse(a.body);
      assert.ok(Array.isArray(view.templates));
      assert.ok(view.statuses.includes('rejected'));
    },
  },
  {
    method: 'GET',
    path: /^\/$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(typeof JSON.parse(a.body).links, 'object');
    },
  },
  {
    method: 'POST',
    path: /^\/Messages\.json$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.match(JSON.parse(a.body).sid, /^SM[0-9a-f]{32}$/);
    },
  },
  {
    method: 'POST',
    path: /^\/_sandbox\/inbound$/,
    check: (a) => {
      assert.equal(a.status, 201);
      const m = JSON.parse(a.body);
      assert.equal(m.direction, 'inbound');
      assert.equal(m.status, 'received');
    },
  },
  {
    method: 'POST',
    path: /^\/subscriptions\/messages\/(received|status|optout)$/,
    check: (a) => {
      assert.equal(a.status, 201);
      assert.match(JSON.parse(a.body).id, /\S/);
    },
  },
  {
    method: 'GET',
    path: /^\/triggers\/messages\/received$/,
    check: (a) => {
      assert.ok(a.status === 200 || a.status === 202, `status ${a.status}`);
      assert.match(a.headers, /^location: \S*\/triggers\/messages\/received\?/im);
    },
  },
  {
    method: 'GET',
    path: /^\/_sandbox\/opt-outs$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.ok(Array.isArray(JSON.parse(a.body).opt_outs));
    },
  },
  {
    method: 'POST',
    path: /^\/_sandbox\/opt-(outs|ins)$/,
    check: (a) => {
      assert.ok(a.status === 200 || a.status === 201, `status ${a.status}`);
      assert.equal(JSON.parse(a.body).phone_number, '+15551234567');
    },
  },
  {
    method: 'DELETE',
    path: /^\/_sandbox\/opt-outs$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(typeof JSON.parse(a.body).cleared, 'number');
    },
  },
  {
    method: 'POST',
    path: /^\/_sandbox\/reset$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).status, 'reset');
    },
  },
  {
    method: 'GET',
    path: /^\/_sandbox\/health$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).status, 'ok');
    },
  },
  {
    method: 'PATCH',
    path: /^\/_sandbox\/settings$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(typeof JSON.parse(a.body).throughput, 'object');
    },
  },
  {
    method: 'GET',
    path: /^\/_sandbox\/whatsapp$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.match(JSON.parse(a.body).sandbox.join_code, /^[a-z]+-[a-z]+$/);
    },
  },
  {
    method: 'PUT',
    path: /^\/_sandbox\/whatsapp\/(senders\/[^/]+|sandbox)$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.ok(Array.isArray(JSON.parse(a.body).senders));
    },
  },
  {
    method: 'POST',
    path: /^\/_sandbox\/settings\/reset$/,
    check: (a) => {
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).chaos.enabled, false);
    },
  },
];

const STATUS_MARK = '\n__HTTP_STATUS__ ';

/** Splits curl's output (headers first when -i was given) and the status the curlrc appends. */
function answerOf(stdout: string): Answer {
  const at = stdout.lastIndexOf(STATUS_MARK);
  assert.ok(at >= 0, `curl printed no status: ${stdout}`);
  const status = Number(stdout.slice(at + STATUS_MARK.length).trim());
  let text = stdout.slice(0, at);
  let headers = '';
  if (/^HTTP\/[\d.]+ \d{3}/.test(text)) {
    const end = text.search(/\r?\n\r?\n/);
    headers = end < 0 ? text : text.slice(0, end);
    text = end < 0 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '');
  }
  return { status, headers, body: text };
}

function requestOf(command: string): { method: string; path: string } {
  // the request's URL is curl's last argument; earlier ones may sit inside a JSON body (a callbackUrl)
  const url = [...command.matchAll(/\bhttps?:\/\/127\.0\.0\.1:\d+[^\s'"]*/g)].at(-1)?.[0];
  assert.ok(url, `no local URL in ${command}`);
  const explicit = /(?:^|\s)-X\s+([A-Z]+)/.exec(command)?.[1];
  const method = explicit ?? (/(?:^|\s)(-d|--data\S*|-F|--json)\s/.test(command) ? 'POST' : 'GET');
  return { method, path: new URL(url).pathname };
}

describe("the README's and docs' shell commands", () => {
  const dir = mkdtempSync(join(tmpdir(), 'doc-commands-'));
  const work = join(dir, 'work');
  let server: ReturnType<typeof spawn>;
  let output = '';
  let connectorPort = '';
  let sandboxPort = '';
  let exportsText = '';

  before(async () => {
    const dropped = /^(TWILIO_|CONNECTOR_|SANDBOX_|DATABASE_URL$)/;
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !dropped.test(k)));
    server = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        '--port',
        '0',
        '--sandbox-port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--log-level',
        'warn',
      ],
      { cwd: ROOT, env },
    );
    server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const banner =
      /listening on http:\/\/127\.0\.0\.1:(\d+)[\s\S]*embedded sandbox at http:\/\/127\.0\.0\.1:(\d+)[\s\S]*?(export ACCOUNT_SID=\S+\n\s*export AUTH_TOKEN=\S+)\n/;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = banner.exec(output);
      if (m) {
        [, connectorPort, sandboxPort, exportsText] = m as unknown as [string, string, string, string];
        exportsText = exportsText.replace(/^\s+/gm, '');
        break;
      }
      if (server.exitCode !== null || Date.now() > deadline) assert.fail(`serve did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // curl reads its defaults from $CURL_HOME/.curlrc: the status line lets the command stay as written
    writeFileSync(
      join(dir, '.curlrc'),
      `write-out = "${STATUS_MARK.replace('\n', '\\n')}%{http_code}\\n"\nmax-time = 20\n`,
    );
  });

  after(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a documented command in a shell that has the banner's exports and `npx twilio-connector`. */
  function run(command: string): { status: number | null; stdout: string; stderr: string } {
    rmSync(work, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', work]);
    const local = command
      .replaceAll('127.0.0.1:4300', `127.0.0.1:${connectorPort}`)
      .replaceAll('127.0.0.1:4310', `127.0.0.1:${sandboxPort}`);
    const script = [
      'set -eo pipefail',
      // what the installed package's bin does, from this checkout's sources
      `npx() { if [ "$1" = twilio-connector ]; then shift; node --import '${TSX}' '${join(ROOT, 'src/cli/main.ts')}' "$@"; else echo "npx $1 is not part of the package" >&2; return 127; fi; }`,
      exportsText,
      local,
    ].join('\n');
    const r = spawnSync('bash', ['-c', script], {
      cwd: work,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
        HOME: dir,
        CURL_HOME: dir,
        LOG_LEVEL: 'warn',
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('finds the documented commands, and every skipped one is still documented', () => {
    const commands = docCommands(ROOT).map((c) => normalize(c.text));
    assert.ok(commands.filter((c) => c.startsWith('curl ')).length >= 8, commands.join('\n'));
    for (const skipped of NOT_RUN.keys()) assert.ok(commands.includes(skipped), `no document has: ${skipped}`);
  });

  it('runs every documented command successfully against a fresh server', () => {
    const failures: string[] = [];
    const ran: string[] = [];
    for (const c of docCommands(ROOT)) {
      const flat = normalize(c.text);
      if (NOT_RUN.has(flat)) continue;
      try {
        if (flat.startsWith('curl ')) {
          const r = run(c.text);
          assert.equal(r.status, 0, `curl exited ${r.status}: ${r.stderr}`);
          const { method, path } = requestOf(flat);
          const expected = EXPECTED.find((e) => e.method === method && e.path.test(path));
          assert.ok(expected, `no expectation for ${method} ${path}: add one to EXPECTED`);
          const answer = answerOf(r.stdout);
          try {
            expected.check(answer);
          } catch (err) {
            throw new Error(`${method} ${path}: ${(err as Error).message}\n${r.stdout}`, { cause: err });
          }
        } else if (/^npx twilio-connector definition --out (\S+)/.test(flat)) {
          const out = /--out (\S+)/.exec(flat)![1]!;
          const r = run(c.text);
          assert.equal(r.status, 0, r.stderr);
          for (const file of ['apiDefinition.swagger.json', 'apiProperties.json', 'openapi.json']) {
            assert.ok(existsSync(join(work, out, file)), `${out}/${file} written`);
          }
        } else {
          assert.fail('neither run by this test nor in NOT_RUN with a reason');
        }
        ran.push(c.where);
      } catch (err) {
        failures.push(`${c.where}: ${flat}\n  ${(err as Error).message.replaceAll('\n', '\n  ')}`);
      }
    }
    assert.deepEqual(failures, [], `documented commands that do not work as written:\n${failures.join('\n')}`);
    assert.ok(ran.length >= 10, `ran ${ran.length} commands`);
  });
});
