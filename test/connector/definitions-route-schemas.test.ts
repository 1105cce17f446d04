import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { operations, triggerOperations } from '../../src/connector/operations.js';
import { fastifyPath, routeSchemasFor } from '../../src/connector/schemas/route-schemas.js';
import { formatValidationErrors } from '../../src/connector/schemas/validation-messages.js';
import { json } from '../helpers/sandbox.js';

// A bare Fastify app whose routes only echo what validation let through: it shows the schemas the
// runtime mounts accept and reject the same inputs the published definitions describe.
describe('connector route schemas under Fastify', () => {
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    app = Fastify({
      schemaErrorFormatter: (errors, dataVar) => new Error(formatValidationErrors(errors, dataVar)),
    });
    for (const op of [...operations, ...triggerOperations]) {
      app.route({
        method: op.method.toUpperCase(),
        url: fastifyPath(op.path),
        schema: routeSchemasFor(op),
        handler: (req) => ({
          operationId: op.operationId,
          params: req.params,
          query: req.query,
          body: req.body ?? null,
        }),
      });
    }
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => app.close());

  const send = (body: unknown): Promise<Response> =>
    fetch(`${base}/Messages.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('accepts a plain SMS and a Messaging Service send without from', async () => {
    const res = await send({ from: '+15005550006', to: '+14155552671', body: 'hi' });
    assert.equal(res.status, 200);
    assert.equal((await json(res)).operationId, 'SendMessage');
    const svc = await send({ messaging_service_sid: `MG${'a'.repeat(32)}`, to: 'whatsapp:+14155552671', body: 'hi' });
    assert.equal(svc.status, 200);
    const media = await send({ from: '+15005550006', to: '+14155552671', media_url: ['https://example.com/a.png'] });
    assert.equal(media.status, 200);
  });

  it('rejects bad sends with a 400 that names the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ to: '+14155552671', body: 'hi' }, /^body\.from is required$/],
      [{ from: '+15005550006', body: 'hi' }, /^body\.to is required$/],
      [{ from: '+15005550006', to: '+14155552671' }, /^body\.body is required$/],
      [{ from: '+15005550006', to: 'four one five', body: 'hi' }, /^body\.to must be a phone number/],
      [
        { from: '+15005550006', to: '+14155552671', body: 'x'.repeat(1601) },
        /^body\.body must be at most 1600 characters/,
      ],
      [
        { from: '+15005550006', to: '+14155552671', media_url: Array(11).fill('https://e.com/a.png') },
        /^body\.media_url must have at most 10 items/,
      ],
      [
        { from: '+15005550006', to: '+14155552671', media_url: ['ftp://e.com/a'] },
        /^body\.media_url\[0\] must be an absolute http/,
      ],
      ['not an object', /^body must be of type object$/],
      [
        { from: '+15005550006', to: '+14155552671', body: 'hi', medai_url: ['https://e.com/a'] },
        /`medai_url` is not a field of the body; did you mean `media_url`\?/,
      ],
    ];
    for (const [body, field] of cases) {
      const res = await send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match((await json(res)).message, field);
    }
  });

  it('validates path parameters and fills query defaults', async () => {
    const bad = await fetch(`${base}/Messages/not-a-sid.json`);
    assert.equal(bad.status, 400);
    assert.match((await json(bad)).message, /^params\.MessageId must be a message SID/);
    const sid = `SM${'0'.repeat(32)}`;
    const good = await json(await fetch(`${base}/Messages/${sid}.json`));
    assert.deepEqual(good.params, { MessageId: sid });
    const list = await json(await fetch(`${base}/Messages.json?To=%2B14155552671&DateSent%3C=2024-01-31`));
    assert.deepEqual(list.query, { To: '+14155552671', 'DateSent<': '2024-01-31', PageSize: 50, Page: 0 });
    const tooBig = await fetch(`${base}/Messages.json?PageSize=1001`);
    assert.equal(tooBig.status, 400);
  });

  it('requires PhoneNumber or AreaCode to buy a number', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/IncomingPhoneNumbers.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await post({ AreaCode: '415' })).status, 200);
    assert.equal((await post({ PhoneNumber: '+14155552671', FriendlyName: 'x' })).status, 200);
    const none = await post({ FriendlyName: 'x' });
    assert.equal(none.status, 400);
    assert.equal((await json(none)).message, 'body.PhoneNumber is required');
  });

  it('routes usage sub-resources and rejects unknown periods', async () => {
    const ok = await json(await fetch(`${base}/Usage/Records/Daily.json?Category=sms`));
    assert.equal(ok.operationId, 'ListUsageBySubResource');
    assert.equal((await fetch(`${base}/Usage/Records/Hourly.json`)).status, 400);
    assert.equal((await fetch(`${base}/AvailablePhoneNumbers/USA/Local.json`)).status, 400);
  });

  it('validates trigger subscriptions', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post('/subscriptions/messages/received', {
      callbackUrl: 'https://flow.example.com/cb',
      to: '+14155552671',
    });
    assert.equal((await json(ok)).operationId, 'OnMessageReceived');
    const noUrl = await post('/subscriptions/messages/received', { to: '+14155552671' });
    assert.equal(noUrl.status, 400);
    assert.equal((await json(noUrl)).message, 'body.callbackUrl is required');
    const badStatus = await post('/subscriptions/messages/status', {
      callbackUrl: 'https://f.example.com/',
      status: 'lost',
    });
    assert.equal(badStatus.status, 400);
    assert.match((await json(badStatus)).message, /^body\.status must be one of: queued/);
    const del = await fetch(`${base}/subscriptions/${crypto.randomUUID()}`, { method: 'DELETE' });
    assert.equal((await json(del)).operationId, 'DeleteSubscription');
  });
});
