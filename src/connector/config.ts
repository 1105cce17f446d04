// Options of `twilio-connector serve`: declared once here, they drive parsing, --help and the
// generated docs/configuration.md. Cross-option rules (credentials need an API key, …) are checked
// in resolveConnectorConfig so every problem is reported together.
import { option, optional, parsers, resolveConfig, type ConfigOf, type ResolveInput } from '../shared/config.js';
import { ConfigError } from '../shared/errors.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const connectorSpec = {
  host: option({
    flag: 'host',
    env: 'CONNECTOR_HOST',
    description: 'Interface the connector listens on',
    parse: parsers.nonEmpty,
    default: '127.0.0.1',
    metavar: 'HOST',
  }),
  port: option({
    flag: 'port',
    env: 'CONNECTOR_PORT',
    description: 'Port the connector listens on (0 picks a free one)',
    parse: parsers.int(0, 65535),
    default: 4300,
    metavar: 'PORT',
  }),
  sandboxPort: option({
    flag: 'sandbox-port',
    env: 'SANDBOX_PORT',
    description: 'Port of the embedded sandbox, used when no Twilio credentials and no --twilio-base-url are set',
    parse: parsers.int(0, 65535),
    default: 4310,
    metavar: 'PORT',
  }),
  sandboxUiAuth: optional({
    flag: 'sandbox-ui-auth',
    env: 'SANDBOX_UI_AUTH',
    description:
      'user:password asked (HTTP Basic) for the embedded sandbox’s inbox and /_sandbox control API; its Twilio API paths keep the account credentials',
    parse: parsers.userPassword,
    secret: true,
    metavar: 'USER:PASSWORD',
  }),
  sandboxAllowedHosts: option({
    flag: 'sandbox-allowed-hosts',
    env: 'SANDBOX_ALLOWED_HOSTS',
    description:
      'Host names the embedded sandbox answers to besides loopback names and --host (comma-separated); any other Host is refused',
    parse: parsers.hostList,
    default: Object.freeze<string[]>([]),
    defaultText: 'none',
    metavar: 'HOSTS',
  }),
  publicUrl: optional({
    flag: 'public-url',
    env: 'CONNECTOR_PUBLIC_URL',
    description:
      'Base URL callers and Twilio reach the connector at (paging links, webhooks); defaults to the request’s Host',
    parse: parsers.url,
    metavar: 'URL',
  }),
  dataDir: option({
    flag: 'data-dir',
    env: 'CONNECTOR_DATA_DIR',
    description: 'Directory for the connector’s SQLite state and the embedded sandbox’s data',
    parse: parsers.nonEmpty,
    default: '.twilio-connector',
    metavar: 'DIR',
  }),
  databaseUrl: optional({
    flag: 'database-url',
    env: 'DATABASE_URL',
    description: 'postgres://… to keep connector state in PostgreSQL (shared by several instances) instead of SQLite',
    parse: parsers.pattern(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// or postgresql:// URL', true),
    secret: true,
    metavar: 'URL',
  }),
  twilioBaseUrl: optional({
    flag: 'twilio-base-url',
    env: 'TWILIO_BASE_URL',
    description: 'Twilio API base URL; set it to use an external sandbox. Defaults to https://api.twilio.com',
    parse: parsers.url,
    metavar: 'URL',
  }),
  accountSid: optional({
    flag: 'account-sid',
    env: 'TWILIO_ACCOUNT_SID',
    description: 'Account SID of a server-side default connection (needs --api-key)',
    parse: parsers.pattern(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex characters'),
    metavar: 'AC…',
  }),
  authToken: optional({
    flag: 'auth-token',
    env: 'TWILIO_AUTH_TOKEN',
    description: 'Auth token of the server-side default connection',
    parse: parsers.pattern(/^\S{8,128}$/, '8 to 128 characters without spaces', true),
    secret: true,
    metavar: 'TOKEN',
  }),
  twilioApiKey: optional({
    flag: 'twilio-api-key',
    env: 'TWILIO_API_KEY',
    description: 'API key SID (SK…) of the server-side default connection, instead of the auth token',
    parse: parsers.pattern(/^SK[0-9a-fA-F]{32}$/, 'SK followed by 32 hex characters'),
    metavar: 'SK…',
  }),
  twilioApiSecret: optional({
    flag: 'twilio-api-secret',
    env: 'TWILIO_API_SECRET',
    description: 'Secret of the API key above',
    parse: parsers.pattern(/^\S{8,128}$/, '8 to 128 characters without spaces', true),
    secret: true,
    metavar: 'SECRET',
  }),
  apiKey: optional({
    flag: 'api-key',
    env: 'CONNECTOR_API_KEY',
    description:
      'Protects the connector: callers send it as `X-Api-Key` (or `Authorization: Bearer …` when using the default connection)',
    parse: parsers.pattern(/^\S{16,256}$/, '16 to 256 characters without spaces', true),
    secret: true,
    metavar: 'KEY',
  }),
  secretKey: optional({
    flag: 'secret-key',
    env: 'CONNECTOR_SECRET_KEY',
    description:
      'Encrypts the secrets the connector keeps (trigger subscriptions): 32 random bytes as 64 hex characters. Unset with the embedded sandbox: a key generated once into secret.key in the data directory; a secret.key that is not 64 hex digits stops the start',
    parse: parsers.hexKey(32),
    secret: true,
    metavar: 'HEX',
  }),
  allowPrivateCallbacks: optional({
    flag: 'allow-private-callbacks',
    env: 'CONNECTOR_ALLOW_PRIVATE_CALLBACKS',
    description:
      'Let trigger callbacks (and forwarded status callbacks) reach loopback and private addresses (127/8, 10/8, 172.16/12, 192.168/16, 100.64/10, ::1, fc00::/7); link-local and cloud metadata addresses are refused regardless (--no-allow-private-callbacks refuses private ones even on loopback)',
    parse: parsers.bool,
    switch: true,
    defaultText: 'only while the connector listens on loopback and --public-url is unset or local',
  }),
  maxSubscriptions: option({
    flag: 'max-subscriptions',
    env: 'CONNECTOR_MAX_SUBSCRIPTIONS',
    description:
      'Trigger subscriptions one account may have; a subscribe beyond it is refused (400 SUBSCRIPTION_LIMIT_REACHED), one identical to an existing subscription gets that one back',
    parse: parsers.int(1, 1_000_000),
    default: 100,
    metavar: 'N',
  }),
  throttleLimit: option({
    flag: 'throttle-limit',
    env: 'CONNECTOR_THROTTLE_LIMIT',
    description: 'Calls one connection may make per throttle window before getting 429 (0 disables throttling)',
    parse: parsers.int(0, 1_000_000),
    default: 100,
    metavar: 'N',
  }),
  throttleWindow: option({
    flag: 'throttle-window',
    env: 'CONNECTOR_THROTTLE_WINDOW',
    description: 'Length of the throttle window in seconds',
    parse: parsers.int(1, 86_400),
    default: 60,
    metavar: 'SECONDS',
  }),
  upstreamTimeout: option({
    flag: 'upstream-timeout',
    env: 'CONNECTOR_UPSTREAM_TIMEOUT_MS',
    description:
      'Milliseconds the connector waits on Twilio (to connect, for the answer to start, between parts of its body) before answering 504 (502 if no connection could be made)',
    parse: parsers.int(100, 300_000),
    default: 15_000,
    metavar: 'MS',
  }),
  logLevel: option({
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
    parse: parsers.oneOf(LOG_LEVELS),
    default: 'info',
    metavar: 'LEVEL',
  }),
} as const;

export type ConnectorConfig = ConfigOf<typeof connectorSpec>;

/** Rules that involve several options; returns every broken one. */
export function crossCheck(c: ConnectorConfig): string[] {
  const problems: string[] = [];
  const hasToken = c.authToken !== undefined;
  const hasKey = c.twilioApiKey !== undefined || c.twilioApiSecret !== undefined;
  if (hasToken && c.accountSid === undefined) problems.push('TWILIO_AUTH_TOKEN needs TWILIO_ACCOUNT_SID');
  if (hasKey && (c.twilioApiKey === undefined || c.twilioApiSecret === undefined)) {
    problems.push('TWILIO_API_KEY and TWILIO_API_SECRET go together');
  }
  if (hasKey && c.accountSid === undefined) problems.push('TWILIO_API_KEY needs TWILIO_ACCOUNT_SID');
  if (c.accountSid !== undefined && !hasToken && !hasKey) {
    problems.push('TWILIO_ACCOUNT_SID needs TWILIO_AUTH_TOKEN or TWILIO_API_KEY + TWILIO_API_SECRET');
  }
  if ((c.accountSid !== undefined || hasToken || hasKey) && c.apiKey === undefined) {
    problems.push(
      'server-side Twilio credentials are only allowed when --api-key (CONNECTOR_API_KEY) protects the connector',
    );
  }
  return problems;
}

export function resolveConnectorConfig(input: ResolveInput): { config: ConnectorConfig; help: boolean } {
  let resolved: { config: ConnectorConfig; help: boolean };
  try {
    resolved = resolveConfig(connectorSpec, input);
  } catch (err) {
    // report the cross-option rules too, judged on which options were given at all
    if (err instanceof ConfigError) throw new ConfigError([...err.problems, ...crossCheck(presence(input))]);
    throw err;
  }
  if (!resolved.help) {
    const problems = crossCheck(resolved.config);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return resolved;
}

/** Which options were given (as flag or environment), for rules that only care about that. */
function presence(input: ResolveInput): ConnectorConfig {
  const out: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(connectorSpec)) {
    const flagged = input.argv.some((a) => a === `--${opt.flag}` || a.startsWith(`--${opt.flag}=`));
    const env = 'env' in opt ? input.env[opt.env] : undefined;
    out[key] = flagged || (env !== undefined && env !== '') ? 'given' : undefined;
  }
  return out as unknown as ConnectorConfig;
}

/** Defaults for programmatic use (tests, embedding): quiet, port 0; the caller sets the upstream. */
export function connectorConfig(
  overrides: Partial<{ -readonly [K in keyof ConnectorConfig]: ConnectorConfig[K] }> = {},
): ConnectorConfig {
  const base: Record<string, unknown> = {};
  for (const [k, opt] of Object.entries(connectorSpec)) if ('default' in opt) base[k] = opt.default;
  const config = Object.freeze({ ...base, port: 0, logLevel: 'silent', ...overrides }) as ConnectorConfig;
  const problems = crossCheck(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The server-side default connection, when one is configured. */
export function defaultConnection(
  c: ConnectorConfig,
): { accountSid: string; username: string; password: string } | undefined {
  if (c.accountSid === undefined) return undefined;
  if (c.twilioApiKey !== undefined && c.twilioApiSecret !== undefined) {
    return { accountSid: c.accountSid, username: c.twilioApiKey, password: c.twilioApiSecret };
  }
  if (c.authToken !== undefined) return { accountSid: c.accountSid, username: c.accountSid, password: c.authToken };
  return undefined;
}
