// SendMessage answers with the seeds' Message model: Twilio's fields as they are, error_code as a
// string, whether or not the connector has to rewrite Twilio's answer to get there.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { basic } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const SID = `SM${'1'.repeat(32)}`;

describe('SendMessage answer model', () => {
  let upstream: Server;
  let answer: Record<string, unknown> = {};
  let h: Harness;
  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    h = await startConnector({}, { upstreamUrl: `http://127.0.0.1:${port}` });
  });
  after(async () => {
    await h.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const send = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await h.call('POST', '/Messages.json', {
      auth: basic(ACCOUNT, 'token'),
      json: { from: '+14155550100', to: '+14155550101', body: 'hi' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('passes a message without an error through field for field', async () => {
    answer = { sid: SID, status: 'queued', error_code: null, num_media: '0', subresource_uris: { media: '/x' } };
    const res = await send();
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, answer);
  });

  it('turns a numeric error_code into a string', async () => {
    answer = { sid: SID, status: 'failed', error_code: 30008, error_message: 'Unknown error' };
    const res = await send();
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ...answer, error_code: '30008' });
  });
});
