import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('realism settings in the inbox', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let page: Page;
  before(async () => {
    sb = await startSandbox();
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${sb.url}/`);
    await page.click('#settings-open');
    await page.locator('#settings-form').waitFor();
  });
  after(async () => {
    await browser.close();
    await sb.close();
  });

  const current = async (): Promise<any> => json(await fetch(`${sb.url}/_sandbox/settings`));

  it('saves labelled controls, including a new chaos rule, through the control API', async () => {
    const dialog = page.getByRole('dialog', { name: 'Settings & credentials' });
    await dialog.getByLabel('Queue messages at each sender’s rate').check();
    await dialog.getByLabel('Queue holds (seconds of backlog)').fill('120');
    await dialog.getByLabel('Apply these rules').check();
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await dialog.getByLabel('Rule type').selectOption('delivery_failure');
    await dialog.getByLabel('Twilio error code').selectOption('30007');
    await dialog.getByLabel('Probability').fill('0.5');
    await dialog.getByLabel('Keep at most (messages)').fill('1000');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Saved.').waitFor();

    const s = await current();
    assert.equal(s.throughput.enabled, true);
    assert.equal(s.throughput.queue_seconds, 120);
    assert.deepEqual(s.chaos, { enabled: true, rules: [{ type: 'delivery_failure', code: 30007, probability: 0.5 }] });
    assert.equal(s.retention.max_messages, 1000);
    assert.equal(s.concurrency.max_requests, 100);
  });

  it('shows the field the sandbox refused, and saves nothing', async () => {
    const dialog = page.getByRole('dialog', { name: 'Settings & credentials' });
    await dialog.getByLabel('Long code (segments/s)').fill('0');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText(/Not saved: throughput\.long_code_mps must be a number/).waitFor();
    assert.equal((await current()).throughput.long_code_mps, 1);
  });

  it('resets to the defaults', async () => {
    const dialog = page.getByRole('dialog', { name: 'Settings & credentials' });
    await dialog.getByRole('button', { name: 'Reset to defaults' }).click();
    // "Saved." may still be showing from the earlier save: wait for the reset itself to reach the form
    const checkbox = dialog.getByLabel('Queue messages at each sender’s rate');
    const deadline = Date.now() + 10_000;
    while ((await checkbox.isChecked()) && Date.now() < deadline) await page.waitForTimeout(50);
    assert.equal(await checkbox.isChecked(), false);
    assert.equal((await current()).chaos.rules.length, 0);
  });
});
