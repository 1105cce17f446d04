// The inbox with many stored messages: lists stay paged (50 at a time) in the page, and asking
// for more brings the next page, not everything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { storeMessage } from '../helpers/messages.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const PEERS = 120;
const PER_PEER = 40;
const BUSY = '+15550000000';

describe('inbox with thousands of messages', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let page: Page;

  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent' });
    const db = sb.sandbox.ctx.db;
    const t0 = Date.UTC(2024, 4, 1);
    db.transaction(() => {
      // one busy counterpart last, so it is the newest conversation and has a long thread
      const peers = [...Array.from({ length: PEERS - 1 }, (_, i) => `+1555${String(i + 1).padStart(7, '0')}`), BUSY];
      let n = 0;
      for (const peer of peers) {
        const count = peer === BUSY ? 1000 : PER_PEER;
        for (let i = 0; i < count; i++, n++) {
          const inbound = i % 2 === 0;
          storeMessage(sb, {
            to_addr: inbound ? sb.phoneNumber : peer,
            from_addr: inbound ? peer : sb.phoneNumber,
            body: `${peer} #${i}`,
            status: inbound ? 'received' : 'delivered',
            direction: inbound ? 'inbound' : 'outbound-api',
            price: null,
            date_created: t0 + n * 1000,
          });
        }
      }
    })();
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
  });

  it('shows 50 conversations and the newest 50 messages of the open thread, then pages on request', async () => {
    assert.equal(await page.locator('#conversations .conversation').count(), 50);
    assert.match(await page.locator('#thread-heading').innerText(), /\+15550000000/);
    const bubbles = page.locator('#thread .bubble');
    assert.equal(await bubbles.count(), 50);
    assert.match(await bubbles.last().innerText(), /#999/);
    assert.match(await bubbles.first().innerText(), /#950/);

    await page.click('#thread-older');
    await page.locator('#thread .bubble', { hasText: '#900' }).waitFor();
    assert.equal(await bubbles.count(), 100);
    assert.match(await bubbles.first().innerText(), /#900/);

    await page.click('#conversations-more');
    await page.locator('#conversations .conversation').nth(50).waitFor();
    assert.equal(await page.locator('#conversations .conversation').count(), 100);
  });

  it('pages search results too', async () => {
    await page.fill('#search', 'direction:inbound');
    await page.locator('#results-status', { hasText: '50+ messages match' }).waitFor();
    assert.equal(await page.locator('#result-list .result').count(), 50);
    await page.click('#results-more');
    await page.locator('#result-list .result').nth(50).waitFor();
    assert.equal(await page.locator('#result-list .result').count(), 100);
  });
});
