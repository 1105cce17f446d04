// The inbox in real Chromium: live updates, the "text this number" composer with a webhook that
// replies, message details with webhook rows, search, keyboard use, and a narrow window.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const CUSTOMER = '+15551230000';
const OTHER = '+15558675310';
const SHOTS = 'test-results/ui';

interface HookRequest {
  signature: string | undefined;
  params: URLSearchParams;
}

/** The user's app: answers every incoming text with a TwiML echo, and serves an image. */
async function startWebhookApp(): Promise<{ server: Server; url: string; requests: HookRequest[] }> {
  const requests: HookRequest[] = [];
  const read = async (req: IncomingMessage): Promise<string> => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    return body;
  };
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/cat.png') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end(
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120"><rect width="160" height="120" fill="#f6c177"/><circle cx="80" cy="64" r="34" fill="#8b5e34"/><text x="80" y="72" font-size="22" text-anchor="middle" fill="#fff">cat</text></svg>',
      );
      return;
    }
    void read(req).then((raw) => {
      const params = new URLSearchParams(raw);
      const signature = req.headers['x-twilio-signature'];
      requests.push({ signature: typeof signature === 'string' ? signature : undefined, params });
      res.writeHead(200, { 'content-type': 'text/xml' });
      const text = (params.get('Body') ?? '').replace(/[<&>]/g, '');
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>Echo: ${text}</Message></Response>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function openInbox(browser: TestBrowser, url: string, viewport?: { width: number; height: number }) {
  const page = await browser.newPage(viewport);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

// page scripts are strings: the tests compile without the DOM library
const activeId = (page: Page): Promise<string | undefined> => page.evaluate('document.activeElement?.id');

const bubble = (page: Page, text: string, side: 'in' | 'out' = 'in') =>
  page.locator(`#thread .bubble.${side}`, { hasText: text });

describe('inbox web UI in Chromium', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let hook: Awaited<ReturnType<typeof startWebhookApp>>;
  let page: Page;

  before(async () => {
    hook = await startWebhookApp();
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent', statusDelay: 0 });
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.incomingPhoneNumbers(number!.sid).update({ smsUrl: `${hook.url}/sms` });
    browser = await launchBrowser();
    await mkdir(SHOTS, { recursive: true });
    page = await openInbox(browser, sb.url);
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
    hook?.server.close();
  });

  it('shows a message sent through the REST API live, without a reload', async () => {
    await page.evaluate('globalThis.sameDocument = true');
    assert.equal(await page.locator('#thread .bubble').count(), 0);
    assert.match(await page.locator('#numbers').innerText(), new RegExp(`webhook: ${hook.url}/sms`));
    await sb.client.messages.create({ from: sb.phoneNumber, to: OTHER, body: 'Your code is 123456' });
    await bubble(page, 'Your code is 123456', 'out').locator('.badge', { hasText: 'Delivered' }).waitFor();
    await page.locator('#conversations .conversation', { hasText: OTHER }).waitFor();
    assert.equal(await page.evaluate('globalThis.sameDocument'), true);
    assert.match((await page.locator('#announcer').textContent()) ?? '', /New message to \+15558675310: Your code/);
  });

  it('stores an inbound text composed in the page and shows it and the webhook reply in the thread', async () => {
    await page.fill('#compose-from', CUSTOMER);
    await page.selectOption('#compose-to', sb.phoneNumber);
    await page.fill('#compose-body', 'Is the shop open today?');
    await page.fill('#compose-media', `${hook.url}/cat.png`);
    await page.click('#compose-send');
    await bubble(page, 'Is the shop open today?').waitFor();
    await bubble(page, 'Echo: Is the shop open today?', 'out').waitFor();
    // the image lives on another server: the thread names its host instead of fetching it
    await bubble(page, 'Is the shop open today?')
      .locator('.remote-media', { hasText: new URL(hook.url).host })
      .waitFor();
    assert.equal(await bubble(page, 'Is the shop open today?').locator('img').count(), 0);
    assert.match(await page.locator('#thread-heading').innerText(), new RegExp(`\\${CUSTOMER}`));

    const res = await fetch(`${sb.url}/_sandbox/messages?q=${encodeURIComponent(`from:${CUSTOMER}`)}`);
    const stored = (await json(res)).messages;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].body, 'Is the shop open today?');
    assert.equal(stored[0].direction, 'inbound');
    assert.equal(stored[0].media[0].url, `${hook.url}/cat.png`);
    assert.equal(hook.requests[0]?.params.get('Body'), 'Is the shop open today?');
  });

  it('shows every webhook of a message in its detail view: URL, signature, parameters, response', async () => {
    await bubble(page, 'Is the shop open today?').click();
    const webhook = page.locator('#detail .webhook').first();
    await webhook.waitFor();
    const text = await webhook.innerText();
    assert.match(text, /Incoming message webhook/);
    assert.ok(text.includes(`POST ${hook.url}/sms`), text);
    assert.match(text, /Response code\s+200/);
    assert.ok(hook.requests[0]?.signature, 'the app received a signature');
    assert.ok(text.includes(hook.requests[0].signature), 'the page shows the signature the app received');
    assert.ok(text.includes('Echo: Is the shop open today?'), 'the response body is shown');
    await webhook.locator('.params tr', { hasText: 'Is the shop open today?' }).waitFor();
    const detail = await page.locator('#detail').innerText();
    assert.match(detail, /received/i);
    assert.match(detail, /GSM-7 · 1 segment/);
  });

  it('narrows the list as a search is typed, and updates the results live', async () => {
    await page.fill('#search', `from:${CUSTOMER}`);
    await page.locator('#results-status', { hasText: `1 message match “from:${CUSTOMER}”` }).waitFor();
    assert.equal(await page.locator('#result-list .result').count(), 1);
    assert.equal(await page.locator('#thread-section').isHidden(), true);
    await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: CUSTOMER, To: sb.phoneNumber, Body: 'And tomorrow?' }),
    });
    await page.locator('#result-list .result', { hasText: 'And tomorrow?' }).waitFor();
    assert.equal(await page.locator('#result-list .result').count(), 2);

    await page.fill('#search', 'status:lost');
    await page.locator('#results-status', { hasText: 'status: must be one of' }).waitFor();
    await page.press('#search', 'Escape');
    await page.locator('#thread-section').waitFor({ state: 'visible' });
  });

  it('can be used with the keyboard alone: skip link to the composer, send with Ctrl+Enter', async () => {
    const fresh = await openInbox(browser, sb.url);
    await fresh.keyboard.press('Tab');
    assert.equal(await fresh.evaluate('document.activeElement?.textContent'), 'Skip to conversation');
    await fresh.keyboard.press('Tab');
    await fresh.keyboard.press('Enter');
    assert.equal(await activeId(fresh), 'compose-from');
    await fresh.keyboard.press('Tab');
    assert.equal(await activeId(fresh), 'compose-to');
    await fresh.keyboard.press('Tab');
    assert.equal(await activeId(fresh), 'compose-body');
    await fresh.keyboard.type('Typed without a mouse');
    await fresh.keyboard.press('Control+Enter');
    await bubble(fresh, 'Typed without a mouse').waitFor();
    // the composer hands focus back to the message box once its send has settled (button enabled again)
    await fresh.locator('#compose-send:not([disabled])').waitFor();
    assert.equal(await activeId(fresh), 'compose-body');
    // "/" jumps to search from anywhere but a text field
    await fresh.locator('#thread-heading').focus();
    await fresh.keyboard.press('/');
    assert.equal(await activeId(fresh), 'search');
    // landmarks and labels a screen reader announces
    assert.equal(await fresh.getByRole('banner').count(), 1);
    assert.equal(await fresh.getByRole('navigation', { name: 'Numbers and conversations' }).count(), 1);
    assert.equal(await fresh.getByRole('main').count(), 1);
    assert.equal(await fresh.getByRole('complementary', { name: /Message details/ }).count(), 1);
    assert.equal(await fresh.getByRole('search').count(), 1);
    assert.equal(await fresh.getByLabel('Message', { exact: true }).count(), 1);
    await fresh.close();
  });

  it('comes back to the same conversation and message after a reload', async () => {
    await bubble(page, 'Echo: Is the shop open today?', 'out').click();
    await page.locator('#detail .detail-head', { hasText: 'Delivered' }).waitFor();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.locator('#thread-heading').innerText(), new RegExp(`\\${CUSTOMER}`));
    assert.match(await page.locator('#detail').innerText(), /Echo: Is the shop open today\?/);
  });

  it('shows the credentials in settings and deletes a message from its detail view', async () => {
    const other = await openInbox(browser, sb.url);
    await other.click('#settings-open');
    const dialog = other.getByRole('dialog', { name: 'Settings & credentials' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.ok(text.includes(sb.accountSid) && text.includes(sb.authToken), 'SID and token are shown');
    assert.equal(await dialog.getByRole('button', { name: 'Copy auth token' }).count(), 1);
    await dialog.locator('#settings-list', { hasText: /Realism and fault injection|not available/ }).waitFor();
    await other.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.locator('#conversations .conversation', { hasText: '+15558675310' }).click();
    await bubble(page, 'Your code is 123456', 'out').waitFor();
    await other.locator('#conversations .conversation', { hasText: '+15558675310' }).click();
    await bubble(other, 'Your code is 123456', 'out').click();
    await other.getByRole('button', { name: 'Delete message' }).click();
    await bubble(other, 'Your code is 123456', 'out').waitFor({ state: 'detached' });
    // the first page hears about it and drops the bubble without being touched
    await bubble(page, 'Your code is 123456', 'out').waitFor({ state: 'detached' });
    const res = await fetch(`${sb.url}/_sandbox/messages?q=${encodeURIComponent('123456')}`);
    assert.deepEqual((await json(res)).messages, []);
    await other.close();
  });

  it('fits a narrow window without sideways scrolling, and looks right (screenshots)', async () => {
    await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557654321', body: 'See you at six' });
    await sb.client.messages.create({
      from: sb.phoneNumber,
      to: CUSTOMER,
      body: 'Yes! Open 9–17 today. Here is the storefront.',
      mediaUrl: [`${hook.url}/cat.png`],
    });
    await page.locator('#conversations .conversation', { hasText: CUSTOMER }).click();
    await bubble(page, 'Here is the storefront', 'out').waitFor();
    await bubble(page, 'Is the shop open today?').click();
    await page.locator('#detail .webhook').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/inbox.png` });
    if (process.env['UPDATE_SCREENSHOTS'] === '1') await page.screenshot({ path: 'docs/images/inbox.png' });

    const narrow = await openInbox(browser, sb.url, { width: 400, height: 860 });
    await narrow.locator('#thread .bubble').first().waitFor();
    const overflow = await narrow.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a 400px window`);
    await narrow.screenshot({ path: `${SHOTS}/inbox-narrow.png`, fullPage: true });
    await narrow.close();
  });
});
