import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, sdkClient, basic, json, type TestSandbox } from '../helpers/sandbox.js';

describe('sandbox accounts and authentication', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  it('fetches the account through the official SDK', async () => {
    const account = await sb.client.api.v2010.accounts(sb.accountSid).fetch();
    assert.equal(account.sid, sb.accountSid);
    assert.equal(account.status, 'active');
    assert.ok(account.dateCreated instanceof Date && !Number.isNaN(account.dateCreated.getTime()));
  });

  it('rejects a wrong token with 401 / 20003 that the SDK surfaces', async () => {
    const bad = sdkClient(sb.url, sb.accountSid, 'wrongtoken123');
    await assert.rejects(bad.api.v2010.accounts(sb.accountSid).fetch(), (err: any) => {
      assert.equal(err.status, 401);
      assert.equal(err.code, 20003);
      return true;
    });
  });

  it('answers a request with no credentials with WWW-Authenticate and Twilio JSON', async () => {
    const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}.json`, { auth: null });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Twilio API"');
    const body = await json(res);
    assert.deepEqual(Object.keys(body).sort(), ['code', 'detail', 'message', 'more_info', 'status']);
    assert.equal(body.code, 20003);
    assert.equal(body.more_info, 'https://www.twilio.com/docs/errors/20003');
  });

  it('serves XML by default and for .xml, with errors in XML too', async () => {
    const res = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/xml/);
    const text = await res.text();
    assert.ok(text.startsWith("<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse><Account>"), text);
    assert.match(text, new RegExp(`<Sid>${sb.accountSid}</Sid>`));
    const err = await sb.request('GET', `/2010-04-01/Accounts/${sb.accountSid}.xml`, {
      auth: basic(sb.accountSid, 'nope1234'),
    });
    assert.equal(err.status, 401);
    assert.match(await err.text(), /<RestException><Code>20003<\/Code>/);
  });

  it('gives 404 / 20404 for another account in the path, and for malformed SIDs', async () => {
    for (const sid of ['AC00000000000000000000000000000000', 'invalid_sid']) {
      const path = `/2010-04-01/Accounts/${sid}/Messages.json`;
      const res = await sb.request('GET', path);
      assert.equal(res.status, 404);
      const body = await json(res);
      assert.equal(body.code, 20404);
      assert.equal(body.message, `The requested resource ${path} was not found`);
    }
  });

  it('answers a wrong method with 405 and Twilio JSON, never 5xx', async () => {
    const res = await sb.request('PUT', `/2010-04-01/Accounts/${sb.accountSid}.json`, { body: 'x' });
    assert.equal(res.status, 405);
    assert.equal((await json(res)).code, 20004);
  });

  it('turns a huge body into a 413 Twilio error', async () => {
    const res = await sb.request('POST', `/2010-04-01/Accounts/${sb.accountSid}/Messages.json`, {
      form: { Body: 'x'.repeat(2 * 1024 * 1024) },
    });
    assert.equal(res.status, 413);
    assert.equal((await json(res)).status, 413);
  });
});
