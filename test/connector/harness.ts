// A sandbox and a connector in front of it, both on 127.0.0.1:0, for one test file; plus fetch
// helpers that speak to the connector with the sandbox account's credentials.
import type { FastifyInstance } from 'fastify';
import { buildConnector, type ConnectorDeps } from '../../src/connector/app.js';
import { connectorConfig, type ConnectorConfig } from '../../src/connector/config.js';
import { basic, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

export interface Harness {
  sb: TestSandbox;
  app: FastifyInstance;
  url: string;
  auth: string;
  call(
    method: string,
    path: string,
    init?: { json?: unknown; headers?: Record<string, string>; body?: string; auth?: string | null },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startConnector(
  overrides: Partial<{ -readonly [K in keyof ConnectorConfig]: ConnectorConfig[K] }> = {},
  deps: ConnectorDeps = {},
  sandbox?: TestSandbox,
): Promise<Harness> {
  const sb = sandbox ?? (await startSandbox());
  const app = buildConnector(connectorConfig(overrides), { upstreamUrl: sb.url, ...deps });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const url = address.replace('localhost', '127.0.0.1');
  const auth = basic(sb.accountSid, sb.authToken);
  return {
    sb,
    app,
    url,
    auth,
    call(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.auth !== null) headers['authorization'] = init.auth ?? auth;
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] ??= 'application/json';
      }
      return fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    },
    async close() {
      await app.close();
      if (!sandbox) await sb.close();
    },
  };
}
