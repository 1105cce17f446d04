import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Twilio's published Event Streams spec is the oracle, as the npm package @twilio-alpha/mcp (pinned in
// package.json) ships it: the twilio-oai 2.6.7 file, the same revision as the Content spec's
const require = createRequire(import.meta.url);
const specPath =
  require.resolve('@twilio-alpha/mcp/package.json').replace(/package\.json$/, '') +
  'twilio-oai/spec/json/twilio_events_v1.json';
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
  paths: Record<string, any>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('uri-map', true);
/** `sink_configuration` is `nullable` with no `type` (any JSON), which Ajv refuses: the flag adds nothing there. */
function typelessNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(typelessNullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = typelessNullable(v);
  if ('nullable' in out && !('type' in out) && !('$ref' in out)) delete out['nullable'];
  return out;
}
ajv.addSchema({ $id: 'events', components: typelessNullable(spec.components) as object });

/** The schema of a path's answer (`status`) to `method`, with its refs pointed at the spec. */
function responseSchema(path: string, method: string, status: string): object {
  const schema = spec.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
  assert.ok(schema, `${method.toUpperCase()} ${path} ${status} has a schema in the spec`);
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"events#/components/')) as object;
}

function conforms(path: string, method: string, status: string, body: unknown): void {
  const validate = ajv.compile(responseSchema(path, method, status));
  assert.ok(validate(body), `${method.toUpperCase()} ${path}: ${ajv.errorsText(validate.errors)}`);
}

/** Same keys as the component: the spec has no additionalProperties:false, so check it here. */
function sameKeys(component: string, body: Record<string, unknown>): void {
  assert.deepEqual(
    Object.keys(body).sort(),
    Object.keys(spec.components.schemas[component]!.properties).sort(),
    component,
  );
}

describe('sandbox Event Streams responses validate against Twilio’s twilio_events_v1.json', () => {
  let sb: TestSandbox;
  let rx: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    rx = await startReceiver();
    rx.answer(() => ({ status: 200 }));
  });
  after(async () => {
    await sb.close();
    await rx.close();
  });

  async function call(
    method: string,
    path: string,
    form?: Record<string, string | string[]>,
  ): Promise<{ status: number; body: any }> {
    const res = await sb.request(method, path, form ? { form } : {});
    return { status: res.status, body: res.status === 204 ? null : await json(res) };
  }

  it('sinks, Test, Validate, subscriptions, subscribed events, types and schemas', async () => {
    const created = await call('POST', '/v1/Sinks', {
      Description: 'spec sink',
      SinkType: 'webhook',
      SinkConfiguration: JSON.stringify({ destination: `${rx.url}/spec`, method: 'POST', batch_events: true }),
    });
    assert.equal(created.status, 201);
    conforms('/v1/Sinks', 'post', '201', created.body);
    sameKeys('events.v1.sink', created.body);
    const sid = created.body.sid as string;

    const test = await call('POST', `/v1/Sinks/${sid}/Test`);
    assert.equal(test.status, 201);
    conforms('/v1/Sinks/{Sid}/Test', 'post', '201', test.body);
    const [received] = await rx.waitFor(1);
    const testId = (JSON.parse(received!.body) as { data: { test_id: string } }[])[0]!.data.test_id;
    const valid = await call('POST', `/v1/Sinks/${sid}/Validate`, { TestId: testId });
    assert.equal(valid.status, 201);
    conforms('/v1/Sinks/{Sid}/Validate', 'post', '201', valid.body);

    conforms('/v1/Sinks/{Sid}', 'get', '200', (await call('GET', `/v1/Sinks/${sid}`)).body);
    conforms(
      '/v1/Sinks/{Sid}',
      'post',
      '200',
      (await call('POST', `/v1/Sinks/${sid}`, { Description: 'renamed' })).body,
    );
    const sinks = await call('GET', '/v1/Sinks?InUse=false&PageSize=1');
    conforms('/v1/Sinks', 'get', '200', sinks.body);
    assert.equal(sinks.body.sinks.length, 1);

    const sub = await call('POST', '/v1/Subscriptions', {
      Description: 'spec subscription',
      SinkSid: sid,
      Types: [
        JSON.stringify({ type: 'com.twilio.messaging.message.delivered', schema_version: 8 }),
        JSON.stringify({ type: 'com.twilio.messaging.inbound-message.received' }),
      ],
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    conforms('/v1/Subscriptions', 'post', '201', sub.body);
    sameKeys('events.v1.subscription', sub.body);
    const subSid = sub.body.sid as string;
    conforms('/v1/Subscriptions/{Sid}', 'get', '200', (await call('GET', `/v1/Subscriptions/${subSid}`)).body);
    conforms(
      '/v1/Subscriptions/{Sid}',
      'post',
      '200',
      (await call('POST', `/v1/Subscriptions/${subSid}`, { Description: 'renamed' })).body,
    );
    conforms('/v1/Subscriptions', 'get', '200', (await call('GET', `/v1/Subscriptions?SinkSid=${sid}`)).body);

    const events = await call('GET', `/v1/Subscriptions/${subSid}/SubscribedEvents`);
    conforms('/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents', 'get', '200', events.body);
    assert.equal(events.body.types.length, 2);
    sameKeys('events.v1.subscription.subscribed_event', events.body.types[0]);
    const added = await call('POST', `/v1/Subscriptions/${subSid}/SubscribedEvents`, {
      Type: 'com.twilio.messaging.message.sent',
    });
    assert.equal(added.status, 201);
    conforms('/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents', 'post', '201', added.body);
    const one = await call('GET', `/v1/Subscriptions/${subSid}/SubscribedEvents/com.twilio.messaging.message.sent`);
    conforms('/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}', 'get', '200', one.body);
    const updated = await call(
      'POST',
      `/v1/Subscriptions/${subSid}/SubscribedEvents/com.twilio.messaging.message.sent`,
      {
        SchemaVersion: '5',
      },
    );
    conforms('/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}', 'post', '200', updated.body);

    const types = await call('GET', '/v1/Types');
    conforms('/v1/Types', 'get', '200', types.body);
    sameKeys('events.v1.event_type', types.body.types[0]);
    conforms(
      '/v1/Types/{Type}',
      'get',
      '200',
      (await call('GET', '/v1/Types/com.twilio.messaging.message.failed')).body,
    );
    const schema = await call('GET', '/v1/Schemas/Messaging.MessageStatus');
    conforms('/v1/Schemas/{Id}', 'get', '200', schema.body);
    sameKeys('events.v1.schema', schema.body);
    conforms(
      '/v1/Schemas/{Id}/Versions',
      'get',
      '200',
      (await call('GET', '/v1/Schemas/Messaging.InboundMessageV1/Versions')).body,
    );
    const version = await call('GET', '/v1/Schemas/Messaging.InboundMessageV1/Versions/6');
    conforms('/v1/Schemas/{Id}/Versions/{SchemaVersion}', 'get', '200', version.body);
    sameKeys('events.v1.schema.schema_version', version.body);

    assert.equal((await call('DELETE', `/v1/Subscriptions/${subSid}`)).status, 204);
    assert.equal((await call('DELETE', `/v1/Sinks/${sid}`)).status, 204);
  });
});
