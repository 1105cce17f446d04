// The Content API v1 through the official SDK (client.content.v1…), its answers checked against
// Twilio's published Content spec, the WhatsApp review and its control API, and Messages sends
// with ContentSid + ContentVariables.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type twilio from 'twilio';
import { bootstrapAccount } from '../../src/sandbox/store/accounts.js';
import { isApprovedWhatsAppTemplate, templateSendOf } from '../../src/sandbox/content/template-send.js';
import { getMessageBySid } from '../../src/sandbox/store/messages.js';
import { json, sdkClient, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Twilio's Content spec as the npm package @twilio-alpha/mcp ships it
const require = createRequire(import.meta.url);
const specPath =
  require.resolve('@twilio-alpha/mcp/package.json').replace(/package\.json$/, '') +
  'twilio-oai/spec/json/twilio_content_v1.json';
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
  components: { schemas: Record<string, Record<string, unknown>> };
  paths: Record<string, any>;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('uri-map', true);

/** The spec's schema, with no property beyond those it names (it allows any by default). */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = closed(v);
  if (typeof out['properties'] === 'object' && out['additionalProperties'] === undefined) {
    // object-valued fields the spec leaves open (types, variables, links, whatsapp) stay open
    out['additionalProperties'] = false;
  }
  return out;
}
ajv.addSchema({ $id: 'content', components: closed(spec.components) as object });
const component = (name: string): ValidateFunction => ajv.getSchema(`content#/components/schemas/${name}`)!;
function responseSchema(path: string, method: string, status: string): ValidateFunction {
  const schema = spec.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
  assert.ok(schema, `${method} ${path} ${status} is in the spec`);
  return ajv.compile(
    JSON.parse(JSON.stringify(closed(schema)).replaceAll('"#/components/', '"content#/components/')) as object,
  );
}
function valid(validate: ValidateFunction, body: unknown): void {
  assert.ok(validate(body), `${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`);
}

async function rejectsWith(call: Promise<unknown>, status: number, code: number): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

