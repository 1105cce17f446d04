// Every error class a workflow can meet, produced for real: the sandbox's fault injection makes
// Twilio answer 429, 500 or slowly, and the connector must turn each into its documented envelope.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { basic, json, startSandbox } from '../helpers/sandbox.js';
import { startConnector, type Harness } from '../connector/harness.js';

describe('e2e: every error class through connector, client and sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector({ upstreamTimeout: 300, throttleLimit: 1000 });
  });
  after(() => h.close());
  afterEach(() => chaos([]));

  async function chaos(rules: unknown[]): Promise<void> {
    const res = await fetch(`${h.sb.url}/_sandbox/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chaos: { enabled: rules.length > 0, rules } }),
    });
    assert.equal(res.status, 200);
  }

  const message = (to: string): Record<string, string> => ({ from: h.sb.phoneNumber, to, body: 'hello' });

  async function expectError(res: Response, status: number, code: string): Promise<any> {
    const body = await json(res);
    assert.equal(res.status, status, JSON.stringify(body));
    const { error } = body;
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.equal(error.request_id, res.headers.get('x-request-id'));
    return error;
  }

  it('400 VALIDATION_FAILED and BODY_INVALID', async () => {
    await expectError(
      await h.call('POST', '/Messages.json', { json: { to: 'x', body: 'y' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectError(
      await h.call('POST', '/Messages.json', { body: '{', headers: { 'content-type': 'application/json' } }),
      400,
      'BODY_INVALID',
    );
  });

  it('401 AUTH_MISSING, AUTH_INVALID and TWILIO_AUTH_FAILED', async () => {
    await expectError(await h.call('GET', '/Messages.json', { auth: null }), 401, 'AUTH_MISSING');
    await expectError(await h.call('GET', '/Messages.json', { auth: basic('me', 'pw123456') }), 401, 'AUTH_INVALID');
    const e = await expectError(
      await h.call('GET', '/Messages.json', { auth: basic(h.sb.accountSid, 'bad-token-999') }),
      401,
      'TWILIO_AUTH_FAILED',
    );
    assert.equal(e.twilio_code, 20003);
  });

  it('404 NOT_FOUND from Twilio and 400 TWILIO_REJECTED with Twilio’s code', async () => {
    const e = await expectError(
      await h.call('GET', `/IncomingPhoneNumbers/PN${'0'.repeat(32)}.json`),
      404,
      'NOT_FOUND',
    );
    assert.equal(e.twilio_code, 20404);
    await chaos([{ type: 'create_error', code: 21612, probability: 1 }]);
    const rejected = await expectError(
      await h.call('POST', '/Messages.json', { json: message('+14155550601') }),
      400,
      'TWILIO_REJECTED',
    );
    assert.equal(rejected.twilio_code, 21612);
  });

  it('400 RECIPIENT_OPTED_OUT when Twilio refuses a recipient who opted out (21610)', async () => {
    await chaos([{ type: 'create_error', code: 21610, probability: 1 }]);
    const refused = await expectError(
      await h.call('POST', '/Messages.json', { json: message('+14155550601') }),
      400,
      'RECIPIENT_OPTED_OUT',
    );
    assert.equal(refused.twilio_code, 21610);
    assert.equal(refused.more_info, 'https://www.twilio.com/docs/errors/21610');
    assert.match(refused.message, /opted out .* text START/);
  });

  it('429 TWILIO_RATE_LIMITED when Twilio throttles, 502 TWILIO_SERVER_ERROR on its 5xx, 504 when it is slow', async () => {
    await chaos([{ type: 'http_error', status: 429, probability: 1 }]);
    const limited = await h.call('GET', '/Messages.json');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await expectError(limited, 429, 'TWILIO_RATE_LIMITED')).twilio_code, 20429);
    await chaos([{ type: 'http_error', status: 500, probability: 1 }]);
    await expectError(await h.call('GET', '/Usage/Records.json'), 502, 'TWILIO_SERVER_ERROR');
    await chaos([{ type: 'latency', ms: 1500, probability: 1 }]);
    await expectError(
      await h.call('POST', '/Messages.json', { json: message('+14155550602') }),
      504,
      'UPSTREAM_TIMEOUT',
    );
  });

  it('502 UPSTREAM_UNREACHABLE when the sandbox is gone', async () => {
    const gone = await startSandbox();
    const c = await startConnector({}, {}, gone);
    await gone.close();
    try {
      await expectError(await c.call('GET', '/Messages.json', { auth: h.auth }), 502, 'UPSTREAM_UNREACHABLE');
    } finally {
      await c.close();
    }
  });

  it('422 IDEMPOTENCY_KEY_REUSED and 429 THROTTLED', async () => {
    const key = { 'idempotency-key': 'e2e-errors-1' };
    assert.equal((await h.call('POST', '/Messages.json', { json: message('+14155550603'), headers: key })).status, 200);
    await expectError(
      await h.call('POST', '/Messages.json', { json: message('+14155550604'), headers: key }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const tight = await startConnector({ throttleLimit: 1 }, {}, h.sb);
    try {
      assert.equal((await tight.call('GET', '/Messages.json')).status, 200);
      const throttled = await tight.call('GET', '/Messages.json');
      assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
      await expectError(throttled, 429, 'THROTTLED');
    } finally {
      await tight.close();
    }
  });

  it('errors come as XML when XML was asked for', async () => {
    const res = await h.call('GET', '/Messages.json', { auth: null, headers: { accept: 'application/xml' } });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /<error><code>AUTH_MISSING<\/code><message>[^<]+<\/message><status>401<\/status>/);
  });
});
