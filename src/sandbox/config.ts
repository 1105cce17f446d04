// Options of `twilio-connector sandbox` (and of the sandbox embedded in `serve`).
import { option, optional, parsers, type ConfigOf } from '../shared/config.js';

export const sandboxSpec = {
  host: option({
    flag: 'host',
    env: 'SANDBOX_HOST',
    description: 'Interface to listen on',
    parse: parsers.nonEmpty,
    default: '127.0.0.1',
    metavar: 'HOST',
  }),
  port: option({
    flag: 'port',
    env: 'SANDBOX_PORT',
    description: 'Port to listen on (0 picks a free one)',
    parse: parsers.int(0, 65535),
    default: 4310,
    metavar: 'PORT',
  }),
  allowedHosts: option({
    flag: 'allowed-hosts',
    env: 'SANDBOX_ALLOWED_HOSTS',
    description:
      'Host names the sandbox answers to besides loopback names and --host (comma-separated), for reaching it by another name; any other Host is refused',
    parse: parsers.hostList,
    default: Object.freeze<string[]>([]),
    defaultText: 'none',
    metavar: 'HOSTS',
  }),
  uiAuth: optional({
    flag: 'ui-auth',
    env: 'SANDBOX_UI_AUTH',
    description:
      'user:password asked (HTTP Basic) for the inbox, its event stream and the /_sandbox control API; Twilio API paths keep the account credentials',
    parse: parsers.userPassword,
    secret: true,
    metavar: 'USER:PASSWORD',
  }),
  accountSid: optional({
    flag: 'account-sid',
    env: 'SANDBOX_ACCOUNT_SID',
    description: 'Account SID of the sandbox account (created on first start when omitted, then kept)',
    parse: parsers.pattern(/^AC[0-9a-f]{32}$/, 'AC followed by 32 lowercase hex characters'),
    metavar: 'AC…',
  }),
  authToken: optional({
    flag: 'auth-token',
    env: 'SANDBOX_AUTH_TOKEN',
    description: 'Auth token of the sandbox account (generated on first start when omitted, then kept)',
    parse: parsers.pattern(/^[0-9a-zA-Z]{8,64}$/, '8 to 64 letters or digits', true),
    secret: true,
    metavar: 'TOKEN',
  }),
  data: option({
    flag: 'data',
    env: 'SANDBOX_DATA',
    description: 'SQLite file holding the sandbox state, or :memory: for none',
    parse: parsers.nonEmpty,
    default: '.twilio-sandbox/sandbox.db',
    metavar: 'FILE',
  }),
  phoneNumber: option({
    flag: 'phone-number',
    env: 'SANDBOX_PHONE_NUMBER',
    description: 'The SMS/MMS-capable number the account starts with',
    parse: parsers.pattern(/^\+[1-9]\d{7,14}$/, 'an E.164 number such as +14155550100'),
    default: '+14155550100',
    metavar: 'E164',
  }),
  statusDelay: option({
    flag: 'status-delay',
    env: 'SANDBOX_STATUS_DELAY_MS',
    description:
      'Milliseconds between lifecycle steps of an outbound message (queued → sending → sent → delivered); 0 is instant',
    parse: parsers.int(0, 3_600_000),
    default: 1000,
    metavar: 'MS',
  }),
  webhookTimeout: option({
    flag: 'webhook-timeout',
    env: 'SANDBOX_WEBHOOK_TIMEOUT_MS',
    description: 'How long a webhook may take before it counts as failed (Twilio: 15000)',
    parse: parsers.int(100, 60_000),
    default: 15_000,
    metavar: 'MS',
  }),
  webhookRetries: option({
    flag: 'webhook-retries',
    env: 'SANDBOX_WEBHOOK_RETRIES',
    description: 'How many times a failed status callback is retried',
    parse: parsers.int(0, 20),
    default: 3,
    metavar: 'N',
  }),
  publicUrl: optional({
    flag: 'public-url',
    env: 'SANDBOX_PUBLIC_URL',
    description: 'Base URL the sandbox is reached at (used in links it prints); defaults to http://HOST:PORT',
    parse: parsers.url,
    metavar: 'URL',
  }),
  logLevel: option({
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent; debug and trace also log every request',
    parse: parsers.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: 'info',
    metavar: 'LEVEL',
  }),
} as const;

export type SandboxConfig = ConfigOf<typeof sandboxSpec>;

/** Defaults for programmatic use (tests, embedding): in memory, instant lifecycle, quiet. */
export function sandboxConfig(
  overrides: Partial<{ -readonly [K in keyof SandboxConfig]: SandboxConfig[K] }> = {},
): SandboxConfig {
  const base: Record<string, unknown> = {};
  for (const [k, opt] of Object.entries(sandboxSpec)) if ('default' in opt) base[k] = opt.default;
  return Object.freeze({
    ...base,
    data: ':memory:',
    statusDelay: 0,
    logLevel: 'silent',
    port: 0,
    ...overrides,
  }) as SandboxConfig;
}
