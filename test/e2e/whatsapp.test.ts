// WhatsApp addresses through the whole chain: a SendMessage with `whatsapp:+…` sender and recipient
// goes through the connector and the typed client and reaches the sandbox exactly as written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from '../connector/harness.js';

const FROM = 'whatsapp:+14155238886';
const TO = 'whatsapp:+14155550742';

describe('e2e: WhatsApp sends pass through unchanged', () => {
  let h: Harness;
  before(async () => {
    h = await startConnector();
  });
  after(() => h.close());

  it('SendMessage with whatsapp: addresses reaches the sandbox with them', async () => {
    const res = await h.call('POST', '/Messages.json', { json: { from: FROM, to: TO, body: 'hola por WhatsApp' } });
    const sent = await json(res);
    assert.equal(res.status, 200, JSON.stringify(sent));
    assert.equal(sent.from, FROM);
    assert.equal(sent.to, TO);

    // the sandbox's own record, read with the official SDK: nothing was rewritten on the way
    const stored = await h.sb.client.messages(sent.sid).fetch();
    assert.equal(stored.from, FROM);
    assert.equal(stored.to, TO);
    assert.equal(stored.body, 'hola por WhatsApp');
    const atSandbox = await h.sb.client.messages.list({ to: TO });
    assert.deepEqual(
      atSandbox.map((m) => m.sid),
      [sent.sid],
    );
  });

  it('ListMessages filters by a whatsapp: recipient', async () => {
    const res = await h.call('GET', `/Messages.json?To=${encodeURIComponent(TO)}`);
    const list = await json(res);
    assert.equal(res.status, 200);
    assert.ok(list.messages.length >= 1);
    for (const m of list.messages) assert.equal(m.to, TO);
  });
});
