import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const TWILIO_ERROR_KEYS = ['code', 'message', 'more_info', 'status'];

describe('sandbox answers malformed requests in Twilio’s error shape', () => {
  let sb: TestSandbox;
  let account: string;
  before(async () => {
    sb = await startSandbox();
    account = `/2010-04-01/Accounts/${sb.accountSid}`;
  });
  after(() => sb.close());

  it('a path that does not percent-decode is 404 / 20404, in JSON or XML as the suffix says', async () => {
    for (const path of [
      `${account}/Messages/%E0%A4%A.json`,
      `/2010-04-01/Accounts/%ZZ/Messages.json`,
      `${account}/IncomingPhoneNumbers/PN%G1.json`,
      `/v1/Services/%ZZ`,
      `/_sandbox/%ZZ`,
    ]) {
      const res = await sb.request('GET', path);
      assert.equal(res.status, 404, path);
      const body = await json(res);
      assert.deepEqual(Object.keys(body).sort(), TWILIO_ERROR_KEYS, path);
      assert.equal(body.code, 20404, path);
      assert.equal(body.message, `The requested resource ${path} was not found`);
      assert.equal(body.more_info, 'https://www.twilio.com/docs/errors/20404');
      if (!path.startsWith('/_sandbox')) {
        assert.match(res.headers.get('twilio-request-id') ?? '', /^RQ[0-9a-f]{32}$/, path);
        assert.equal(res.headers.get('access-control-allow-origin'), '*', path);
      }
    }
    const xml = await sb.request('GET', `${account}/Messages/%ZZ.xml`);
    assert.equal(xml.status, 404);
    assert.match(xml.headers.get('content-type') ?? '', /application\/xml/);
    assert.match(await xml.text(), /<RestException><Code>20404<\/Code>/);
  });

  it('a path parameter far too long to be a SID is 404 / 20404', async () => {
    const path = `${account}/Messages/SM${'0'.repeat(400)}.json`;
    const res = await sb.request('GET', path);
    assert.equal(res.status, 404);
    assert.equal((await json(res)).code, 20404);
  });

  it('answers CORS preflight with 204 and the advertised headers, without credentials', async () => {
    for (const path of [
      `${account}/Messages.json`,
      `${account}/Messages/SM${'0'.repeat(32)}.json`,
      `${account}.json`,
      `${account}/IncomingPhoneNumbers.json`,
      '/v1/Services',
    ]) {
      const res = await sb.request('OPTIONS', path, {
        auth: null,
        headers: {
          origin: 'http://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      assert.equal(res.status, 204, path);
      assert.equal(await res.text(), '', path);
      assert.equal(res.headers.get('access-control-allow-origin'), '*', path);
      const methods = (res.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
      for (const m of ['GET', 'POST', 'DELETE', 'OPTIONS']) assert.ok(methods.includes(m), `${path} ${m}`);
      const headers = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      assert.match(headers, /authorization/);
      assert.match(headers, /content-type/);
    }
  });

  it('answers a method a resource does not have with 405 / 20004, for every resource', async () => {
    const sm = `SM${'0'.repeat(32)}`;
    const pn = `PN${'0'.repeat(32)}`;
    const sk = `SK${'0'.repeat(32)}`;
    const mg = `MG${'0'.repeat(32)}`;
    const cases: [string, string][] = [
      ['PUT', `${account}.json`],
      ['DELETE', `${account}.json`],
      ['PUT', `${account}/Messages.json`],
      ['PATCH', `${account}/Messages.json`],
      ['DELETE', `${account}/Messages.json`],
      ['PUT', `${account}/Messages/${sm}.json`],
      ['PATCH', `${account}/Messages/${sm}/Media.json`],
      ['POST', `${account}/Messages/${sm}/Media.json`],
      ['DELETE', `${account}/IncomingPhoneNumbers.json`],
      ['PUT', `${account}/IncomingPhoneNumbers/${pn}.json`],
      ['POST', `${account}/AvailablePhoneNumbers.json`],
      ['POST', `${account}/AvailablePhoneNumbers/US/Local.json`],
      ['DELETE', `${account}/AvailablePhoneNumbers/US/TollFree.json`],
      ['POST', `${account}/Usage/Records.json`],
      ['DELETE', `${account}/Usage/Records/Daily.json`],
      ['PUT', `${account}/Keys.json`],
      ['PATCH', `${account}/Keys/${sk}.json`],
      ['PUT', '/v1/Services'],
      ['DELETE', '/v1/Services'],
      ['PATCH', `/v1/Services/${mg}`],
      ['PUT', `/v1/Services/${mg}/PhoneNumbers`],
      ['POST', `/v1/Services/${mg}/PhoneNumbers/${pn}`],
    ];
    for (const [method, path] of cases) {
      const res = await sb.request(method, path, { body: 'x', headers: { 'content-type': 'text/plain' } });
      const label = `${method} ${path}`;
      assert.equal(res.status, 405, label);
      const body = await json(res);
      assert.deepEqual(Object.keys(body).sort(), TWILIO_ERROR_KEYS, label);
      assert.equal(body.code, 20004, label);
      assert.equal(body.status, 405, label);
      const allow = (res.headers.get('allow') ?? '').split(', ');
      assert.ok(allow.includes('OPTIONS') && !allow.includes(method), `${label}: Allow ${allow.join(', ')}`);
    }
    const allowOf = async (method: string, path: string) => (await sb.request(method, path)).headers.get('allow');
    assert.equal(await allowOf('PUT', `${account}/Messages.json`), 'GET, HEAD, POST, OPTIONS');
    assert.equal(await allowOf('PUT', `${account}/Messages/${sm}.json`), 'GET, HEAD, POST, DELETE, OPTIONS');
    assert.equal(await allowOf('POST', `${account}/Usage/Records.json`), 'GET, HEAD, OPTIONS');
    assert.equal(await allowOf('PUT', '/v1/Services'), 'GET, HEAD, POST, OPTIONS');
    // and what Allow promises works: HEAD answers like GET, without a body
    const head = await sb.request('HEAD', `${account}/Messages.json`);
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const xml = await sb.request('PUT', `${account}/Messages.xml`);
    assert.equal(xml.status, 405);
    assert.match(await xml.text(), /<RestException><Code>20004<\/Code>/);
  });

  it('answers bytes that are not HTTP with a 400 in Twilio’s shape, and keeps serving', async () => {
    const { hostname, port } = new URL(sb.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), TWILIO_ERROR_KEYS);
    assert.equal(body['status'], 400);
    assert.equal((await sb.request('GET', `${account}/Messages.json`)).status, 200);
  });

  it('refuses an oversized query string with a 4xx, never a 5xx, and keeps serving', async () => {
    for (const size of [9_000, 20_000, 100_000]) {
      const res = await sb.request('GET', `${account}/Messages.json?To=${'1'.repeat(size)}`);
      assert.ok(res.status >= 200 && res.status < 500, `${size}: ${res.status}`);
      if (size > 16_384) {
        // past Node's header limit: still Twilio's error body
        assert.equal(res.status, 431, String(size));
        const body = await json(res);
        assert.deepEqual(Object.keys(body).sort(), TWILIO_ERROR_KEYS, String(size));
        assert.equal(body.status, 431);
        assert.equal(body.code, 20001);
      } else await res.arrayBuffer();
    }
    assert.equal((await sb.request('GET', `${account}/Messages.json`)).status, 200);
  });
});
