// GET / — where a newcomer lands after opening the connector's address: what it is, links to the
// reference, the definitions, health and (with the embedded sandbox) the inbox, and the one curl
// that proves a connection. HTML for browsers, the same facts as JSON for API clients.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrl, preferredType } from '../routes/context.js';
import type { ConnectorConfig } from '../config.js';
import { escapeHtml as e } from './docs-page.js';
import { CONNECTOR_DESCRIPTION, CONNECTOR_VERSION } from './info.js';

export interface IndexFacts {
  name: string;
  version: string;
  description: string;
  links: { docs: string; swagger: string; openapi: string; health: string; inbox?: string };
  connect: { authentication: string; example: string };
}

export function indexFacts(base: string, sandboxUrl: string | undefined): IndexFacts {
  const example =
    `curl -s -u "$ACCOUNT_SID:$AUTH_TOKEN" -H 'content-type: application/json' ` +
    `-d '{"from":"+14155550100","to":"+14155550123","body":"Hello"}' ${base}/Messages.json`;
  return {
    name: 'Twilio connector',
    version: CONNECTOR_VERSION,
    description: CONNECTOR_DESCRIPTION,
    links: {
      docs: `${base}/docs`,
      swagger: `${base}/swagger.json`,
      openapi: `${base}/openapi.json`,
      health: `${base}/health`,
      ...(sandboxUrl === undefined ? {} : { inbox: `${sandboxUrl}/` }),
    },
    connect: {
      authentication:
        'HTTP Basic: your Twilio Account SID (AC…) as user name and its Auth Token as password, on every call',
      example,
    },
  };
}

export function renderIndexPage(f: IndexFacts): string {
  const link = (href: string, text: string, what: string): string =>
    `<li><a href="${e(href)}">${e(text)}</a> — ${e(what)}</li>`;
  const inbox =
    f.links.inbox === undefined
      ? ''
      : link(
          f.links.inbox,
          'Sandbox inbox',
          'the embedded sandbox: its messages, and its Account SID and Auth Token under Settings & credentials',
        );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(f.name)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
pre{background:#f4f4f6;padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
h1 small{font-weight:normal;color:#666;font-size:.6em}a{color:#b3122e}</style></head>
<body><main>
<h1>${e(f.name)} <small>${e(f.version)}</small></h1>
<p>${e(f.description)}</p>
<ul>
${link(f.links.docs, 'API reference', 'every action and trigger, with a form to try each one')}
${link(f.links.swagger, 'swagger.json', 'Swagger 2.0 to import as a Power Automate / Logic Apps custom connector')}
${link(f.links.openapi, 'openapi.json', 'OpenAPI 3.1 for other tools')}
${link(f.links.health, 'health', 'is the connector up, and which upstream it calls')}
${inbox}
</ul>
<h2>Connect</h2>
<p>${e(f.connect.authentication)}. Send a message:</p>
<pre><code>${e(f.connect.example)}</code></pre>
</main></body></html>`;
}

export function registerIndexPage(app: FastifyInstance, config: ConnectorConfig, sandboxUrl: string | undefined): void {
  app.get('/', { config: { operation: 'Index' } }, (request: FastifyRequest, reply) => {
    const facts = indexFacts(baseUrl(config, request), sandboxUrl);
    void reply.header('vary', 'accept');
    if (preferredType(request.headers.accept ?? '') === 'text/html') {
      return reply.type('text/html; charset=utf-8').send(renderIndexPage(facts));
    }
    return reply.type('application/json; charset=utf-8').send(facts);
  });
}
