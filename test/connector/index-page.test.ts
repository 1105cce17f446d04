// GET / is where a newcomer lands: HTML for a browser (checked in Chromium, including the
// /Messages.json link a browser then opens), JSON for API clients, every echoed value escaped.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { json } from '../helpers/sandbox.js';
import { startConnector, type Harness } from './harness.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function getWithHost(url: string, host: string, accept: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host, accept } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET / on the connector', () => {
  let h: Harness;
  let embedded: Harness;
  before(async () => {
    h = await startConnector();
    embedded = await startConnector({}, { sandboxUrl: h.sb.url }, h.sb);
  });
  after(async () => {
    await embedded.close();
    await h.close();
  });

  it('answers JSON to API clients: the links and how to connect', async () => {
    for (const accept of ['application/json', '*/*', undefined]) {
      const res = await fetch(`${h.url}/`, accept === undefined ? {} : { headers: { accept } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = await json(res);
      assert.deepEqual(body.links, {
        docs: `${h.url}/docs`,
        swagger: `${h.url}/swagger.json`,
        openapi: `${h.url}/openapi.json`,
        health: `${h.url}/health`,
      });
      assert.match(body.connect.example, new RegExp(`^curl .* ${h.url}/Messages\\.json$`));
    }
    const withInbox = await json(await fetch(`${embedded.url}/`));
    assert.equal(withInbox.links.inbox, `${h.sb.url}/`);
  });

  it('escapes what it echoes from the request', async () => {
    const evil = 'x"><script>alert(1)</script>';
    const res = await getWithHost(`${h.url}/`, evil, 'text/html');
    assert.equal(res.status, 200);
    assert.ok(!res.body.includes('<script>'), res.body);
    assert.ok(res.body.includes('&#60;script&#62;'));
  });

  describe('in Chromium', () => {
    let browser: TestBrowser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(() => browser.close());

    it('shows the links, the inbox and the curl; the links open', async () => {
      const page = await browser.newPage();
      const res = await page.goto(`${embedded.url}/`);
      assert.equal(res?.status(), 200);
      assert.match(res?.headers()['content-type'] ?? '', /^text\/html/);
      assert.match((await page.locator('h1').textContent()) ?? '', /^Twilio connector /);
      const hrefs: string[] = [];
      for (const a of await page.locator('main a').all())
        hrefs.push(new URL((await a.getAttribute('href')) ?? '').href);
      assert.deepEqual(hrefs, [
        `${embedded.url}/docs`,
        `${embedded.url}/swagger.json`,
        `${embedded.url}/openapi.json`,
        `${embedded.url}/health`,
        `${h.sb.url}/`,
      ]);
      assert.match((await page.locator('pre').textContent()) ?? '', /curl -s -u "\$ACCOUNT_SID:\$AUTH_TOKEN"/);
      await page.locator('a', { hasText: 'API reference' }).click();
      await page.waitForURL(`${embedded.url}/docs`);
      assert.ok((await page.title()).includes('API reference'));
      // a browser opening a .json action with its own Accept header gets JSON, not XML
      await page.setExtraHTTPHeaders({ authorization: h.auth });
      const list = await page.goto(`${embedded.url}/Messages.json?PageSize=1`);
      assert.equal(list?.status(), 200);
      assert.match(list?.headers()['content-type'] ?? '', /^application\/json/);
      assert.ok(Array.isArray((JSON.parse((await list?.text()) ?? '') as { messages: unknown }).messages));
      await page.close();
    });
  });

  it('takes the browser’s Accept header as a request for HTML', async () => {
    const res = await fetch(`${h.url}/`, { headers: { accept: BROWSER_ACCEPT } });
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('vary') ?? '', /accept/i);
    const html = await res.text();
    assert.ok(!html.includes('Sandbox inbox'), 'no inbox link without an embedded sandbox');
  });
});
