// The inbox's Event Streams panel in real Chromium: a sink taken through Test and Validate, its
// subscription's types, and each CloudEvents delivery with its answer, shown live as they happen.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('inbox Event Streams panel in Chromium', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let rx: Receiver;
  let page: Page;

  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    sb.client.events.baseUrl = sb.url;
    rx = await startReceiver();
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
    await rx?.close();
  });

  it('stays hidden without sinks, then shows sinks, types and deliveries live', async () => {
    assert.equal(await page.locator('#event-streams').isHidden(), true);
    const events = sb.client.events.v1;
    const sink = await events.sinks.create({
      description: 'Orders pipeline',
      sinkType: 'webhook',
      sinkConfiguration: { destination: `${rx.url}/events?secret=s3cret`, method: 'POST', batch_events: false },
    });
    await events.sinks(sink.sid).sinkTest.create();
    const [test] = await rx.waitFor(1);
    const testId = (JSON.parse(test!.body) as { data: { test_id: string } }).data.test_id;
    await events.sinks(sink.sid).sinkValidate.create({ testId });
    await events.subscriptions.create({
      description: 'delivered',
      sinkSid: sink.sid,
      types: [{ type: 'com.twilio.messaging.message.delivered', schema_version: 8 }],
    });
    rx.answer(() => ({ status: 200 }));
    await sb.client.messages.create({ from: sb.phoneNumber, to: '+15558675310', body: 'streamed' });

    const item = page.locator(`#stream-sinks li[data-sid="${sink.sid}"]`);
    await item.waitFor();
    assert.match(await item.innerText(), /Orders pipeline/);
    assert.match(await item.locator('.stream-status').innerText(), /active/);
    assert.match(await item.locator('.stream-types').innerText(), /messaging\.message\.delivered v8/);
    // the destination is shown without its query string
    assert.doesNotMatch(await item.innerText(), /s3cret/);
    const delivered = page.locator('#stream-deliveries li', { hasText: 'messaging.message.delivered' });
    await delivered.waitFor();
    assert.match(await delivered.innerText(), /delivered[\s\S]*HTTP 200[\s\S]*1 attempt/);
    await page.locator('#stream-deliveries li', { hasText: 'eventstreams.test-event' }).waitFor();
  });
});
