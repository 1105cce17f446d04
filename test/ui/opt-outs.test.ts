// The inbox's "Opted out" panel in real Chromium: a STOP appears there live with Twilio's reply in
// the thread, "Opt back in" lets the phone receive again, and the form opts a phone out by hand.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const PHONE = '+15557650199';

async function sendCode(sb: TestSandbox): Promise<number | undefined> {
  try {
    await sb.client.messages.create({ from: sb.phoneNumber, to: PHONE, body: 'Anyone there?' });
    return undefined;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe('inbox opt-outs in Chromium', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let page: Page;

  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent', statusDelay: 0 });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
  });

  it('shows a STOP as it happens, with the reply in the thread, and opts the phone back in', async () => {
    assert.equal(await page.locator('#optouts-empty').isVisible(), true);
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: PHONE, To: sb.phoneNumber, Body: 'Stop' }),
    });
    assert.equal(res.status, 201);
    const entry = page.locator('#optouts .optout', { hasText: PHONE });
    await entry.waitFor();
    assert.match(await entry.innerText(), new RegExp(`opted out of\\s+\\${sb.phoneNumber}[\\s\\S]*texted STOP`));
    assert.equal(await page.locator('#optouts-empty').isVisible(), false);
    await page.locator('#conversations .conversation', { hasText: PHONE }).click();
    await page.locator('#thread .bubble.out', { hasText: 'You have successfully been unsubscribed' }).waitFor();
    assert.equal(await sendCode(sb), 21610);

    await entry.getByRole('button', { name: `Opt ${PHONE} back in to ${sb.phoneNumber}` }).click();
    await entry.waitFor({ state: 'detached' });
    assert.match(await page.locator('#optout-status').innerText(), /may receive messages/);
    assert.equal(await sendCode(sb), undefined);
  });

  it('opts a phone out of the chosen number from the form', async () => {
    await page.getByLabel('Opt a phone out of this number').fill(PHONE);
    await page.getByRole('button', { name: 'Opt out', exact: true }).click();
    const entry = page.locator('#optouts .optout', { hasText: PHONE });
    await entry.waitFor();
    assert.match(await entry.innerText(), /opted out by hand/);
    assert.match(await page.locator('#optout-status').innerText(), /fail with 21610/);
    assert.equal(await sendCode(sb), 21610);
    // a bad number is refused with the sandbox's message, and nothing is added
    await page.getByLabel('Opt a phone out of this number').fill('12345');
    await page.getByRole('button', { name: 'Opt out', exact: true }).click();
    await page.locator('#optout-status', { hasText: 'E.164' }).waitFor();
    assert.equal(await page.locator('#optouts .optout').count(), 1);
  });
});
