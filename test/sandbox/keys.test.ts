import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { basic, json, sdkClient, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { twilioSpec } from '../helpers/twilio-spec.js';

const spec = twilioSpec();
const ajv = new Ajv({ strict: false, validateFormats: false });
ajv.addSchema({ components: spec.components }, 'oai');
function assertSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`oai#/components/schemas/${name}`);
  assert.ok(validate, name);
  assert.ok(validate(value), JSON.stringify(validate.errors));
}

describe('sandbox API keys', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  it('creates a key whose secret authenticates an SDK client end to end, and shows the secret only once', async () => {
    const created = await sb.client.newKeys.create({ friendlyName: 'ci key' });
    assert.match(created.sid, /^SK[0-9a-f]{32}$/);
    assert.equal(created.friendlyName, 'ci key');
    assert.match(created.secret, /^[A-Za-z0-9]{32}$/);

    const viaKey = sdkClient(sb.url, created.sid, created.secret, sb.accountSid);
    const account = await viaKey.api.v2010.accounts(sb.accountSid).fetch();
    assert.equal(account.sid, sb.accountSid);

    const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Keys/${created.sid}.json`);
    const body = await json(res);
    assert.deepEqual(Object.keys(body).sort(), ['date_created', 'date_updated', 'friendly_name', 'sid']);
    assertSchema('api.v2010.account.key', body);
  });

  it('create JSON validates against the new_key schema', async () => {
    const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Keys.json`, {
      form: { FriendlyName: 'raw' },
    });
    assert.equal(res.status, 201);
    const body = await json(res);
    assertSchema('api.v2010.account.new_key', body);
    assert.equal(typeof body.secret, 'string');
  });

  it('lists keys newest first with paging, fetches, renames and deletes them', async () => {
    const a = await sb.client.newKeys.create({ friendlyName: 'a' });
    const b = await sb.client.newKeys.create({ friendlyName: 'b' });
    const listed = await sb.client.keys.list();
    const sids = listed.map((k) => k.sid);
    assert.ok(sids.indexOf(b.sid) < sids.indexOf(a.sid) && sids.includes(a.sid));

    const page = await sb.client.keys.page({ pageSize: 1 });
    assert.equal(page.instances.length, 1);
    const next = await page.nextPage();
    assert.ok(next);
    assert.notEqual(next.instances[0]?.sid, page.instances[0]?.sid);

    const renamed = await sb.client.keys(a.sid).update({ friendlyName: 'renamed' });
    assert.equal(renamed.friendlyName, 'renamed');
    assert.equal((await sb.client.keys(a.sid).fetch()).friendlyName, 'renamed');

    assert.equal(await sb.client.keys(a.sid).remove(), true);
    await assert.rejects(sb.client.keys(a.sid).fetch(), (err: any) => {
      assert.equal(err.status, 404);
      assert.equal(err.code, 20404);
      return true;
    });
    const deadClient = sdkClient(sb.url, a.sid, 'whatever', sb.accountSid);
    await assert.rejects(deadClient.api.v2010.accounts(sb.accountSid).fetch(), (err: any) => err.status === 401);
  });

  it('rejects a wrong secret with 401 / 20003 and an over-long FriendlyName with 400', async () => {
    const k = await sb.client.newKeys.create({});
    const bad = sdkClient(sb.url, k.sid, 'x'.repeat(32), sb.accountSid);
    await assert.rejects(bad.keys.list(), (err: any) => {
      assert.equal(err.status, 401);
      assert.equal(err.code, 20003);
      return true;
    });
    await assert.rejects(sb.client.newKeys.create({ friendlyName: 'x'.repeat(65) }), (err: any) => {
      assert.equal(err.status, 400);
      assert.equal(err.code, 20001);
      assert.match(err.message, /FriendlyName/);
      return true;
    });
  });

  it('answers malformed and unknown key SIDs with 404 and serves XML', async () => {
    for (const sid of ['nope', 'SK00000000000000000000000000000000']) {
      const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Keys/${sid}.json`);
      assert.equal(res.status, 404);
      assert.equal((await json(res)).code, 20404);
    }
    const k = await sb.client.newKeys.create({ friendlyName: 'xml' });
    const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Keys.xml`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(
      text,
      /<Keys end="\d+" firstpageuri="\/2010-04-01\/Accounts\/AC[0-9a-f]+\/Keys\?PageSize=50&amp;Page=0"/,
    );
    assert.match(text, new RegExp(`<Key><Sid>${k.sid}</Sid><FriendlyName>xml</FriendlyName>`));
    assert.doesNotMatch(text, /Secret/);
    const bad = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}/Keys.json?PageToken=zzz`, {
      auth: basic(sb.accountSid, sb.authToken),
    });
    assert.equal(bad.status, 400);
  });
});
