import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

describe('connector logs', () => {
  let h: Harness;
  const lines: string[] = [];
  const apiKey = 'connector-key-0123456789abcdef';
  before(async () => {
    h = await startConnector({ logLevel: 'trace' }, { logStream: { write: (line) => void lines.push(line) } });
  });
  after(() => h.close());

  it('are structured, carry request ids, and never contain tokens or secrets', async () => {
    const wrongToken = 'WrongToken0123456789';
    const keySecret = 'ApiKeySecretValue0123456789';
    const ok = await h.call('GET', '/Messages.json', { headers: { 'x-request-id': 'trace-me-1' } });
    assert.equal(ok.status, 200);
    await h.call('GET', '/Messages.json', { auth: basic(h.sb.accountSid, wrongToken) });
    await h.call('GET', '/Messages.json', {
      auth: basic(`SK${'b'.repeat(32)}`, keySecret),
      headers: { 'x-twilio-account-sid': h.sb.accountSid, 'x-api-key': apiKey },
    });
    await h.call('POST', '/Messages.json', { json: { from: h.sb.phoneNumber, to: '+14155550401', body: 'hi' } });

    assert.ok(lines.length > 4, 'something was logged');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(
      records.some((r) => r['reqId'] === 'trace-me-1'),
      'the caller’s request id is used',
    );
    const all = lines.join('\n');
    const encoded = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64');
    for (const secret of [
      h.sb.authToken,
      wrongToken,
      keySecret,
      apiKey,
      encoded(h.sb.accountSid, h.sb.authToken),
      encoded(h.sb.accountSid, wrongToken),
    ]) {
      assert.ok(!all.includes(secret), `a secret leaked into the logs: ${secret.slice(0, 6)}…`);
    }
  });
});
