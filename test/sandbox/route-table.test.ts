import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { requestGuard } from '../../src/sandbox/guard.js';
import { RouteTable, type Product } from '../../src/sandbox/routes/table.js';
import { TwilioRestError } from '../../src/sandbox/twilio-wire/errors.js';
import { basic, CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const TWILIO_ERROR_KEYS = ['code', 'message', 'more_info', 'status'];

describe('sandbox route table: one 405 path for every surface', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  it('answers a method a control or inbox path lacks with 405, Allow and Twilio JSON', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/_sandbox/settings', 'GET, HEAD, PUT, PATCH'],
      ['GET', '/_sandbox/reset', 'POST'],
      ['PUT', '/_sandbox/messages/SM00000000000000000000000000000000', 'GET, HEAD, DELETE'],
      ['POST', '/', 'GET, HEAD'],
      ['DELETE', '/ui/app.js', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(sb.url + path, { method, headers: CONTROL });
      const label = `${method} ${path}`;
      assert.equal(res.status, 405, label);
      assert.equal(res.headers.get('allow'), allow, label);
      const body = await json(res);
      assert.deepEqual(Object.keys(body).sort(), TWILIO_ERROR_KEYS, label);
      assert.equal(body.code, 20004, label);
    }
  });

  it('still refuses a cross-site control request before telling it the method is wrong', async () => {
    const res = await fetch(`${sb.url}/_sandbox/settings`, { method: 'DELETE' });
    assert.equal(res.status, 403);
    assert.equal((await json(res)).code, 20403);
  });
});

describe('sandbox route table: a new product gets its surface for free', () => {
  let sb: TestSandbox;
  let app: FastifyInstance;
  let url: string;
  const widgets: Product = (routes) => {
    routes.v1('GET', '/v1/Widgets', (req) => ({ status: 200, body: { widgets: [], account: req.account.sid } }));
    routes.v1('GET', '/v1/Widgets/:Sid', (req) => {
      throw new TwilioRestError(404, 20404, `The requested resource ${req.path} was not found`);
    });
    routes.control('POST', '/_sandbox/widgets', (request) => {
      if (request.headers['x-fail'] === '1') throw new TwilioRestError(400, 20001, 'no widgets today');
      return { made: true };
    });
  };

  before(async () => {
    sb = await startSandbox();
    app = Fastify();
    app.addHook('onRequest', requestGuard(sb.sandbox.ctx.config));
    const routes = new RouteTable(app, sb.sandbox.ctx);
    widgets(routes, sb.sandbox.ctx);
    routes.finish();
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await sb.close();
  });

  const auth = () => ({ authorization: basic(sb.accountSid, sb.authToken) });

  it('authenticates v1 routes with the account credentials, and answers in JSON', async () => {
    const ok = await fetch(`${url}/v1/Widgets`, { headers: auth() });
    assert.equal(ok.status, 200);
    assert.deepEqual(await json(ok), { widgets: [], account: sb.accountSid });
    const anonymous = await fetch(`${url}/v1/Widgets`);
    assert.equal(anonymous.status, 401);
    assert.equal((await json(anonymous)).code, 20003);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/);
    const missing = await fetch(`${url}/v1/Widgets/WG1`, { headers: auth() });
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(await json(missing)).sort(), TWILIO_ERROR_KEYS);
  });

  it('answers 405 with Allow (and OPTIONS on Twilio paths), and the CORS preflight', async () => {
    const res = await fetch(`${url}/v1/Widgets`, { method: 'DELETE', headers: auth() });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal((await fetch(`${url}/v1/Widgets`, { method: 'OPTIONS' })).status, 204);
    const control = await fetch(`${url}/_sandbox/widgets`, { method: 'GET' });
    assert.equal(control.status, 405);
    assert.equal(control.headers.get('allow'), 'POST');
  });

  it('puts control routes behind the request guard and answers their errors in Twilio JSON', async () => {
    const foreign = await fetch(`${url}/_sandbox/widgets`, { method: 'POST' });
    assert.equal(foreign.status, 403, 'a form-less POST without the control header is one any page could send');
    const made = await fetch(`${url}/_sandbox/widgets`, { method: 'POST', headers: CONTROL });
    assert.equal(made.status, 200);
    assert.deepEqual(await json(made), { made: true });
    const refused = await fetch(`${url}/_sandbox/widgets`, { method: 'POST', headers: { ...CONTROL, 'x-fail': '1' } });
    assert.equal(refused.status, 400);
    assert.deepEqual(await json(refused), {
      code: 20001,
      message: 'no widgets today',
      more_info: 'https://www.twilio.com/docs/errors/20001',
      status: 400,
    });
  });

  it('refuses a path declared on the wrong surface, or a route declared twice', () => {
    const routes = new RouteTable(Fastify(), sb.sandbox.ctx);
    assert.throws(() => routes.control('GET', '/v1/Widgets', () => ({})), /cannot be declared on the control surface/);
    assert.throws(() => routes.v1('GET', '/_sandbox/x', () => null), /cannot be declared on the v1 surface/);
    assert.throws(() => routes.page('GET', '/_sandbox/x', () => ''), /cannot be declared on the page surface/);
    routes.page('GET', '/widgets', () => '');
    assert.throws(() => routes.page('GET', '/widgets', () => ''), /declared twice/);
  });

  it('refuses a route added around the table, which the request guard would not know', () => {
    const app = Fastify();
    new RouteTable(app, sb.sandbox.ctx);
    assert.throws(() => app.get('/_sandbox/around', () => ({})), /must be declared on the route table/);
  });
});
