// The connector's own answers against the response schemas it publishes in /openapi.json: every
// action, through the client to the sandbox, including a message that failed (error_code set) and
// usage records (price). Validating the sandbox's answers is not enough: the connector reshapes them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from '../connector/harness.js';

/** a sandbox magic number: the message ends undelivered with error code 30003 */
const UNREACHABLE = '+15551230003';

describe('e2e: connector responses validate against its published OpenAPI schemas', () => {
  let h: Harness;
  let doc: any;
  let ajv: Ajv2020;
  const checked = new Set<string>();

  before(async () => {
    h = await startConnector();
    doc = await json(await h.call('GET', '/openapi.json', { auth: null }));
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'https://connector.invalid/openapi.json', components: doc.components });
  });
  after(() => h.close());

  function responseSchema(operationId: string, status: string): ValidateFunction {
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        if (op.operationId !== operationId) continue;
        const ref: string | undefined = op.responses[status]?.content?.['application/json']?.schema?.$ref;
        assert.ok(ref, `${operationId} publishes a ${status} JSON schema`);
        return ajv.getSchema(`https://connector.invalid/openapi.json${ref}`)!;
      }
    }
    throw new Error(`${operationId} is not in /openapi.json`);
  }

  async function call(operationId: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
    const res = await h.call(method, path, body === undefined ? {} : { json: body });
    const answer: Record<string, any> = await json(res);
    assert.equal(res.status, 200, `${operationId}: ${JSON.stringify(answer)}`);
    const validate = responseSchema(operationId, '200');
    assert.ok(validate(answer), `${operationId}: ${JSON.stringify(validate.errors)}`);
    checked.add(operationId);
    return answer;
  }

  async function finalMessage(sid: string): Promise<Record<string, any>> {
    for (let i = 0; i < 100; i++) {
      const m = await call('GetMessage', 'GET', `/Messages/${sid}.json`);
      if (m['status'] === 'undelivered' || m['status'] === 'failed' || m['status'] === 'delivered') return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`message ${sid} never reached a final status`);
  }

  it('the message actions, with a failed message whose error_code is set', async () => {
    const sent = await call('SendMessage', 'POST', '/Messages.json', {
      from: h.sb.phoneNumber,
      to: UNREACHABLE,
      body: 'schema check',
    });
    const failed = await finalMessage(String(sent['sid']));
    assert.equal(failed['status'], 'undelivered');
    assert.equal(failed['error_code'], '30003');
    const list = await call('ListMessages', 'GET', `/Messages.json?To=${encodeURIComponent(UNREACHABLE)}`);
    assert.equal(list['messages'][0].error_code, '30003');
    // the check bites: the integer Twilio sends is not what the connector publishes
    assert.equal(responseSchema('GetMessage', '200')({ ...failed, error_code: 30003 }), false);
  });

  it('the phone number actions', async () => {
    const available = await call('GetAvailableLocalNumbers', 'GET', '/AvailablePhoneNumbers/US/Local.json?PageSize=2');
    await call('GetAvailableTollFreeNumbers', 'GET', '/AvailablePhoneNumbers/US/TollFree.json?PageSize=2');
    await call('GetAvailableMobileNumbers', 'GET', '/AvailablePhoneNumbers/GB/Mobile.json?PageSize=2');
    const number = String(available['available_phone_numbers'][0].phone_number);
    const added = await call('AddIncomingNumber', 'POST', '/IncomingPhoneNumbers.json', {
      PhoneNumber: number,
      FriendlyName: 'schema line',
    });
    await call('GetIncomingPhoneNumber', 'GET', `/IncomingPhoneNumbers/${String(added['sid'])}.json`);
    const list = await call('ListIncomingPhoneNumbers', 'GET', '/IncomingPhoneNumbers.json');
    assert.ok(list['incoming_phone_numbers'].length >= 2);
  });

  it('the usage actions, with billed records', async () => {
    const all = await call('ListUsage', 'GET', '/Usage/Records.json');
    const daily = await call('ListUsageBySubResource', 'GET', '/Usage/Records/Daily.json?Category=sms');
    const records = [...all['usage_records'], ...daily['usage_records']];
    assert.ok(records.length > 0);
    assert.ok(
      records.some((r: { price: unknown }) => typeof r.price === 'number' && r.price !== 0),
      'a billed record',
    );
    assert.equal(responseSchema('ListUsage', '200')({ ...all, usage_records: [{ price: '0.0075' }] }), false);
  });

  it('the Content template actions', async () => {
    h.sb.client.content.baseUrl = h.sb.url;
    const template = await h.sb.client.content.v1.contents.create({
      friendly_name: 'shipped',
      language: 'en',
      variables: { '1': 'customer' },
      types: { 'twilio/text': { body: 'Hi {{1}}, it shipped.' } },
    } as any);
    const list = await call('ListContentTemplates', 'GET', '/ContentTemplates.json?PageSize=1');
    assert.equal(list['content_templates'][0].sid, template.sid);
    const vars = await call('GetContentTemplateVariables', 'GET', `/ContentTemplates/${template.sid}/Variables.json`);
    assert.deepEqual(Object.keys(vars['schema'].properties), ['1']);
  });

  it('covered every published action', () => {
    const actions = new Set<string>();
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        if (op['x-ms-trigger'] === undefined && op.operationId !== 'DeleteSubscription') actions.add(op.operationId);
      }
    }
    assert.deepEqual([...checked].sort(), [...actions].sort());
    assert.ok(actions.size >= 10);
  });
});
