import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CATALOG } from '../../src/connector/errors.js';
import { operations } from '../../src/connector/operations.js';
import { buildSwagger } from '../../src/connector/definitions/swagger.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';
import { paconnValidator } from './paconn-schema.js';

// The public contract table in DESIGN.md.
const DESIGN_TABLE: [string, string, string][] = [
  ['SendMessage', 'post', '/Messages.json'],
  ['GetMessage', 'get', '/Messages/{MessageId}.json'],
  ['ListMessages', 'get', '/Messages.json'],
  ['ListIncomingPhoneNumbers', 'get', '/IncomingPhoneNumbers.json'],
  ['AddIncomingNumber', 'post', '/IncomingPhoneNumbers.json'],
  ['GetIncomingPhoneNumber', 'get', '/IncomingPhoneNumbers/{IncomingPhoneNumberSid}.json'],
  ['GetAvailableLocalNumbers', 'get', '/AvailablePhoneNumbers/{IsoCountryCode}/Local.json'],
  ['GetAvailableTollFreeNumbers', 'get', '/AvailablePhoneNumbers/{IsoCountryCode}/TollFree.json'],
  ['GetAvailableMobileNumbers', 'get', '/AvailablePhoneNumbers/{IsoCountryCode}/Mobile.json'],
  ['ListUsage', 'get', '/Usage/Records.json'],
];

