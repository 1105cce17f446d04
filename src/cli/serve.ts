// `twilio-connector serve`: the connector, talking to real Twilio when credentials or
// --twilio-base-url are configured, otherwise to a sandbox started in the same process so that a
// fresh checkout works with no account and no network.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildConnector } from '../connector/app.js';
import { authenticate } from '../connector/auth.js';
import { connectorSpec, resolveConnectorConfig, type ConnectorConfig } from '../connector/config.js';
import { resolveSecretKey, triggersPlugin } from '../connector/triggers/index.js';
import { buildSandbox, type Sandbox } from '../sandbox/app.js';
import { sandboxConfig } from '../sandbox/config.js';
import { exposureWarning } from '../sandbox/guard.js';
import { helpText } from '../shared/config.js';
import { openStore } from '../store/index.js';
import { dataDirWarning, privateDir } from '../store/private-files.js';
import { credentialExports } from './credential-exports.js';
import { explainListenError } from './listen-error.js';
import { onShutdown } from './signals.js';

export interface Running {
  app: FastifyInstance;
  url: string;
  sandbox: Sandbox | undefined;
  sandboxUrl: string | undefined;
  upstreamUrl: string;
  /** a server-side default connection is configured */
  defaultConnection: boolean;
  close(): Promise<void>;
}

const hostPart = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** Starts everything `serve` runs; separate from the CLI so tests can start and stop it. */
export async function startServe(config: ConnectorConfig): Promise<Running> {
  const embedded = config.accountSid === undefined && config.twilioBaseUrl === undefined;
  // before anything listens: a key file that cannot be used stops the start with nothing to undo
  const secretKey = resolveSecretKey({
    secretKey: config.secretKey,
    dataDir: config.dataDir,
    sandboxUpstream: embedded,
  });
  let sandbox: Sandbox | undefined;
  let sandboxUrl: string | undefined;
  if (embedded) {
    privateDir(config.dataDir);
    sandbox = buildSandbox(
      sandboxConfig({
        host: config.host,
        port: config.sandboxPort,
        data: join(config.dataDir, 'sandbox.db'),
        statusDelay: 1000,
        allowedHosts: config.sandboxAllowedHosts,
        ...(config.sandboxUiAuth === undefined ? {} : { uiAuth: config.sandboxUiAuth }),
        logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel,
      }),
    );
    try {
      sandboxUrl = await sandbox.listen();
    } catch (err) {
      await sandbox.close();
      throw explainListenError(err, {
        what: 'the embedded sandbox',
        host: config.host,
        port: config.sandboxPort,
        flag: '--sandbox-port',
        env: 'SANDBOX_PORT',
      });
    }
  }
  const upstreamUrl = sandboxUrl ?? config.twilioBaseUrl ?? 'https://api.twilio.com';
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    secretKey: config.secretKey,
  });
  const publicUrl =
    config.publicUrl ?? (config.port === 0 ? undefined : `http://${hostPart(config.host)}:${config.port}`);
  const app = buildConnector(config, {
    store,
    upstreamUrl,
    ...(sandboxUrl === undefined ? {} : { sandboxUrl }),
    publishTriggers: true,
    plugins: [
      triggersPlugin({
        store,
        authenticate: (request) => authenticate(config, request),
        upstreamUrl,
        secretKey,
        publicUrl,
        allowPrivateCallbacks: config.allowPrivateCallbacks,
        maxSubscriptions: config.maxSubscriptions,
      }),
    ],
  });
  let url: string;
  try {
    const address = await app.listen({ host: config.host, port: config.port });
    url = `http://${hostPart(config.host)}:${new URL(address).port}`;
  } catch (err) {
    await app.close();
    await store.close();
    await sandbox?.close();
    throw explainListenError(err, {
      what: 'the connector',
      host: config.host,
      port: config.port,
      flag: '--port',
      env: 'CONNECTOR_PORT',
    });
  }
  return {
    app,
    url,
    sandbox,
    sandboxUrl,
    upstreamUrl,
    defaultConnection: config.accountSid !== undefined,
    async close() {
      // the connector first, so in-flight requests still reach the sandbox and the store
      await app.close();
      await store.close();
      await sandbox?.close();
    },
  };
}

export function serveBanner(r: Running): string {
  const lines = [`twilio-connector listening on ${r.url}`, `  API reference  ${r.url}/docs`];
  if (!r.sandbox || r.sandboxUrl === undefined) {
    lines.push(`  upstream       ${r.upstreamUrl}`);
    lines.push(
      r.defaultConnection
        ? '  Callers present the connector API key (X-Api-Key); without Basic credentials the configured account is used.'
        : '  Calls go upstream with the credentials each caller sends (HTTP Basic AccountSid:AuthToken).',
      '',
    );
    return lines.join('\n');
  }
  const { sid, auth_token } = r.sandbox.account;
  const number = r.sandbox.phoneNumber;
  lines.push(
    '',
    `No Twilio credentials configured: using the embedded sandbox at ${r.sandboxUrl}`,
    `  inbox          ${r.sandboxUrl}/`,
    `  account SID    ${sid}`,
    `  auth token     ${auth_token}`,
    `  phone number   ${number}`,
    '',
    '  Paste into your shell; the examples in README.md and docs/ use these variables:',
    ...credentialExports(sid, auth_token).map((line) => `    ${line}`),
    '',
    '  Send a message through the connector:',
    `    curl -s -u "$ACCOUNT_SID:$AUTH_TOKEN" -H 'content-type: application/json' \\`,
    `      -d '{"from":"${number}","to":"+14155550123","body":"Hello from the connector"}' \\`,
    `      ${r.url}/Messages.json`,
    '',
  );
  return lines.join('\n');
}

export async function runServe(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { config, help } = resolveConnectorConfig({ argv, env });
  if (help) {
    process.stdout.write(
      helpText(
        'twilio-connector serve [options]',
        'Runs the Twilio connector (actions, triggers, definitions). Without Twilio credentials it embeds a sandbox.',
        connectorSpec,
      ),
    );
    return 0;
  }
  const running = await startServe(config);
  // before anything is printed: whoever reads the banner may signal at once
  onShutdown(() => running.close());
  const warning = running.sandbox && exposureWarning(config.host, config.sandboxUiAuth, '--sandbox-ui-auth');
  if (warning) process.stderr.write(warning);
  const dirWarning = dataDirWarning(config.dataDir);
  if (dirWarning !== undefined) process.stderr.write(dirWarning);
  process.stdout.write(serveBanner(running));
  return 0;
}
