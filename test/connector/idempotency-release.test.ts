// When a send with an Idempotency-Key fails on the network, the key is freed only if the twilio
// client says nothing was sent (its isNotSent rule); otherwise the failure is kept and replayed, as
// Twilio may have texted. A client that fails on purpose stands in for sockets that are hard to
// make fail this way (EADDRNOTAVAIL, a reset after the request went out).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UpstreamClient } from '../../src/connector/routes/context.js';
import { NetworkError, isNotSent } from '../../src/twilio/index.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

const SID = `SM${'c'.repeat(32)}`;

describe('SendMessage frees an Idempotency-Key exactly when the client says nothing was sent', () => {
  let h: Harness;
  /** the errno each next POST fails with; undefined answers with a message */
  const failures: (string | undefined)[] = [];
  let sends = 0;

  const client: UpstreamClient = {
    request(method, path) {
      // the connection check before a keyed send
      if (method === 'GET') return Promise.resolve({ status: 200, body: { sid: 'AC' } });
      const errno = failures.shift();
      if (errno !== undefined) {
        return Promise.reject(new NetworkError({ method, url: `http://upstream.invalid${path}` }, errno, undefined));
      }
      sends++;
      return Promise.resolve({ status: 201, body: { sid: SID, status: 'queued', error_code: null } });
    },
  };

  before(async () => {
    h = await startConnector({}, { clientFactory: () => client });
  });
  after(() => h.close());

  const send = (key: string): Promise<Response> =>
    h.call('POST', '/Messages.json', {
      json: { from: '+14155550100', to: '+14155550199', body: 'retry me' },
      headers: { 'idempotency-key': key },
    });

  for (const errno of ['ECONNREFUSED', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']) {
    it(`${errno}: the retry with the same key sends`, async () => {
      assert.equal(isNotSent(errno), true);
      failures.push(errno);
      const before = sends;
      const first = await send(`k-${errno}`);
      assert.equal(first.status, 502);
      assert.equal((await json(first)).error.code, 'UPSTREAM_UNREACHABLE');
      const retry = await send(`k-${errno}`);
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get('idempotent-replayed'), 'false');
      assert.equal((await json(retry)).sid, SID);
      assert.equal(sends, before + 1);
    });
  }

  it('ECONNRESET (maybe sent): the retry gets the first answer back and sends nothing', async () => {
    assert.equal(isNotSent('ECONNRESET'), false);
    failures.push('ECONNRESET');
    const before = sends;
    assert.equal((await send('k-reset')).status, 502);
    const retry = await send('k-reset');
    assert.equal(retry.status, 502);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(sends, before);
  });
});