describe('Swagger 2.0 definition', () => {
  const validate = paconnValidator();

  it('is valid against the Power Platform definition schema', () => {
    const doc = buildSwagger({ host: 'connector.example.com', basePath: '/', scheme: 'https' });
    const ok = validate(doc);
    assert.ok(ok, JSON.stringify(validate.errorsOf()?.slice(0, 5), null, 2));
  });

  it('the schema check is not vacuous: a broken definition fails it', () => {
    const doc: any = buildSwagger();
    doc.paths['/Messages.json'].get['x-ms-visibility'] = 'hidden';
    assert.equal(validate(doc), false);
    const doc2: any = buildSwagger();
    doc2.paths['/Messages.json'].post.parameters[0].schema.anyOf = [];
    assert.equal(validate(doc2), false);
  });

  it('has every operation of the public contract at its method and path', () => {
    const doc: any = buildSwagger();
    for (const [id, method, path] of DESIGN_TABLE) {
      assert.equal(doc.paths[path]?.[method]?.operationId, id, `${method} ${path}`);
    }
    assert.equal(doc.paths['/Usage/Records/{SubResource}.json'].get.operationId, 'ListUsageBySubResource');
    const ids = operations.map((o) => o.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('uses the host, base path and scheme it is given', () => {
    const doc: any = buildSwagger({ host: 'twilio.example.org:8443', basePath: '/conn', scheme: 'https' });
    assert.equal(doc.host, 'twilio.example.org:8443');
    assert.equal(doc.basePath, '/conn');
    assert.deepEqual(doc.schemes, ['https']);
    assert.ok(validate(doc));
  });

  it('labels the connection and the designer fields', () => {
    const doc: any = buildSwagger();
    assert.deepEqual(doc.security, [{ basic_auth: [] }]);
    assert.equal(doc.securityDefinitions.basic_auth.type, 'basic');
    assert.match(doc.securityDefinitions.basic_auth.description, /Account SID.*Auth Token/);
    const send = doc.paths['/Messages.json'].post;
    const from = send.parameters[0].schema.properties.from;
    assert.deepEqual(from['x-ms-dynamic-values'], {
      operationId: 'ListIncomingPhoneNumbers',
      'value-collection': 'incoming_phone_numbers',
      'value-path': 'phone_number',
      'value-title': 'friendly_name',
    });
    assert.equal(from['x-ms-summary'], 'From phone number');
    assert.deepEqual(send.parameters[0].schema.required, ['to']);
    const list = doc.paths['/Messages.json'].get;
    assert.deepEqual(list['x-ms-pageable'], { nextLinkName: 'next_page_uri' });
    const byName: Record<string, any> = {};
    for (const p of list.parameters) byName[p.name] = p;
    assert.equal(byName.PageSize['x-ms-visibility'], 'advanced');
    assert.equal(byName.PageSize.default, 50);
    assert.equal(byName.Page['x-ms-visibility'], 'advanced');
    assert.equal(byName.Page.default, 0);
    assert.equal(byName.To['x-ms-summary'], 'To phone number');
    assert.ok(byName['DateSent<'] && byName['DateSent>']);
    assert.equal(list.responses['200'].schema.$ref, '#/definitions/MessageList');
    assert.ok(doc['x-ms-connector-metadata'].some((m: any) => m.propertyName === 'Categories'));
    assert.deepEqual(doc.definitions.ErrorEnvelope.properties.error.properties.code.enum, Object.keys(ERROR_CATALOG));
  });

  it('publishes SendMessage’s Idempotency-Key header and its 409 / 422 answers', () => {
    const doc: any = buildSwagger();
    const send = doc.paths['/Messages.json'].post;
    const header = send.parameters.find((p: any) => p.name === 'Idempotency-Key');
    assert.ok(header, 'an Idempotency-Key parameter');
    assert.equal(header.in, 'header');
    assert.equal(header.required, false);
    assert.equal(header.type, 'string');
    assert.equal(header['x-ms-summary'], 'Idempotency key');
    assert.equal(header['x-ms-visibility'], 'advanced');
    assert.match(header.description, /24 hours/);
    assert.equal(send.parameters[0].in, 'body', 'the message fields come first in the designer');
    for (const status of ['409', '422']) {
      assert.equal(send.responses[status].schema.$ref, '#/definitions/ErrorEnvelope', status);
    }
    assert.match(send.responses['409'].description, /IDEMPOTENCY_IN_PROGRESS/);
    assert.match(send.responses['422'].description, /IDEMPOTENCY_KEY_REUSED/);
    assert.ok(new RegExp(header.pattern).test('run-2024-01-01T00:00:00Z'));
    assert.equal(new RegExp(header.pattern).test('has space'), false);
    assert.ok(validate(doc), JSON.stringify(validate.errorsOf()?.slice(0, 5), null, 2));
  });

  it('publishes the trigger operations valid against the schema once they are enabled', () => {
    const doc: any = buildSwagger(undefined, { triggers: true });
    assert.ok(validate(doc), JSON.stringify(validate.errorsOf()?.slice(0, 5), null, 2));
    const polling = doc.paths['/triggers/messages/received'].get;
    assert.equal(polling['x-ms-trigger'], 'batch');
    assert.deepEqual(polling['x-ms-trigger-metadata'], { kind: 'query', mode: 'polling' });
    const hook = doc.paths['/subscriptions/messages/received'];
    assert.equal(hook.post['x-ms-trigger'], 'single');
    assert.equal(hook['x-ms-notification-content'].schema.$ref, '#/definitions/ReceivedMessage');
    // the received event is a Message with its media and, over WhatsApp, WhatsApp's fields
    const received = doc.definitions.ReceivedMessage.properties;
    for (const key of Object.keys(doc.definitions.Message.properties)) assert.ok(received[key], key);
    assert.equal(received.whatsapp.$ref, '#/definitions/WhatsAppFields');
    const wa = doc.definitions.WhatsAppFields.properties;
    for (const key of ['wa_id', 'profile_name', 'message_type', 'button_payload', 'latitude']) assert.ok(wa[key], key);
    assert.equal(
      doc.paths['/subscriptions/messages/status']['x-ms-notification-content'].schema.$ref,
      '#/definitions/Message',
    );
    assert.equal(hook.post.parameters[0].schema.properties.callbackUrl['x-ms-notification-url'], true);
    assert.equal(hook.post.parameters[0].schema.properties.callbackUrl['x-ms-visibility'], 'internal');
    assert.equal(doc.paths['/subscriptions/{SubscriptionId}'].delete['x-ms-visibility'], 'internal');
    const optOut = doc.paths['/subscriptions/messages/optout'];
    assert.equal(optOut.post.operationId, 'OnOptOutChanged');
    assert.equal(optOut.post['x-ms-trigger'], 'single');
    assert.equal(optOut.post.summary, 'When a recipient opts out or back in');
    assert.equal(optOut['x-ms-notification-content'].schema.$ref, '#/definitions/OptOutEvent');
    assert.equal(optOut.post.parameters[0].schema.properties.callbackUrl['x-ms-notification-url'], true);
    assert.deepEqual(doc.definitions.OptOutEvent.properties.type.enum, ['opt-out', 'opt-in', 'help']);
    const actionsOnly: any = buildSwagger();
    assert.equal(actionsOnly.paths['/triggers/messages/received'], undefined);
  });

  it('gives every parameter and body field a designer label and a description', () => {
    const doc: any = buildSwagger(undefined, { triggers: true });
    const unlabeled: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (typeof op !== 'object' || !op.operationId) continue;
        if (!op.summary || !op.description) unlabeled.push(`${method} ${path}`);
        for (const p of op.parameters) {
          if (!p['x-ms-summary'] || !p.description) unlabeled.push(`${op.operationId}.${p.name}`);
          for (const [name, prop] of Object.entries<any>(p.schema?.properties ?? {})) {
            if (!prop['x-ms-summary'] || !prop.description) unlabeled.push(`${op.operationId}.${name}`);
          }
        }
      }
    }
    assert.deepEqual(unlabeled, []);
  });

  it('every $ref points at a definition', () => {
    const doc: any = buildSwagger(undefined, { triggers: true });
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 10);
    for (const r of refs) {
      const name = r.slice('"$ref":"#/definitions/'.length, -1);
      assert.ok(doc.definitions[name], r);
    }
  });
});

describe('the running connector’s /swagger.json', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector({}, { publishTriggers: true });
  });
  after(() => h.close());

  it('is valid, points at the connector and lists actions and triggers', async () => {
    const validate = paconnValidator();
    const res = await h.call('GET', '/swagger.json', { auth: null });
    assert.equal(res.status, 200);
    const doc = await json(res);
    assert.ok(validate(doc), JSON.stringify(validate.errorsOf()?.slice(0, 5), null, 2));
    assert.equal(doc.host, new URL(h.url).host);
    const ids: string[] = [];
    for (const item of Object.values<any>(doc.paths))
      for (const op of Object.values<any>(item)) ids.push(String(op.operationId));
    for (const [id] of DESIGN_TABLE) assert.ok(ids.includes(id), id);
    assert.ok(ids.includes('OnMessageReceived') && ids.includes('OnMessageReceivedPoll'));
  });
});
