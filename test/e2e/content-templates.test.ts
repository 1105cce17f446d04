// Content templates through the whole chain: the designer's calls (the dynamic values of
// content_sid, the dynamic schema of content_variables), ListContentTemplates paging, a workflow's
// send with a template (object or JSON-string variables, JSON and XML), and Twilio's errors in the
// connector's envelope.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSwagger } from '../../src/connector/definitions/swagger.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from '../connector/harness.js';

describe('e2e: Content templates through the connector', () => {
  let h: Harness;
  let orderSid: string;
  let welcomeSid: string;
  before(async () => {
    h = await startConnector();
    h.sb.client.content.baseUrl = h.sb.url;
    const order = await h.sb.client.content.v1.contents.create({
      friendly_name: 'order_update',
      language: 'en',
      variables: { '1': 'customer' },
      types: {
        'twilio/text': { body: 'Hi {{1}}, order {{order_id}} has shipped.' },
        'twilio/quick-reply': {
          body: 'Hi {{1}}, order {{order_id}} has shipped.',
          actions: [{ title: 'Track', id: 'track' }],
        },
      },
    } as any);
    orderSid = order.sid;
    const welcome = await h.sb.client.content.v1.contents.create({
      friendly_name: 'welcome',
      language: 'en',
      types: { 'twilio/text': { body: 'Welcome!' } },
    } as any);
    welcomeSid = welcome.sid;
    await fetch(`${h.sb.url}/_sandbox/content/${orderSid}/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'approved' }),
    });
  });
  after(() => h.close());

  it('offers the templates the way the definition tells the designer to read them', async () => {
    const doc: any = buildSwagger();
    const field = doc.definitions.SendMessageRequest.properties.content_sid;
    const dyn = field['x-ms-dynamic-values'];
    assert.equal(dyn.operationId, 'ListContentTemplates');
    const op = Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
      Object.values(item)
        .filter((o: any) => o?.operationId === dyn.operationId)
        .map(() => path),
    );
    assert.deepEqual(op, ['/ContentTemplates.json']);

    const res = await h.call('GET', '/ContentTemplates.json');
    const body = await json(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    const collection: Record<string, unknown>[] = body[dyn['value-collection']];
    const offered = collection.map((t) => [t[dyn['value-path']], t[dyn['value-title']]]);
    assert.deepEqual(offered, [
      [welcomeSid, 'welcome'],
      [orderSid, 'order_update'],
    ]);
    const order = body.content_templates.find((t: any) => t.sid === orderSid);
    assert.equal(order.approval_status, 'approved');
    assert.equal(body.content_templates.find((t: any) => t.sid === welcomeSid).approval_status, 'unsubmitted');
  });

  it('pages ListContentTemplates with links back to the connector', async () => {
    const first = await json(await h.call('GET', '/ContentTemplates.json?PageSize=1'));
    assert.equal(first.content_templates.length, 1);
    assert.ok(first.next_page_uri.startsWith(`${h.url}/ContentTemplates.json?`), first.next_page_uri);
    const next = await h.call('GET', first.next_page_uri.slice(h.url.length));
    const second = await json(next);
    assert.equal(next.status, 200, JSON.stringify(second));
    assert.equal(second.content_templates[0].sid, orderSid);
    assert.equal(second.next_page_uri, null);

    const xml = await h.call('GET', '/ContentTemplates.xml');
    assert.equal(xml.status, 200);
    assert.match(xml.headers.get('content-type') ?? '', /xml/);
    assert.match(await xml.text(), new RegExp(`<sid>${orderSid}</sid>`));
  });

  it('describes a template’s variables as named fields (x-ms-dynamic-schema)', async () => {
    const doc: any = buildSwagger();
    const dyn = doc.definitions.SendMessageRequest.properties.content_variables['x-ms-dynamic-schema'];
    assert.equal(dyn.operationId, 'GetContentTemplateVariables');
    assert.deepEqual(dyn.parameters, { ContentSid: { parameter: 'content_sid' } });
    assert.equal(doc.paths['/ContentTemplates/{ContentSid}/Variables.json'].get.operationId, dyn.operationId);

    const res = await h.call('GET', `/ContentTemplates/${orderSid}/Variables.json`);
    const body = await json(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    const schema = body[dyn['value-path']];
    assert.deepEqual(Object.keys(schema.properties), ['1', 'order_id']);
    assert.equal(schema.properties['1'].description, 'Default: customer');
    assert.deepEqual(schema.required, ['order_id']);

    const missing = await h.call('GET', '/ContentTemplates/HX00000000000000000000000000000000/Variables.json');
    assert.equal(missing.status, 404);
    const bad = await h.call('GET', '/ContentTemplates/nope/Variables.json');
    assert.equal(bad.status, 400);
  });

  it('sends a template from a workflow, with object or JSON-string variables', async () => {
    const res = await h.call('POST', '/Messages.json', {
      json: {
        from: `whatsapp:${h.sb.phoneNumber}`,
        to: 'whatsapp:+14155550123',
        content_sid: orderSid,
        content_variables: { '1': 'Ada', order_id: 'A-7' },
      },
    });
    const sent = await json(res);
    assert.equal(res.status, 200, JSON.stringify(sent));
    assert.equal(sent.body, 'Hi Ada, order A-7 has shipped.');
    assert.equal((await h.sb.client.messages(sent.sid).fetch()).body, sent.body);

    const asString = await h.call('POST', '/Messages.json', {
      json: {
        from: h.sb.phoneNumber,
        to: '+14155550123',
        content_sid: orderSid,
        content_variables: JSON.stringify({ order_id: 'B-8' }),
      },
    });
    assert.equal((await json(asString)).body, 'Hi customer, order B-8 has shipped.');

    const xml = await h.call('POST', '/Messages.xml', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', ContentSid: welcomeSid },
    });
    assert.equal(xml.status, 200);
    assert.match(await xml.text(), /<body>Welcome!<\/body>/);
  });

  it('answers bad template sends in the connector’s envelope with Twilio’s code', async () => {
    const unknown = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', content_sid: 'HX00000000000000000000000000000000' },
    });
    const unknownBody = await json(unknown);
    assert.equal(unknown.status, 400);
    assert.equal(unknownBody.error.twilio_code, 21655, JSON.stringify(unknownBody));

    const unfilled = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', content_sid: orderSid },
    });
    assert.equal(unfilled.status, 400);
    assert.equal((await json(unfilled)).error.twilio_code, 21656);

    const notJson = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', content_sid: orderSid, content_variables: '{oops' },
    });
    assert.equal(notJson.status, 400);
    assert.match(JSON.stringify(await json(notJson)), /content_variables/);

    const withoutSid = await h.call('POST', '/Messages.json', {
      json: { from: h.sb.phoneNumber, to: '+14155550123', body: 'x', content_variables: { '1': 'a' } },
    });
    assert.equal(withoutSid.status, 400);
    assert.match(JSON.stringify(await json(withoutSid)), /content_sid/);
  });
});
