// `twilio-connector sandbox`: the Twilio-compatible sandbox alone.
import { helpText, resolveConfig } from '../shared/config.js';
import { buildSandbox, type Sandbox } from '../sandbox/app.js';
import { sandboxSpec } from '../sandbox/config.js';
import { exposureWarning } from '../sandbox/guard.js';
import { credentialExports, inboundCurl } from './credential-exports.js';
import { explainListenError } from './listen-error.js';
import { onShutdown } from './signals.js';

export function sandboxBanner(sb: Sandbox, url: string): string {
  const { sid, auth_token } = sb.account;
  const uiAuth = sb.ctx.config.uiAuth;
  // the password is the user's own: name where it goes, never print it
  const login = uiAuth === undefined ? '' : ` -u '${uiAuth.user}:<ui-auth password>'`;
  return [
    `Twilio sandbox listening on ${url}`,
    `  inbox          ${url}/`,
    `  account SID    ${sid}`,
    `  auth token     ${auth_token}`,
    `  phone number   ${sb.phoneNumber}${
      sb.phoneNumber === sb.ctx.config.phoneNumber
        ? ''
        : `  (${sb.ctx.config.phoneNumber} belongs to another account in this data file)`
    }`,
    '',
    '  Paste into your shell; the examples in README.md and docs/ use these variables:',
    ...credentialExports(sid, auth_token).map((line) => `    ${line}`),
    '',
    '  Point the official SDK at it:',
    `    const client = twilio('${sid}', '<auth token>'); client.api.baseUrl = '${url}';`,
    '  Text the number as a phone would:',
    ...inboundCurl(url, '+15551234567', sb.phoneNumber, login).map((line) => `    ${line}`),
    '',
  ].join('\n');
}

export async function runSandbox(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { config, help } = resolveConfig(sandboxSpec, { argv, env });
  if (help) {
    process.stdout.write(
      helpText(
        'twilio-connector sandbox [options]',
        'Runs a local, persistent, Twilio-compatible Messaging API with an inbox web UI.',
        sandboxSpec,
      ),
    );
    return 0;
  }
  const sb = buildSandbox(config);
  let url: string;
  try {
    url = await sb.listen();
  } catch (err) {
    await sb.close();
    throw explainListenError(err, {
      what: 'the sandbox',
      host: config.host,
      port: config.port,
      flag: '--port',
      env: 'SANDBOX_PORT',
    });
  }
  const warning = exposureWarning(config.host, config.uiAuth);
  if (warning !== undefined) process.stderr.write(warning);
  // before the banner: whoever reads it may signal at once
  onShutdown(() => sb.close());
  process.stdout.write(sandboxBanner(sb, url));
  return 0;
}
