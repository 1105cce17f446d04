import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDefinitionRoutes } from '../../src/connector/definitions/routes.js';
import { ERROR_CATALOG } from '../../src/connector/errors.js';
import { operations } from '../../src/connector/operations.js';
import { json } from '../helpers/sandbox.js';

async function serve(
  opts: Parameters<typeof registerDefinitionRoutes>[1],
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  registerDefinitionRoutes(app, opts);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

describe('definition routes', () => {
  let plain: { app: FastifyInstance; url: string };
  let proxied: { app: FastifyInstance; url: string };
  before(async () => {
    plain = await serve({});
    proxied = await serve({ publicUrl: 'https://twilio.example.com/connector/' });
  });
  after(async () => {
    await plain.app.close();
    await proxied.app.close();
  });

  it('GET /swagger.json points back at the host the caller used', async () => {
    const res = await fetch(`${plain.url}/swagger.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const doc = await json(res);
    assert.equal(doc.swagger, '2.0');
    assert.equal(doc.host, new URL(plain.url).host);
    assert.deepEqual(doc.schemes, ['http']);
    assert.equal(doc.basePath, '/');
  });

  it('GET /swagger.json and /openapi.json use --public-url when set', async () => {
    const doc = await json(await fetch(`${proxied.url}/swagger.json`));
    assert.equal(doc.host, 'twilio.example.com');
    assert.equal(doc.basePath, '/connector');
    assert.deepEqual(doc.schemes, ['https']);
    const oas = await json(await fetch(`${proxied.url}/openapi.json`));
    assert.equal(oas.openapi, '3.1.0');
    assert.deepEqual(oas.servers, [{ url: 'https://twilio.example.com/connector' }]);
  });

  it('ignores a Host header that cannot be a Swagger host', async () => {
    const res = await plain.app.inject({ method: 'GET', url: '/swagger.json', headers: { host: 'evil{x}/path' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().host, '127.0.0.1:4300');
  });

  it('GET /docs is a self-contained page naming every operation and model', async () => {
    const res = await fetch(`${plain.url}/docs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    for (const op of operations) {
      assert.ok(html.includes(`id="op-${op.operationId}"`), op.operationId);
      assert.ok(html.includes(op.summary), op.summary);
    }
    for (const model of ['SendMessageRequest', 'Message', 'MessageList', 'ErrorEnvelope', 'AvailablePhoneNumbers']) {
      assert.ok(html.includes(`id="model-${model}"`), model);
    }
    assert.ok(html.includes('<form class="try" data-method="POST" data-path="/Messages.json">'));
    for (const code of Object.keys(ERROR_CATALOG)) assert.ok(html.includes(`<code>${code}</code>`), code);
    assert.ok(html.includes('DateSent&#60;'), 'parameter names are escaped');
    // nothing is loaded from elsewhere: no external scripts, styles or fonts
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)="https?:/);
    assert.doesNotMatch(html, /@import|url\(http/);
  });

  it('rejects an unusable --public-url at registration', () => {
    assert.throws(() => registerDefinitionRoutes(Fastify(), { publicUrl: 'ftp://x' }), /http/);
  });
});
