// The sandbox as a benchmark child process: SQLite file and credentials from the environment,
// default lifecycle and log level, so the load generator does not share its event loop.
import { buildSandbox } from '../../src/sandbox/app.js';
import { sandboxConfig } from '../../src/sandbox/config.js';
import { announce } from './child.js';

const sb = buildSandbox(
  sandboxConfig({
    data: process.env['BENCH_SANDBOX_DATA'] ?? ':memory:',
    accountSid: process.env['BENCH_ACCOUNT_SID']!,
    authToken: process.env['BENCH_AUTH_TOKEN']!,
    statusDelay: Number(process.env['BENCH_STATUS_DELAY'] ?? '1000'),
    // the level `twilio-connector sandbox` runs at unless told otherwise
    logLevel: 'info',
  }),
);
const url = await sb.listen();
announce(url, () => sb.close());
