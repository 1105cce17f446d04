// The connector as `serve` builds it for actions (buildConnector, in-memory idempotency) in its
// default configuration: logs at info (one access line per request, to a pipe the parent drains) and
// throttling at its shipped limit. In its own process against UPSTREAM_URL; the load spreads over
// enough connections that none reaches the limit, as many workflows would.
import { buildConnector } from '../../src/connector/app.js';
import { connectorConfig } from '../../src/connector/config.js';
import { announce } from './child.js';

// connectorConfig quiets logs for tests; the shipped default level is info
const app = buildConnector(connectorConfig({ logLevel: 'info' }), {
  upstreamUrl: process.env['UPSTREAM_URL'] ?? '',
});
// BENCH_PROOF=off: the connection proof answers at once, so the keyed case can be compared with a
// build where only the idempotency store costs anything
if (process.env['BENCH_PROOF'] === 'off') app.trust.verify = () => Promise.resolve({ fresh: false, at: 0 });
const address = await app.listen({ host: '127.0.0.1', port: 0 });
announce(address, () => app.close());
