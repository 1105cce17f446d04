// The Power Platform certification rules that can be checked offline, one test per rule, on the
// Swagger 2.0 definition with its triggers (what `serve` publishes), plus the two rules only a
// running connector can prove: the test-connection operation works with the parameters it is
// published with, and every 2xx answer with a body matches the schema published for it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { buildConnector } from '../../src/connector/app.js';
import { authenticate } from '../../src/connector/auth.js';
import { connectorConfig } from '../../src/connector/config.js';
import { buildOpenApi } from '../../src/connector/definitions/openapi.js';
import { buildSwagger } from '../../src/connector/definitions/swagger.js';
import { stripAnnotations } from '../../src/connector/schemas/route-schemas.js';
import { resolveSecretKey, triggersPlugin } from '../../src/connector/triggers/index.js';
import { openStore, type ConnectorStore } from '../../src/store/index.js';
import { basic, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const doc: any = buildSwagger({ host: 'connector.example.com', basePath: '/', scheme: 'https' }, { triggers: true });
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations: { method: string; path: string; op: any }[] = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
  Object.entries<any>(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ method, path, op })),
);
const POWER_PLATFORM_PRODUCTS = /power\s*(automate|apps|platform|bi)|logic\s*apps|copilot\s*studio|microsoft\s*flow/i;
/** The categories Power Platform offers for x-ms-connector-metadata. */
const CATEGORIES = new Set([
  'AI',
  'Business Management',
  'Business Intelligence',
  'Collaboration',
  'Commerce',
  'Communication',
  'Content and Files',
  'Finance',
  'Data',
  'Human Resources',
  'Internet of Things',
  'IT Operations',
  'Lifestyle and Entertainment',
  'Marketing',
  'Productivity',
  'Sales and CRM',
  'Security',
  'Social Media',
  'Website',
]);

describe('Power Platform certification rules (offline)', () => {
  it('title: at most 30 characters, without "API" or "Connector"', () => {
    const title: string = doc.info.title;
    assert.ok(title.length > 0 && title.length <= 30, title);
    assert.doesNotMatch(title, /\bAPI\b/i);
    assert.doesNotMatch(title, /connector/i);
  });

  it('description: 30 to 500 characters, without "API" or a Power Platform product', () => {
    const description: string = doc.info.description;
    assert.ok(description.length >= 30 && description.length <= 500, String(description.length));
    assert.doesNotMatch(description, /\bAPI\b/i);
    assert.doesNotMatch(description, POWER_PLATFORM_PRODUCTS);
  });

  it('operation summaries: present, at most 80 characters, no slash, no trailing punctuation', () => {
    assert.ok(operations.length >= 14);
    for (const { op } of operations) {
      const summary: string = op.summary;
      assert.ok(summary.length > 0 && summary.length <= 80, op.operationId);
      assert.ok(!summary.includes('/'), op.operationId);
      assert.match(summary, /[A-Za-z0-9)]$/, op.operationId);
    }
  });

  it('operation descriptions: every operation has one that says more than its summary', () => {
    for (const { op } of operations) {
      assert.equal(typeof op.description, 'string', op.operationId);
      assert.ok(op.description.length >= 20, op.operationId);
      assert.notEqual(op.description, op.summary, op.operationId);
      assert.doesNotMatch(op.description, /\bAPI\b/, op.operationId);
    }
  });

  it('x-ms-connector-metadata: a Website and a Privacy policy (https), and known Categories', () => {
    const meta = new Map<string, string>(
      doc['x-ms-connector-metadata'].map((m: { propertyName: string; propertyValue: string }) => [
        m.propertyName,
        m.propertyValue,
      ]),
    );
    for (const name of ['Website', 'Privacy policy']) assert.match(meta.get(name) ?? '', /^https:\/\/[^\s]+$/, name);
    const categories = (meta.get('Categories') ?? '').split(';');
    assert.ok(categories.length > 0 && categories.every((c) => CATEGORIES.has(c)), meta.get('Categories'));
  });

  it('x-ms-capabilities.testConnection: an existing GET whose fixed parameters are declared and valid', () => {
    const test = doc['x-ms-capabilities']?.testConnection;
    assert.ok(test !== undefined, 'testConnection is published');
    const found = operations.find((o) => o.op.operationId === test.operationId);
    assert.ok(found !== undefined, `${test.operationId} exists`);
    assert.equal(found.method, 'get');
    const params: { name: string; required?: boolean }[] = found.op.parameters;
    const declared = new Map<string, any>(params.map((p) => [p.name, p]));
    for (const p of declared.values()) {
      if (p.required === true) assert.ok(p.name in test.parameters, `required ${p.name} is given`);
    }
    const ajv = new Ajv({ strict: false });
    for (const [name, value] of Object.entries(test.parameters)) {
      const p = declared.get(name);
      assert.ok(p !== undefined, `${name} is a parameter of ${test.operationId}`);
      const { name: _n, in: _i, required: _r, ...schema } = p;
      assert.ok(ajv.validate(stripAnnotations(schema) as object, value), `${name}=${String(value)}`);
    }
  });

  it('x-ms-trigger-hint: every trigger tells the user how to fire it', () => {
    const triggers = operations.filter((o) => o.op['x-ms-trigger'] !== undefined);
    assert.deepEqual(triggers.map((o) => String(o.op.operationId)).sort(), [
      'OnMessageReceived',
      'OnMessageReceivedPoll',
      'OnMessageStatusChanged',
      'OnOptOutChanged',
    ]);
    for (const { op } of triggers) {
      assert.equal(typeof op['x-ms-trigger-hint'], 'string', op.operationId);
      assert.ok(op['x-ms-trigger-hint'].length > 0, op.operationId);
    }
  });

  it('response schemas: every 2xx that carries a body has one (202 and 204 carry none)', () => {
    for (const { op } of operations) {
      const ok = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
      assert.ok(ok.length > 0, op.operationId);
      for (const status of ok) {
        const r = op.responses[status];
        if (status === '202' || status === '204') assert.equal(r.schema, undefined, `${op.operationId} ${status}`);
        else assert.ok(r.schema !== undefined, `${op.operationId} ${status} has a schema`);
      }
    }
  });

  it('path parameters say how they are URL-encoded', () => {
    for (const { op } of operations) {
      for (const p of op.parameters.filter((x: any) => x.in === 'path')) {
        assert.equal(p['x-ms-url-encoding'], 'single', `${op.operationId} ${p.name}`);
      }
    }
  });
});

