// Public entry of the connector: build the app (it does not listen), its options and its errors.
export { buildConnector, toApiError } from './app.js';
export type { ConnectorDeps } from './app.js';
export { connectorSpec, connectorConfig, resolveConnectorConfig, type ConnectorConfig } from './config.js';
export { authenticate, type Connection } from './auth.js';
export { ApiError, ERROR_CATALOG, envelope, type ErrorCode, type ErrorEnvelope } from './errors.js';
export { MemoryIdempotencyStore } from './idempotency.js';
export type { UpstreamClient } from './routes/context.js';
