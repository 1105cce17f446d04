// A receiver that accepts webhooks and never answers holds a few of the dispatcher's requests, not
// all of them: webhooks queued for other receivers go out while its requests hang. Counted at both
// real receivers, with no clock involved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_PER_DESTINATION } from '../../src/sandbox/delivery/destinations.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { sendOutbound } from '../helpers/outbound.js';

describe('webhook delivery per receiver', () => {
  let sb: TestSandbox;
  let stuck: Receiver;
  let healthy: Receiver;
  before(async () => {
    // the hanging requests outlive the test: only its end cuts them
    sb = await startSandbox({ statusDelay: 0, webhookRetries: 0, webhookTimeout: 60_000 });
    stuck = await startReceiver();
    stuck.answer(() => ({ hang: true }));
    healthy = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await stuck.close();
    await healthy.close();
  });

  it('keeps delivering to a healthy receiver while another hangs', async () => {
    // more hanging webhooks than the dispatcher has requests, queued before the healthy ones
    for (let i = 0; i < 40; i++) sendOutbound(sb, { status_callback: `${stuck.url}/hang/${i}` });
    for (let i = 0; i < 5; i++) sendOutbound(sb, { status_callback: `${healthy.url}/ok/${i}` });
    // each healthy message reports sending, sent and delivered; the race ends early if the stuck
    // receiver is given more than its share
    await Promise.race([
      Promise.all([healthy.waitFor(15), stuck.waitFor(MAX_PER_DESTINATION)]),
      stuck.waitFor(MAX_PER_DESTINATION + 1),
    ]);
    assert.equal(stuck.received.length, MAX_PER_DESTINATION, 'the hanging receiver holds its share only');
    assert.equal(healthy.received.length, 15, 'every callback of the healthy receiver arrived meanwhile');
  });
});
