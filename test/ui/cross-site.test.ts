// The sandbox and its inbox against the pages a developer visits, in real Chromium: a page from
// another origin tries to post a form and a no-cors fetch to the control API and nothing changes;
// with --ui-auth the inbox works for whoever has the password; remote images wait for a click; and
// right-to-left overrides in a message stay inside it.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { basic, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * Polls a condition from the test side: the inbox's CSP forbids eval, which string predicates of
 * page.waitForFunction need once they poll inside the page.
 */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CUSTOMER = '+15551230000';
const RLO = '\u202E';

interface Other {
  server: Server;
  url: string;
  /** requests it received, as "METHOD /path" */
  seen: string[];
}

/** A second local server on another port: the foreign site, the user's webhook and an image host. */
async function startOther(page: (url: string) => string): Promise<Other> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    if (req.url === '/attack') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(url));
    } else if (req.url === '/cat.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30"/></svg>');
    } else {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<Response/>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, seen };
}

const count = (sb: TestSandbox, table: string): number =>
  (sb.sandbox.ctx.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

async function openInbox(browser: TestBrowser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

describe('a page from another origin cannot drive the sandbox', () => {
  let sb: TestSandbox;
  let other: Other;
  let browser: TestBrowser;

  before(async () => {
    sb = await startSandbox();
    // the attack page: a form posted into a frame, then no-cors and CORS fetches; it reports what it saw
    other = await startOther(
      () => `<!doctype html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="${sb.url}/_sandbox/inbound" target="sink">
  <input name="From" value="${CUSTOMER}"><input name="To" value="${sb.phoneNumber}"><input name="Body" value="forged by a page">
</form>
<script>
  const results = {};
  document.querySelector('iframe').addEventListener('load', async () => {
    results.form = 'posted';
    await fetch('${sb.url}/_sandbox/reset', { method: 'POST', mode: 'no-cors' }).then(() => (results.reset = 'sent'), (e) => (results.reset = String(e)));
    await fetch('${sb.url}/_sandbox/inbound', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain', 'x-sandbox-request': '1' }, body: JSON.stringify({ From: '${CUSTOMER}', To: '${sb.phoneNumber}', Body: 'no-cors' }) }).then(() => (results.nocors = 'sent'), (e) => (results.nocors = String(e)));
    await fetch('${sb.url}/_sandbox/messages/clear', { method: 'POST', headers: { 'x-sandbox-request': '1' } }).then((r) => (results.cors = r.status), (e) => (results.cors = 'blocked'));
    await fetch('${sb.url}/_sandbox/account').then((r) => r.text()).then((t) => (results.read = t), () => (results.read = 'blocked'));
    window.done = results;
  }, { once: true });
  document.getElementById('f').submit();
</script>`,
    );
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.incomingPhoneNumbers(number!.sid).update({ smsUrl: `${other.url}/sms` });
    await sb.client.messages.create({ from: sb.phoneNumber, to: CUSTOMER, body: 'keep me' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
    other?.server.close();
  });

  it('a cross-site form POST and no-cors fetches change nothing, and the page reads nothing', async () => {
    const before = { messages: count(sb, 'messages'), numbers: count(sb, 'incoming_numbers') };
    assert.equal(before.messages, 1);
    const page = await browser.newPage();
    await page.goto(`${other.url}/attack`);
    await page.waitForFunction('window.done !== undefined');
    const results = await page.evaluate<Record<string, unknown>>('window.done');
    // the requests left the browser (the no-cors ones resolve opaquely) …
    assert.equal(results['form'], 'posted');
    assert.equal(results['reset'], 'sent');
    assert.equal(results['nocors'], 'sent');
    assert.equal(results['cors'], 'blocked');
    assert.equal(results['read'], 'blocked');
    // … and the form's answer, shown in the frame, is the refusal
    const frame = page.frame({ name: 'sink' });
    assert.match((await frame?.content()) ?? '', /Refused/);
    // nothing changed, and the user's webhook was never called
    assert.deepEqual({ messages: count(sb, 'messages'), numbers: count(sb, 'incoming_numbers') }, before);
    assert.deepEqual(
      other.seen.filter((r) => r.startsWith('POST /sms')),
      [],
    );
    await page.close();
  });

  it('the same origin, through the inbox, still changes it', async () => {
    const page = await openInbox(browser, sb.url);
    await page.fill('#compose-from', CUSTOMER);
    await page.selectOption('#compose-to', sb.phoneNumber);
    await page.fill('#compose-body', 'typed in the inbox');
    await page.click('#compose-send');
    await page.locator('#thread .bubble.in', { hasText: 'typed in the inbox' }).waitFor();
    assert.equal(count(sb, 'messages'), 2);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#settings-open');
    await page.click('#clear-all');
    await page.locator('#clear-status', { hasText: /Deleted 2 messages/ }).waitFor();
    assert.equal(count(sb, 'messages'), 0);
    await page.close();
  });
});

describe('the inbox behind --ui-auth', () => {
  const AUTH = { user: 'dev', password: 'inbox-secret' };
  let sb: TestSandbox;
  let browser: TestBrowser;

  before(async () => {
    sb = await startSandbox({ uiAuth: AUTH });
    browser = await launchBrowser({ httpCredentials: { username: AUTH.user, password: AUTH.password } });
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
  });

  it('works with the password: page, live events and the composer', async () => {
    const page = await openInbox(browser, sb.url);
    await sb.client.messages.create({ from: sb.phoneNumber, to: CUSTOMER, body: 'pushed live' });
    await page.locator('#thread .bubble.out', { hasText: 'pushed live' }).waitFor();
    await page.fill('#compose-from', CUSTOMER);
    await page.selectOption('#compose-to', sb.phoneNumber);
    await page.fill('#compose-body', 'sent behind a password');
    await page.click('#compose-send');
    await page.locator('#thread .bubble.in', { hasText: 'sent behind a password' }).waitFor();
    assert.equal(count(sb, 'messages'), 2);
    await page.close();
  });

  it('shows nothing without it', async () => {
    const stranger = await launchBrowser({ httpCredentials: { username: AUTH.user, password: 'guess' } });
    try {
      const page = await stranger.newPage();
      const res = await page.goto(sb.url);
      assert.equal(res?.status(), 401);
      assert.ok(!(await page.content()).includes(sb.authToken));
    } finally {
      await stranger.close();
    }
    const res = await fetch(`${sb.url}/_sandbox/account`, { headers: { authorization: basic('dev', 'guess') } });
    assert.equal(res.status, 401);
  });
});

describe('the inbox shows what a message brings without letting it track or spoof', () => {
  let sb: TestSandbox;
  let images: Other;
  let browser: TestBrowser;
  let page: Page;

  const inbound = async (body: Record<string, unknown>): Promise<{ sid: string }> => {
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: CUSTOMER, To: sb.phoneNumber, ...body }),
    });
    assert.equal(res.status, 201);
    return (await json(res)) as { sid: string };
  };

  before(async () => {
    sb = await startSandbox();
    images = await startOther(() => '');
    // a name is the API user's to choose, overrides included
    const [number] = await sb.client.incomingPhoneNumbers.list({ phoneNumber: sb.phoneNumber });
    await sb.client.incomingPhoneNumbers(number!.sid).update({ friendlyName: `Shop ${RLO}nepo` });
    browser = await launchBrowser();
    page = await openInbox(browser, sb.url);
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
    images?.server.close();
  });

  it('loads a remote image only when asked; the sandbox’s own media loads at once', async () => {
    const remote = await inbound({
      Body: 'remote picture',
      MediaUrl: `${images.url}/cat.svg`,
      MediaContentType: 'image/svg+xml',
    });
    await inbound({ Body: 'own picture', MediaUrl: `${sb.url}/ui/icon.svg`, MediaContentType: 'image/svg+xml' });
    const own = page.locator('#thread .bubble.in', { hasText: 'own picture' });
    await own.locator('img.thumb').waitFor();
    await until(() => own.locator('img.thumb').evaluate((img: { complete: boolean }) => img.complete));
    // a failed load would have replaced it with "image unavailable"
    assert.equal(await own.locator('img.thumb').count(), 1);

    const bubble = page.locator('#thread .bubble.in', { hasText: 'remote picture' });
    await bubble.locator('.remote-media', { hasText: new URL(images.url).host }).waitFor();
    assert.equal(await bubble.locator('img').count(), 0);
    await bubble.click();
    const media = page.locator('#detail section[aria-label="Media"]');
    await media.locator('.remote-media', { hasText: new URL(images.url).host }).waitFor();
    assert.equal(await media.locator('img').count(), 0);
    assert.deepEqual(images.seen, [], 'opening the message fetched nothing from the image host');

    await media.getByRole('button', { name: 'Load image' }).click();
    await media.locator('img.thumb').waitFor();
    await until(() => media.locator('img.thumb').evaluate((img: { naturalWidth: number }) => img.naturalWidth > 0));
    assert.deepEqual(images.seen, ['GET /cat.svg']);
    assert.ok(remote.sid);
  });

  it('keeps right-to-left overrides in bodies and names inside their own isolate', async () => {
    const body = `Pay ${RLO}gpj.exe now`;
    await inbound({ Body: body });
    const bubble = page.locator('#thread .bubble.in', { hasText: 'Pay' });
    await bubble.waitFor();
    await bubble.click();
    await page.locator('#detail .body-text', { hasText: 'Pay' }).waitFor();
    await page.fill('#search', 'Pay');
    await page.locator('#result-list .result', { hasText: 'Pay' }).waitFor();
    // every piece of text carrying the override sits in an element that isolates it, or alone in a block
    const report = await page.evaluate<{ where: string; ok: boolean }[]>(`(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.data.includes('${RLO}')) continue;
        const el = node.parentElement;
        const style = getComputedStyle(el);
        const isolated = ['isolate', 'isolate-override', 'plaintext'].includes(style.unicodeBidi);
        const alone = style.display !== 'inline' && el.textContent === node.data;
        out.push({ where: el.closest('[id]')?.id + ' ' + el.tagName, ok: isolated || alone });
      }
      return out;
    })()`);
    const places = new Set(report.map((r) => r.where.split(' ')[0]));
    for (const place of ['numbers', 'thread', 'conversations', 'result-list', 'detail-body'])
      assert.ok(places.has(place), place);
    assert.deepEqual(
      report.filter((r) => !r.ok),
      [],
    );
  });
});
