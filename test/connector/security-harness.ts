// A connector with its triggers in front of a sandbox, both on 127.0.0.1:0, for the security tests:
// a real SQLite store in a temp dir, log lines captured, and helpers that call the connector with
// the sandbox account's credentials, with a wrong token, or as Twilio would (signed forms).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { buildConnector } from '../../src/connector/app.js';
import { authenticate } from '../../src/connector/auth.js';
import { connectorConfig, type ConnectorConfig } from '../../src/connector/config.js';
import { resolveSecretKey, triggersPlugin, type TriggerDeps } from '../../src/connector/triggers/index.js';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { basic, formBody, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

export interface SecureHarness {
  sb: TestSandbox;
  app: FastifyInstance;
  url: string;
  store: ConnectorStore;
  lines: string[];
  /** the key subscriptions are sealed with */
  secretKey: Buffer;
  auth: string;
  wrongAuth: string;
  call(
    method: string,
    path: string,
    init?: { json?: unknown; headers?: Record<string, string>; auth?: string | null },
  ): Promise<Response>;
  /** posts a form to a Twilio-facing path (with its query), signed with `token` for the exact URL */
  asTwilio(pathAndQuery: string, params: Record<string, string>, token: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startSecure(
  overrides: Partial<{ -readonly [K in keyof ConnectorConfig]: ConnectorConfig[K] }> = {},
  trigger: Partial<TriggerDeps> = {},
  upstreamUrl?: string,
): Promise<SecureHarness> {
  const sb = await startSandbox();
  const dir = mkdtempSync(join(tmpdir(), 'tc-secure-'));
  const store = await openStore({ dataDir: dir });
  const lines: string[] = [];
  const config = connectorConfig({ logLevel: 'info', ...overrides });
  const upstream = upstreamUrl ?? sb.url;
  const secretKey = resolveSecretKey({ dataDir: dir, sandboxUpstream: true })!;
  const app = buildConnector(config, {
    store,
    upstreamUrl: upstream,
    logStream: { write: (line) => void lines.push(line) },
    plugins: [
      triggersPlugin({
        store,
        authenticate: (req) => authenticate(config, req),
        upstreamUrl: upstream,
        secretKey,
        delivery: { baseDelayMs: 20, maxDelayMs: 80, pollMs: 50 },
        ...trigger,
      }),
    ],
  });
  const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  const auth = basic(sb.accountSid, sb.authToken);
  return {
    sb,
    app,
    url,
    store,
    lines,
    secretKey,
    auth,
    wrongAuth: basic(sb.accountSid, 'not-the-auth-token-0123456789ab'),
    call(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.auth !== null) headers['authorization'] = init.auth ?? auth;
      let body: string | undefined;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] ??= 'application/json';
      }
      return fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    },
    asTwilio(pathAndQuery, params, token) {
      const target = url + pathAndQuery;
      return fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(token, target, params),
        },
        body: formBody(params),
      });
    },
    async close() {
      await app.close();
      await store.close();
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
