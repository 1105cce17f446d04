// Both servers give a client a bounded time to send its request: a connection that trickles its
// headers or body cannot hold a socket (and its memory) for ever. Node enforces the limits; this
// checks that both servers set them, on the sockets they really listen on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startConnector, type Harness } from './harness.js';

describe('request read timeouts', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector();
  });
  after(() => h.close());

  it('the connector limits headers to 10 s and a whole request to 30 s', () => {
    assert.equal(h.app.server.headersTimeout, 10_000);
    assert.equal(h.app.server.requestTimeout, 30_000);
  });

  it('so does the sandbox', () => {
    assert.equal(h.sb.sandbox.app.server.headersTimeout, 10_000);
    assert.equal(h.sb.sandbox.app.server.requestTimeout, 30_000);
  });
});
