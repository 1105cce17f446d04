// A connector with its triggers in front of a sandbox, as the end-to-end trigger tests run it: in
// this process (a store in its own temp dir, a sealing key generated there, quick retries), or in a
// child process that can be killed for real and started again on the same data dir and port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildConnector } from '../../src/connector/app.js';
import { authenticate } from '../../src/connector/auth.js';
import { connectorConfig } from '../../src/connector/config.js';
import { resolveSecretKey, triggersPlugin, type TriggerDeps } from '../../src/connector/triggers/index.js';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { basic, type TestSandbox } from './sandbox.js';

export interface TriggerConnector {
  app: FastifyInstance;
  url: string;
  store: ConnectorStore;
  /** the data dir (store and sealing key), removed by close() when this helper made it */
  dir: string;
  /** calls the connector with the sandbox account's credentials (or `token`) and a JSON body */
  call(method: string, path: string, payload?: unknown, token?: string): Promise<Response>;
  /** closes the connector, then the store it opened and the dir it made (never the sandbox) */
  close(): Promise<void>;
}

/**
 * Starts the connector with triggers on 127.0.0.1:0 in front of `sb`. `store` (and `dir`, where
 * its key lives) may be given, to start again on the state of an earlier run; `triggers` overrides
 * any of the plugin's options.
 */
export async function startTriggerConnector(
  sb: TestSandbox,
  options: { store?: ConnectorStore; dir?: string; triggers?: Partial<TriggerDeps> } = {},
): Promise<TriggerConnector> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tc-triggers-'));
  const triggers = options.triggers ?? {};
  const store = options.store ?? (await openStore({ dataDir: dir }));
  const config = connectorConfig();
  const app = buildConnector(config, {
    upstreamUrl: sb.url,
    plugins: [
      triggersPlugin({
        store,
        authenticate: (req) => authenticate(config, req),
        upstreamUrl: sb.url,
        secretKey:
          'secretKey' in triggers ? triggers.secretKey : resolveSecretKey({ dataDir: dir, sandboxUpstream: true }),
        delivery: { baseDelayMs: 20, maxDelayMs: 80, pollMs: 50 },
        ...triggers,
      }),
    ],
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    store,
    dir,
    call: (method, path, payload, token = sb.authToken) =>
      fetch(url + path, {
        method,
        headers: { authorization: basic(sb.accountSid, token), 'content-type': 'application/json' },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      }),
    async close() {
      await app.close();
      if (options.store === undefined) await store.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const root = new URL('../..', import.meta.url).pathname;

/** The child's program: the same connector, configured from its environment. */
const CHILD = `
import { buildConnector } from '${root}src/connector/app.js';
import { authenticate } from '${root}src/connector/auth.js';
import { connectorConfig } from '${root}src/connector/config.js';
import { resolveSecretKey, triggersPlugin } from '${root}src/connector/triggers/index.js';
import { openStore } from '${root}src/store/index.js';
const dataDir = process.env.DATA_DIR;
const store = await openStore({ dataDir });
const config = connectorConfig();
const app = buildConnector(config, { upstreamUrl: process.env.UPSTREAM, plugins: [triggersPlugin({
  store, authenticate: (r) => authenticate(config, r), upstreamUrl: process.env.UPSTREAM,
  publicUrl: process.env.PUBLIC_URL,
  secretKey: resolveSecretKey({ dataDir, sandboxUpstream: true }),
  delivery: { baseDelayMs: 20, maxDelayMs: 50, pollMs: 20, timeoutMs: 2000, leaseMs: 3000 },
})] });
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('listening\\n');
`;

/**
 * Starts the connector in a child process, resolved once it listens. `env` gives DATA_DIR, UPSTREAM,
 * PORT and PUBLIC_URL (the connector's own URL, so Twilio's signatures match across restarts).
 */
export function startConnectorChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`connector exited early with ${code}`)));
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('listening')) resolve(child);
    });
  });
}

/** Kills the child as a crash would: no shutdown, nothing flushed. */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A port free a moment ago, for a server that must come back on the same one. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
