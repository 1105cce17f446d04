// The inbox's WhatsApp view in real Chromium: the WhatsApp senders in the side bar, composing as a
// WhatsApp user, the 24-hour window above the thread (open with its time left, then closed once the
// speed-up has crossed a day, with the 63016 failure in the thread), delivery ticks, and "The user
// read it" turning a delivered message read.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { json, patchSettings, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const USER = '+15551230000';

describe('inbox: WhatsApp in Chromium', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let page: Page;
  let sender = '';

  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent', statusDelay: 0 });
    sender = `whatsapp:${sb.phoneNumber}`;
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
  });

  it('lists the WhatsApp senders and the WhatsApp Sandbox with its join message', async () => {
    const list = page.locator('#wa-senders');
    await list.locator('button', { hasText: sender }).waitFor();
    const sandbox = list.locator('button', { hasText: 'whatsapp:+14155238886' });
    await sandbox.waitFor();
    assert.match((await sandbox.textContent()) ?? '', /join [a-z]+-[a-z]+/);
  });

  it('writes as the WhatsApp user, then shows the open window with its time left', async () => {
    await page.locator('#wa-senders button', { hasText: sender }).click();
    assert.equal(await page.locator('#compose-to').inputValue(), sender);
    await page.fill('#compose-from', USER);
    await page.fill('#compose-body', 'Hola, ¿está abierto?');
    await page.click('#compose-send');
    await page.locator('#thread .bubble.in', { hasText: 'Hola, ¿está abierto?' }).waitFor();
    const stored = await sb.client.messages.list({ to: sender });
    assert.equal(stored[0]?.from, `whatsapp:${USER}`);
    const bar = page.locator('#wa-window');
    await bar.locator('text=/Window open · 2[34] h/').waitFor();
    assert.equal(await bar.getAttribute('data-open'), 'true');
  });

  it('shows delivery ticks, and "The user read it" makes a delivered message read', async () => {
    const sent = await sb.client.messages.create({ from: sender, to: `whatsapp:${USER}`, body: 'Sí, hasta las 8' });
    const out = page.locator('#thread .bubble.out', { hasText: 'Sí, hasta las 8' });
    await out.locator('.ticks:not(.read)').waitFor();
    assert.equal(await out.locator('.ticks').getAttribute('aria-label'), 'WhatsApp: delivered');
    await page.locator('#wa-read').click();
    await out.locator('.ticks.read').waitFor();
    assert.equal((await sb.client.messages(sent.sid).fetch()).status, 'read');
    await mkdir('test-results/ui', { recursive: true });
    await page.screenshot({ path: 'test-results/ui/whatsapp.png' });
  });

  it('shows the window closed once a day has passed, and the free-form message failing with 63016', async () => {
    await patchSettings(sb, { speed_up: 100_000 });
    let open = true;
    while (open) open = (await json(await fetch(`${sb.url}/_sandbox/whatsapp`))).windows[0].open;
    const late = await sb.client.messages.create({ from: sender, to: `whatsapp:${USER}`, body: 'Are you there?' });
    const bubble = page.locator('#thread .bubble.out', { hasText: 'Are you there?' });
    await bubble.locator('.error', { hasText: '63016' }).waitFor();
    await page.locator('#wa-window', { hasText: 'Window closed' }).waitFor();
    assert.equal(await page.locator('#wa-window').getAttribute('data-open'), 'false');
    assert.equal((await sb.client.messages(late.sid).fetch()).errorCode, 63016);
    await patchSettings(sb, { speed_up: 1 });
  });
});