describe('Power Platform certification rules (against a running connector)', () => {
  let sb: TestSandbox;
  let store: ConnectorStore;
  let app: FastifyInstance;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'tc-cert-'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const schemas = (buildOpenApi(undefined, { triggers: true }) as any).components.schemas as Record<string, object>;
  /** A published response schema (OpenAPI's, where nullable fields say so) with its top level closed. */
  const exact = (name: string) =>
    ajv.compile({ ...schemas[name], additionalProperties: false, components: { schemas }, $id: `urn:exact:${name}` });

  before(async () => {
    sb = await startSandbox();
    store = await openStore({ dataDir: dir });
    const config = connectorConfig();
    app = buildConnector(config, {
      upstreamUrl: sb.url,
      publishTriggers: true,
      plugins: [
        triggersPlugin({
          store,
          authenticate: (req) => authenticate(config, req),
          upstreamUrl: sb.url,
          secretKey: resolveSecretKey({ dataDir: dir, sandboxUpstream: true }),
        }),
      ],
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await store.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the test connection answers 200 for good credentials and 401 for a wrong Auth Token', async () => {
    const served: any = await json(await fetch(`${url}/swagger.json`));
    const test = served['x-ms-capabilities'].testConnection;
    const [path] = Object.entries<any>(served.paths).find(([, item]) => item.get?.operationId === test.operationId)!;
    const query = new URLSearchParams(
      Object.entries(test.parameters as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const good = await fetch(`${url}${path}?${query}`, {
      headers: { authorization: basic(sb.accountSid, sb.authToken) },
    });
    assert.equal(good.status, 200);
    const page = await json(good);
    const validatePage = exact('IncomingPhoneNumberList');
    assert.ok(validatePage({ ...page }), JSON.stringify(validatePage.errors));
    assert.ok(page.incoming_phone_numbers.length <= 1);
    const bad = await fetch(`${url}${path}?${query}`, {
      headers: { authorization: basic(sb.accountSid, 'x'.repeat(32)) },
    });
    assert.equal(bad.status, 401);
  });

  it('a subscription’s 201 answer is exactly the published Subscription; its DELETE answers 204 with no body', async () => {
    const validate = exact('Subscription');
    const headers = { authorization: basic(sb.accountSid, sb.authToken), 'content-type': 'application/json' };
    for (const [path, body] of [
      [
        '/subscriptions/messages/status',
        { callbackUrl: 'http://127.0.0.1:9/s', statuses: ['delivered'], from: sb.phoneNumber },
      ],
      ['/subscriptions/messages/received', { callbackUrl: 'http://127.0.0.1:9/r', autoReply: 'Thanks' }],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      assert.equal(res.status, 201);
      const created = await json(res);
      assert.ok(validate({ ...created }), `${path}: ${JSON.stringify(validate.errors)}`);
      assert.equal(created.location, res.headers.get('location'));
      const del = await fetch(created.location, { method: 'DELETE', headers });
      assert.equal(del.status, 204);
      assert.equal(await del.text(), '');
    }
  });
});
