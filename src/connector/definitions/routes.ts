// Serves the published definitions: GET /swagger.json, /openapi.json and /docs. The Swagger host is
// the configured public URL, else the Host the caller used, so an import from a running connector
// points back at it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PublishOptions } from '../operations.js';
import { renderDocsPage } from './docs-page.js';
import { DEFAULT_TARGET, targetFromUrl, type DefinitionTarget } from './info.js';
import { buildOpenApi } from './openapi.js';
import { buildSwagger } from './swagger.js';

export interface DefinitionRouteOptions extends PublishOptions {
  /** absolute base URL the connector is reached at (`--public-url`); wins over the Host header */
  publicUrl?: string | undefined;
}

const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

function targetOf(req: FastifyRequest, opts: DefinitionRouteOptions): DefinitionTarget {
  if (opts.publicUrl !== undefined) return targetFromUrl(opts.publicUrl);
  const host = req.host;
  // A Host header that is not a plain name[:port] (IPv6 literal, garbage) cannot go into the
  // Swagger `host` field; fall back to the default rather than publish an invalid definition.
  if (!HOST.test(host)) return { ...DEFAULT_TARGET };
  return { host, basePath: '/', scheme: req.protocol === 'https' ? 'https' : 'http' };
}

export function registerDefinitionRoutes(app: FastifyInstance, opts: DefinitionRouteOptions = {}): void {
  if (opts.publicUrl !== undefined) targetFromUrl(opts.publicUrl); // fail at start-up, not per request
  const publish: PublishOptions = opts.triggers === undefined ? {} : { triggers: opts.triggers };
  const docs = renderDocsPage(publish);
  app.get('/swagger.json', (req, reply) =>
    reply.type('application/json').send(buildSwagger(targetOf(req, opts), publish)),
  );
  app.get('/openapi.json', (req, reply) =>
    reply.type('application/json').send(buildOpenApi(targetOf(req, opts), publish)),
  );
  app.get('/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(docs));
}
