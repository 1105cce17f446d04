import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

describe('connector protected by an API key with a server-side connection', () => {
  let sb: TestSandbox;
  let h: Harness;
  const apiKey = 'k'.repeat(24);
  before(async () => {
    sb = await startSandbox();
    h = await startConnector({ apiKey, accountSid: sb.accountSid, authToken: sb.authToken }, {}, sb);
  });
  after(async () => {
    await h.close();
    await sb.close();
  });

  it('uses the default connection for callers that present the API key', async () => {
    for (const headers of [{ 'x-api-key': apiKey }, { authorization: `Bearer ${apiKey}` }]) {
      const res = await h.call('GET', '/Messages.json', { auth: null, headers });
      assert.equal(res.status, 200);
    }
  });

  it('refuses callers without the right API key, even with valid Twilio credentials', async () => {
    const missing = await h.call('GET', '/Messages.json');
    assert.equal(missing.status, 401);
    assert.equal((await json(missing)).error.code, 'API_KEY_INVALID');
    const wrong = await h.call('GET', '/Messages.json', { auth: null, headers: { 'x-api-key': 'nope'.repeat(6) } });
    assert.equal(wrong.status, 401);
    assert.equal((await json(wrong)).error.code, 'API_KEY_INVALID');
  });

  it('lets a caller with the API key bring its own Basic credentials', async () => {
    const res = await h.call('GET', '/Messages.json', { headers: { 'x-api-key': apiKey } });
    assert.equal(res.status, 200);
  });

  it('keeps /health and the published definitions open', async () => {
    const res = await h.call('GET', '/health', { auth: null });
    assert.equal(res.status, 200);
    assert.equal((await json(res)).status, 'ok');
    const swagger = await h.call('GET', '/swagger.json', { auth: null });
    assert.equal(swagger.status, 200);
    const paths = (await json(swagger)).paths as Record<string, Record<string, { operationId: string }>>;
    const ops = Object.values(paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    assert.ok(ops.includes('SendMessage') && ops.includes('ListUsage'), ops.join());
    assert.equal((await h.call('GET', '/docs', { auth: null })).status, 200);
  });
});