describe('sandbox Content API v1 and template sends', () => {
  let sb: TestSandbox;
  let client: twilio.Twilio;
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
    client = sb.client;
    client.content.baseUrl = sb.url;
  });
  after(() => sb.close());

  const control = (method: string, path: string, body: unknown): Promise<Response> =>
    fetch(`${sb.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const orderTemplate = {
    friendly_name: 'order_update',
    language: 'en',
    variables: { '1': 'customer', '2': 'order' },
    types: {
      'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped.' },
      'twilio/quick-reply': {
        body: 'Hi {{1}}, your order {{2}} has shipped.',
        actions: [
          { title: 'Track {{2}}', id: 'track' },
          { title: 'Stop', id: 'stop' },
        ],
      },
    },
  };

  it('creates, fetches, lists and deletes a template through the SDK, as the spec says', async () => {
    const created = await client.content.v1.contents.create(orderTemplate as any);
    assert.match(created.sid, /^HX[0-9a-f]{32}$/);
    assert.equal(created.friendlyName, 'order_update');
    assert.equal(created.language, 'en');
    assert.deepEqual(created.variables, orderTemplate.variables);
    assert.deepEqual(created.types, orderTemplate.types);
    assert.equal(created.accountSid, sb.accountSid);
    assert.ok(created.dateCreated instanceof Date && !Number.isNaN(created.dateCreated.getTime()));
    assert.equal(created.url, `${sb.url}/v1/Content/${created.sid}`);
    assert.equal(created.links['approval_create'], `${created.url}/ApprovalRequests/whatsapp`);

    const fetched = await client.content.v1.contents(created.sid).fetch();
    assert.deepEqual(fetched.types, orderTemplate.types);

    const raw = await sb.request('GET', `/v1/Content/${created.sid}`);
    valid(component('content.v1.content'), await json(raw));
    const listRes = await sb.request('GET', '/v1/Content?PageSize=1');
    const listBody = await json(listRes);
    valid(responseSchema('/v1/Content', 'get', '200'), listBody);
    assert.equal(listBody.meta.key, 'contents');
    assert.equal(listBody.meta.url, `${sb.url}/v1/Content?PageSize=1&Page=0`);

    const second = await client.content.v1.contents.create({
      language: 'es',
      types: { 'twilio/text': { body: 'Hola' } },
    } as any);
    assert.equal(second.friendlyName, '');
    // the SDK follows next_page_url across pages
    const all = await client.content.v1.contents.list({ pageSize: 1 });
    assert.deepEqual(
      all.map((c) => c.sid),
      [second.sid, created.sid],
    );

    assert.equal(await client.content.v1.contents(second.sid).remove(), true);
    await rejectsWith(client.content.v1.contents(second.sid).fetch(), 404, 20404);
    await rejectsWith(client.content.v1.contents('HX00000000000000000000000000000000').remove(), 404, 20404);
  });

  it('updates a template in place: same SID, date_updated moves, sent messages keep their text', async () => {
    const clock = sb.sandbox.ctx.clock;
    const realNow = clock.now.bind(clock);
    const start = realNow();
    clock.now = () => start;
    try {
      const c = await client.content.v1.contents.create(orderTemplate as any);
      const sent = await client.messages.create({
        from: sb.phoneNumber,
        to: '+14155550114',
        contentSid: c.sid,
        contentVariables: JSON.stringify({ 1: 'Ada' }),
      });
      assert.equal(sent.body, 'Hi Ada, your order order has shipped.');

      clock.now = () => start + 90_000;
      const changed = {
        friendly_name: 'order_update_v2',
        variables: { '1': 'customer' },
        types: { 'twilio/text': { body: 'Hello {{1}}, it is on its way.' } },
      };
      const updated = await client.content.v1.contents(c.sid).update(changed as any);
      assert.equal(updated.sid, c.sid);
      assert.equal(updated.friendlyName, 'order_update_v2');
      assert.equal(updated.language, 'en');
      assert.deepEqual(updated.variables, changed.variables);
      assert.deepEqual(updated.types, changed.types);
      assert.equal(updated.dateCreated.getTime(), c.dateCreated.getTime());
      assert.equal(updated.dateUpdated.getTime() - c.dateUpdated.getTime(), 90_000);

      // the answer is a Content instance as the spec defines it (the spec has no PUT of its own)
      const raw = await sb.request('PUT', `/v1/Content/${c.sid}`, {
        body: JSON.stringify({ ...changed, language: 'en' }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(raw.status, 200);
      valid(component('content.v1.content'), await json(raw));
      assert.deepEqual((await client.content.v1.contents(c.sid).fetch()).types, changed.types);

      // what was sent stays as it was sent; a new send renders the new definition
      assert.equal((await client.messages(sent.sid).fetch()).body, 'Hi Ada, your order order has shipped.');
      assert.equal(templateSendOf(getMessageBySid(sb.sandbox.ctx.db, sent.sid)!.extra)!.type, 'twilio/text');
      const again = await client.messages.create({
        from: sb.phoneNumber,
        to: '+14155550114',
        contentSid: c.sid,
        contentVariables: JSON.stringify({ 1: 'Ada' }),
      });
      assert.equal(again.body, 'Hello Ada, it is on its way.');
    } finally {
      clock.now = realNow;
    }
  });

  it('refuses an update that breaks the definition, changes the language or follows a submission', async () => {
    const c = await client.content.v1.contents.create(orderTemplate as any);
    const contents = client.content.v1.contents(c.sid);
    // the create's checks, and nothing changes
    await rejectsWith(contents.update({ ...noTypes, language: undefined } as any), 400, 20001);
    await rejectsWith(contents.update({ types: { 'twilio/quick-reply': { body: 'x' } } } as any), 400, 20001);
    await rejectsWith(contents.update({ language: 'en', types: { 'twilio/text': { body: 7 } } } as any), 400, 20001);
    const notJson = await sb.request('PUT', `/v1/Content/${c.sid}`, {
      body: '{"types":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
    assert.equal((await json(notJson)).code, 20001);
    // the language is fixed at creation
    await rejectsWith(
      contents.update({ language: 'es', types: { 'twilio/text': { body: 'Hola' } } } as any),
      400,
      92010,
    );
    const kept = await contents.fetch();
    assert.deepEqual(kept.types, orderTemplate.types);
    assert.equal(kept.dateUpdated.getTime(), c.dateUpdated.getTime());

    // unknown, or another account's: 404
    await rejectsWith(
      client.content.v1
        .contents('HX00000000000000000000000000000000')
        .update({ types: { 'twilio/text': { body: 'x' } } } as any),
      404,
      20404,
    );

    // once submitted for WhatsApp approval, whatever the review's outcome, no more changes
    await control('PATCH', '/_sandbox/content/settings', { approval_delay_ms: 0 });
    await contents.approvalCreate.create(approval as any);
    assert.equal((await contents.approvalFetch().fetch()).whatsapp['status'], 'approved');
    await rejectsWith(contents.update({ types: { 'twilio/text': { body: 'Changed' } } } as any), 400, 92010);
    await control('POST', `/_sandbox/content/${c.sid}/approval`, { status: 'rejected', rejection_reason: 'x' });
    await rejectsWith(contents.update({ types: { 'twilio/text': { body: 'Changed' } } } as any), 400, 92010);
    assert.deepEqual((await contents.fetch()).types, orderTemplate.types);
  });

  const noTypes: Record<string, unknown> = { language: 'en', types: {} };
  const approval: Record<string, unknown> = { name: 'order_update', category: 'UTILITY' };

  it('refuses a template with no recognised type, a missing language or a broken type', async () => {
    await rejectsWith(client.content.v1.contents.create(noTypes as any), 400, 20001);
    await rejectsWith(
      client.content.v1.contents.create({ language: 'en', types: { 'twilio/unknown': { body: 'x' } } } as any),
      400,
      20001,
    );
    await rejectsWith(
      client.content.v1.contents.create({ types: { 'twilio/text': { body: 'x' } } } as any),
      400,
      20001,
    );
    await rejectsWith(
      client.content.v1.contents.create({ language: 'en', types: { 'twilio/quick-reply': { body: 'x' } } } as any),
      400,
      20001,
    );
    const notJson = await sb.request('POST', '/v1/Content', {
      body: '{"language":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
    assert.equal((await json(notJson)).code, 20001);
    const unauthenticated = await sb.request('GET', '/v1/Content', { auth: null });
    assert.equal(unauthenticated.status, 401);
    const put = await sb.request('PATCH', '/v1/Content');
    assert.equal(put.status, 405);
  });

  it('moves a WhatsApp approval request from received through pending to approved', async () => {
    const patched = await control('PATCH', '/_sandbox/content/settings', { approval_delay_ms: 600 });
    assert.equal(patched.status, 200);
    const c = await client.content.v1.contents.create(orderTemplate as any);
    const before = await client.content.v1.contentAndApprovals.list();
    const entry = before.find((x) => x.sid === c.sid)!;
    assert.equal(entry.approvalRequests['status'], 'unsubmitted');

    const submitted = await client.content.v1.contents(c.sid).approvalCreate.create(approval as any);
    assert.equal(submitted.status, 'received');
    assert.equal(submitted.name, 'order_update');
    assert.equal(submitted.contentType, 'twilio/quick-reply');
    const again = await sb.request('POST', `/v1/Content/${c.sid}/ApprovalRequests/whatsapp`, {
      body: JSON.stringify({ name: 'order_update', category: 'UTILITY' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(again.status, 400);

    const seen = new Set<string>();
    for (let i = 0; i < 200 && !seen.has('approved'); i++) {
      const fetched = await client.content.v1.contents(c.sid).approvalFetch().fetch();
      seen.add(String(fetched.whatsapp['status']));
      if (!seen.has('approved')) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(seen.has('approved'), [...seen].join());
    const fetchRaw = await json(await sb.request('GET', `/v1/Content/${c.sid}/ApprovalRequests`));
    valid(responseSchema('/v1/Content/{Sid}/ApprovalRequests', 'get', '200'), fetchRaw);
    assert.equal(fetchRaw.whatsapp.status, 'approved');
    const listRaw = await json(await sb.request('GET', '/v1/ContentAndApprovals'));
    valid(responseSchema('/v1/ContentAndApprovals', 'get', '200'), listRaw);
    const legacy = await json(await sb.request('GET', '/v1/LegacyContent'));
    valid(responseSchema('/v1/LegacyContent', 'get', '200'), legacy);
    assert.deepEqual(legacy.contents, []);
  });

  it('rejects a body that ends with an unsampled placeholder; the control API sets any status', async () => {
    await control('PATCH', '/_sandbox/content/settings', { approval_delay_ms: 0 });
    const c = await client.content.v1.contents.create({
      language: 'en',
      types: { 'twilio/text': { body: 'Your code is {{1}}' } },
    } as any);
    const created = await sb.request('POST', `/v1/Content/${c.sid}/ApprovalRequests/whatsapp`, {
      body: JSON.stringify({ name: 'code', category: 'AUTHENTICATION' }),
      headers: { 'content-type': 'application/json' },
    });
    valid(responseSchema('/v1/Content/{ContentSid}/ApprovalRequests/whatsapp', 'post', '201'), await json(created));
    const review = await client.content.v1.contents(c.sid).approvalFetch().fetch();
    assert.equal(review.whatsapp['status'], 'rejected');
    assert.match(String(review.whatsapp['rejection_reason']), /INVALID_FORMAT/);

    const paused = await control('POST', `/_sandbox/content/${c.sid}/approval`, { status: 'paused' });
    assert.equal(paused.status, 200);
    assert.equal((await client.content.v1.contents(c.sid).approvalFetch().fetch()).whatsapp['status'], 'paused');
    const bad = await control('POST', `/_sandbox/content/${c.sid}/approval`, { status: 'maybe' });
    assert.equal(bad.status, 400);
    const missing = await control('POST', '/_sandbox/content/HX00000000000000000000000000000000/approval', {
      status: 'approved',
    });
    assert.equal(missing.status, 404);
    const badSetting = await control('PATCH', '/_sandbox/content/settings', { approval_delay_ms: -1 });
    assert.equal(badSetting.status, 400);
  });

  it('sends a template: rendered body with defaults, buttons kept, approval recorded', async () => {
    const c = await client.content.v1.contents.create(orderTemplate as any);
    await control('POST', `/_sandbox/content/${c.sid}/approval`, { status: 'approved' });

    const sms = await client.messages.create({
      from: sb.phoneNumber,
      to: '+14155550111',
      contentSid: c.sid,
      contentVariables: JSON.stringify({ 1: 'Ada' }),
    });
    assert.equal(sms.body, 'Hi Ada, your order order has shipped.');
    assert.equal((await client.messages(sms.sid).fetch()).body, sms.body);
    // SMS gets the text type: no buttons
    const smsSend = templateSendOf(getMessageBySid(sb.sandbox.ctx.db, sms.sid)!.extra)!;
    assert.equal(smsSend.type, 'twilio/text');
    assert.deepEqual(smsSend.buttons, []);

    const wa = await client.messages.create({
      from: `whatsapp:${sb.phoneNumber}`,
      to: 'whatsapp:+14155550111',
      contentSid: c.sid,
      contentVariables: JSON.stringify({ 1: 'Ada', 2: 'A-42' }),
    });
    assert.equal(wa.body, 'Hi Ada, your order A-42 has shipped.');
    const row = getMessageBySid(sb.sandbox.ctx.db, wa.sid)!;
    const send = templateSendOf(row.extra)!;
    assert.equal(send.sid, c.sid);
    assert.equal(send.type, 'twilio/quick-reply');
    assert.deepEqual(send.buttons, [
      { title: 'Track A-42', id: 'track' },
      { title: 'Stop', id: 'stop' },
    ]);
    assert.equal(isApprovedWhatsAppTemplate(row), true);
    // a plain send is no template at all
    const plain = await client.messages.create({ from: sb.phoneNumber, to: '+14155550111', body: 'hi' });
    assert.equal(isApprovedWhatsAppTemplate(getMessageBySid(sb.sandbox.ctx.db, plain.sid)!), false);

    // paused: sent as a template, but not approved for WhatsApp any more
    await control('POST', `/_sandbox/content/${c.sid}/approval`, { status: 'paused' });
    const pausedSend = await client.messages.create({
      from: `whatsapp:${sb.phoneNumber}`,
      to: 'whatsapp:+14155550111',
      contentSid: c.sid,
    });
    assert.equal(isApprovedWhatsAppTemplate(getMessageBySid(sb.sandbox.ctx.db, pausedSend.sid)!), false);
  });

  it('keeps a media template’s media and sends it as MMS', async () => {
    const c = await client.content.v1.contents.create({
      language: 'en',
      variables: { file: 'menu' },
      types: { 'twilio/media': { body: 'Today: {{file}}', media: ['https://example.com/{{file}}.png'] } },
    } as any);
    const sent = await client.messages.create({ from: sb.phoneNumber, to: '+14155550112', contentSid: c.sid });
    assert.match(sent.sid, /^MM/);
    assert.equal(sent.numMedia, '1');
    assert.equal(sent.body, 'Today: menu');
    const media = await client.messages(sent.sid).media.list();
    assert.equal(media.length, 1);
    assert.equal(media[0]!.contentType, 'image/png');
  });

  it('answers Twilio’s errors for bad ContentSid, ContentVariables and channels', async () => {
    const from = sb.phoneNumber;
    const to = '+14155550113';
    await rejectsWith(client.messages.create({ from, to, contentSid: 'HXnope' }), 400, 21655);
    await rejectsWith(
      client.messages.create({ from, to, contentSid: 'HX00000000000000000000000000000000' }),
      400,
      21655,
    );
    await rejectsWith(client.messages.create({ from, to, body: 'x', contentVariables: '{"1":"a"}' }), 400, 21654);
    const c = await client.content.v1.contents.create({
      language: 'en',
      types: { 'twilio/text': { body: 'Hello {{name}}' } },
    } as any);
    await rejectsWith(client.messages.create({ from, to, contentSid: c.sid, contentVariables: '{nope' }), 400, 21656);
    await rejectsWith(client.messages.create({ from, to, contentSid: c.sid, contentVariables: '[1]' }), 400, 21656);
    await rejectsWith(
      client.messages.create({ from, to, contentSid: c.sid, contentVariables: '{"name":""}' }),
      400,
      21656,
    );
    // nothing fills {{name}}: no value and no default
    await rejectsWith(client.messages.create({ from, to, contentSid: c.sid }), 400, 21656);
    const ok = await client.messages.create({ from, to, contentSid: c.sid, contentVariables: '{"name":"Bo"}' });
    assert.equal(ok.body, 'Hello Bo');

    const card = await client.content.v1.contents.create({
      language: 'en',
      types: { 'whatsapp/card': { body: 'A card' } },
    } as any);
    await rejectsWith(client.messages.create({ from, to, contentSid: card.sid }), 400, 216602);

    // another account's template is unknown here
    const { account: other } = bootstrapAccount(sb.sandbox.ctx.db, {
      accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
      authToken: 'othertoken1',
      now: Date.now(),
    });
    const otherClient = sdkClient(sb.url, other.sid, other.auth_token);
    otherClient.content.baseUrl = sb.url;
    await rejectsWith(otherClient.content.v1.contents(c.sid).fetch(), 404, 20404);
    await rejectsWith(
      otherClient.messages.create({ from, to, contentSid: c.sid, contentVariables: '{"name":"Bo"}' }),
      400,
      21655,
    );

    // a deleted template is unknown too
    await client.content.v1.contents(c.sid).remove();
    await rejectsWith(
      client.messages.create({ from, to, contentSid: c.sid, contentVariables: '{"name":"Bo"}' }),
      400,
      21655,
    );
  });
});
