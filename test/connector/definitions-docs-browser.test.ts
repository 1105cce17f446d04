import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startConnector, type Harness } from './harness.js';

// /docs in a real browser against a real connector and sandbox: the "try it" forms are how a
// newcomer first calls the connector, so they must work end to end.
describe('/docs try-it forms in Chromium', () => {
  let h: Harness;
  let browser: TestBrowser;
  let page: Page;
  const errors: string[] = [];
  before(async () => {
    h = await startConnector();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${h.url}/docs`);
    await page.fill('#sid', h.sb.accountSid);
    await page.fill('#token', h.sb.authToken);
  });
  after(async () => {
    await browser.close();
    await h.close();
  });

  async function open(operationId: string): Promise<void> {
    await page.locator(`#op-${operationId} details:has(form) > summary`).click();
  }

  async function submit(operationId: string): Promise<string> {
    const section = page.locator(`#op-${operationId}`);
    await section.locator('form.try button[type=submit]').click();
    const out = section.locator('.out');
    // the form shows "…" while the request runs, then "<status> <text>" and the body
    await out.filter({ hasText: /^[0-9]{3} / }).waitFor();
    return (await out.textContent()) ?? '';
  }

  it('sends a message and fetches it back with the forms', async () => {
    await open('SendMessage');
    const send = page.locator('#op-SendMessage textarea');
    await send.fill(JSON.stringify({ from: h.sb.phoneNumber, to: '+14155552671', body: 'from the docs page' }));
    const sent = await submit('SendMessage');
    assert.match(sent, /^200 /);
    const sid = /"sid": "(SM[0-9a-f]{32})"/.exec(sent)?.[1];
    assert.ok(sid, sent);
    await open('GetMessage');
    await page.fill('#op-GetMessage input[name=MessageId]', sid);
    const got = await submit('GetMessage');
    assert.match(got, /^200 /);
    assert.ok(got.includes('"body": "from the docs page"'), got);
    assert.deepEqual(errors, []);
  });

  it('shows the connector’s error envelope for bad input', async () => {
    await open('ListMessages');
    await page.fill('#op-ListMessages input[name=PageSize]', '5000');
    const out = await submit('ListMessages');
    assert.match(out, /^400 /);
    assert.match(out, /"code": "VALIDATION_FAILED"/);
    assert.match(out, /PageSize/);
  });
});
