// The connector as `serve` builds it for actions (buildConnector, in-memory idempotency, logs off),
// in its own process against UPSTREAM_URL. Throttling is off: the benchmark is one connection
// sending far more than the default 100 calls a minute, and the baselines do not throttle either.
import { buildConnector } from '../../src/connector/app.js';
import { connectorConfig } from '../../src/connector/config.js';
import { announce } from './child.js';

const app = buildConnector(connectorConfig({ throttleLimit: 0, logLevel: 'silent' }), {
  upstreamUrl: process.env['UPSTREAM_URL'] ?? '',
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
announce(address, () => app.close());
