// Content templates in the inbox, in real Chromium: template sends drawn as WhatsApp shows them
// (quick replies, call-to-action buttons, a list picker, a card; plain text over SMS), tapping a
// quick reply or a list entry as the user (the webhook carries WhatsApp's button and list fields),
// a hostile template that stays text, and the Templates panel following a review live: empty,
// unsubmitted, received → pending → approved by itself, rejected from the panel with a reason,
// paused from the control API.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const USER = 'whatsapp:+15551230000';
const SMS_USER = '+15551230001';
const RLO = '\u202E';

/** The webhook of the sandbox's number: every inbound message's parameters, in order. */
async function startHook(): Promise<{ server: Server; url: string; seen: URLSearchParams[] }> {
  const seen: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(new URLSearchParams(body));
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

async function until<T>(check: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('inbox: Content templates in Chromium', () => {
  let sb: TestSandbox;
  let browser: TestBrowser;
  let page: Page;
  let hook: Awaited<ReturnType<typeof startHook>>;
  let sender = '';

  const create = (doc: Record<string, unknown>) => sb.client.content.v1.contents.create(doc as never);
  const control = async (method: string, path: string, body: unknown): Promise<void> => {
    const res = await fetch(sb.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, JSON.stringify(await json(res)));
  };
  const openThread = async (number: string, peer: string) => {
    // a fresh load: going to the same page with another fragment is no navigation, and the page may
    // write its current place back into the address bar before a reload would read the new one
    await page.goto('about:blank');
    await page.goto(`${sb.url}/#number=${encodeURIComponent(number)}&with=${encodeURIComponent(peer)}`);
    await page.waitForSelector('body[data-ready="true"]');
  };
  const templateItem = (sid: string) => page.locator(`#template-list li[data-sid="${sid}"]`);

  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent', statusDelay: 0 });
    sender = `whatsapp:${sb.phoneNumber}`;
    hook = await startHook();
    const [number] = await sb.client.incomingPhoneNumbers.list();
    await sb.client.incomingPhoneNumbers(number!.sid).update({ smsUrl: hook.url });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await browser?.close();
    await sb?.close();
    hook?.server.close();
  });

  it('says there are no templates yet', async () => {
    const empty = page.locator('#templates-empty');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /No Content templates yet/);
    assert.equal(await page.locator('#template-list li').count(), 0);
  });

  it('follows a review live: unsubmitted, received, pending, approved by itself', async () => {
    // received for 5 s, pending for 10 s: each state lasts long enough to be seen on a loaded machine
    await control('PATCH', '/_sandbox/content/settings', { approval_delay_ms: 15_000 });
    const t = await create({
      friendly_name: 'order_update',
      language: 'en',
      variables: { 1: 'Ada', 2: 'A-42' },
      types: { 'twilio/text': { body: 'Hi {{1}}, order {{2}} shipped.' } },
    });
    const item = templateItem(t.sid);
    await item.locator('.badge[data-status="unsubmitted"]').waitFor();
    assert.equal(await page.locator('#templates-empty').isHidden(), true);
    assert.match((await item.locator('.template-types').textContent()) ?? '', /twilio\/text · en/);
    await item.locator('summary').click();
    assert.deepEqual(await item.locator('.template-variables dt').allTextContents(), ['{{1}}', '{{2}}']);
    assert.deepEqual(await item.locator('.template-variables dd').allTextContents(), ['Ada', 'A-42']);

    const submission: Record<string, unknown> = { name: 'order_update', category: 'UTILITY' };
    await sb.client.content.v1.contents(t.sid).approvalCreate.create(submission as any);
    await item.locator('.badge[data-status="received"]').waitFor();
    // nothing is published when the review moves on: the panel looks again when it is due
    await item.locator('.badge[data-status="pending"]').waitFor();
    await item.locator('.badge[data-status="approved"]').waitFor({ timeout: 20_000 });
    assert.equal(await item.locator('summary').isVisible(), true);
  });

  it('rejects a template from the panel with a reason, and shows a pause set from the control API', async () => {
    const t = await create({
      friendly_name: 'promo',
      language: 'en',
      types: { 'twilio/text': { body: 'Sale!' } },
    });
    const item = templateItem(t.sid);
    await item.waitFor();
    await item.locator('summary').click();
    await item.locator('select[name="status"]').selectOption('rejected');
    await item.locator('input[name="rejection_reason"]').fill('INVALID_FORMAT - the body is too short');
    // another template arriving redraws the panel: what the reader is typing stays
    const other = await create({ friendly_name: 'other', language: 'en', types: { 'twilio/text': { body: 'x' } } });
    await templateItem(other.sid).waitFor();
    assert.equal(
      await item.locator('input[name="rejection_reason"]').inputValue(),
      'INVALID_FORMAT - the body is too short',
    );
    assert.equal(await item.locator('select[name="status"]').inputValue(), 'rejected');
    await item.getByRole('button', { name: 'Set' }).click();
    await item.locator('.badge[data-status="rejected"]').waitFor();
    assert.equal(await item.locator('.rejection').textContent(), 'Rejected: INVALID_FORMAT - the body is too short');
    const listed = await sb.client.content.v1.contentAndApprovals.list();
    const review = listed.find((x) => x.sid === t.sid)!.approvalRequests as Record<string, unknown>;
    assert.equal(review['status'], 'rejected');
    assert.equal(review['rejection_reason'], 'INVALID_FORMAT - the body is too short');

    await control('POST', `/_sandbox/content/${t.sid}/approval`, { status: 'paused' });
    await item.locator('.badge[data-status="paused"]').waitFor();
    assert.equal(await item.locator('.rejection').count(), 0);
    assert.match((await page.locator('#templates-status').textContent()) ?? '', /promo: rejected/);
  });

  it('shows each kind of template with its buttons, and the user taps them', async () => {
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: USER, To: sender, Body: 'Where is my order?' }),
    });
    assert.equal(res.status, 201);
    const quick = await create({
      language: 'en',
      variables: { 1: 'A-42' },
      types: {
        'twilio/text': { body: 'Order {{1}} shipped.' },
        'twilio/quick-reply': {
          body: 'Order {{1}} shipped.',
          actions: [
            { title: 'Track it', id: 'track-{{1}}' },
            { title: 'Cancel', id: 'cancel' },
          ],
        },
      },
    });
    const cta = await create({
      language: 'en',
      types: {
        'twilio/call-to-action': {
          body: 'Need help?',
          actions: [
            { type: 'URL', title: 'Open order', url: 'https://example.com/orders/42' },
            { type: 'PHONE_NUMBER', title: 'Call us', phone: '+15551112222' },
            { type: 'COPY_CODE', title: 'Copy code', code: 'SAVE10' },
          ],
        },
      },
    });
    const list = await create({
      language: 'en',
      types: {
        'twilio/list-picker': {
          body: 'When shall we deliver?',
          button: 'Pick a day',
          items: [
            { id: 'mon', item: 'Monday', description: '9 to 12' },
            { id: 'tue', item: 'Tuesday' },
          ],
        },
      },
    });
    const card = await create({
      language: 'en',
      types: {
        'twilio/card': {
          title: 'Your table is ready',
          subtitle: 'Show this at the door',
          media: ['https://images.example.com/table.jpg'],
          actions: [{ type: 'QUICK_REPLY', title: 'On my way', id: 'coming' }],
        },
      },
    });
    const auth = await create({
      language: 'en',
      variables: { 1: '000000' },
      types: { 'whatsapp/authentication': { actions: [{ type: 'COPY_CODE', copy_code_text: 'Copy the code' }] } },
    });
    const sent: Record<string, string> = {};
    for (const [name, t] of Object.entries({ quick, cta, list, card, auth })) {
      const variables = name === 'auth' ? { contentVariables: JSON.stringify({ 1: '918273' }) } : {};
      sent[name] = (await sb.client.messages.create({ from: sender, to: USER, contentSid: t.sid, ...variables })).sid;
    }
    await openThread(sender, USER);

    const bubbleRow = (sid: string) => page.locator('#thread li', { has: page.locator(`[data-sid="${sid}"]`) });
    // quick replies
    const quickRow = bubbleRow(sent['quick']!);
    await quickRow.locator('.template-actions[data-type="twilio/quick-reply"]').waitFor();
    assert.deepEqual(await quickRow.locator('button.reply').allTextContents(), ['↩ Track it', '↩ Cancel']);
    assert.match((await quickRow.locator('.meta').textContent()) ?? '', /twilio\/quick-reply/);
    // call to action: a web link that cannot reach back, a phone number and a code to copy
    const ctaRow = bubbleRow(sent['cta']!);
    const link = ctaRow.locator('a', { hasText: 'Open order' });
    assert.equal(await link.getAttribute('href'), 'https://example.com/orders/42');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.match(
      (await ctaRow.locator('.template-action.url').textContent()) ?? '',
      /https:\/\/example\.com\/orders\/42/,
    );
    assert.match((await ctaRow.locator('.template-action.phone').textContent()) ?? '', /Call us.*\+15551112222/);
    assert.equal(await ctaRow.getByRole('button', { name: 'Copy code SAVE10' }).count(), 1);
    // a list picker opens like WhatsApp's sheet
    const listRow = bubbleRow(sent['list']!);
    const opener = listRow.locator('button.list-open');
    assert.equal(await opener.textContent(), '☰ Pick a day');
    assert.equal(await listRow.locator('.template-list').isHidden(), true);
    await opener.click();
    assert.equal(await opener.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await listRow.locator('.list-item-title').allTextContents(), ['Monday', 'Tuesday']);
    assert.equal(await listRow.locator('.list-item-description').textContent(), '9 to 12');
    // a card: its title apart, its image from elsewhere not loaded, its button
    const cardRow = bubbleRow(sent['card']!);
    assert.equal(await cardRow.locator('.card-title').textContent(), 'Your table is ready');
    assert.equal(await cardRow.locator('.card-subtitle').textContent(), 'Show this at the door');
    assert.match((await cardRow.locator('.remote-media').textContent()) ?? '', /images\.example\.com/);
    assert.deepEqual(await cardRow.locator('button.reply').allTextContents(), ['↩ On my way']);
    // an authentication template's button copies the code its text opens with
    const authRow = bubbleRow(sent['auth']!);
    assert.equal(await authRow.locator('.text').textContent(), '918273 is your verification code.');
    assert.equal(await authRow.getByRole('button', { name: 'Copy code 918273' }).textContent(), 'Copy the code');
    await mkdir('test-results/ui', { recursive: true });
    await page.screenshot({ path: 'test-results/ui/whatsapp-templates.png', fullPage: true });

    // the user taps a quick reply, then picks from the list
    const before = hook.seen.length;
    await quickRow.getByRole('button', { name: 'Track it' }).click();
    const tap = await until(() => hook.seen.slice(before).find((p) => p.get('ButtonText') === 'Track it'));
    assert.equal(tap.get('ButtonPayload'), 'track-A-42');
    assert.equal(tap.get('MessageType'), 'button');
    assert.equal(tap.get('Body'), 'Track it');
    assert.equal(tap.get('From'), USER);
    assert.equal(tap.get('To'), sender);
    assert.equal(tap.get('OriginalRepliedMessageSid'), sent['quick']);
    await page.locator('#thread .bubble.in', { hasText: 'Track it' }).waitFor();
    await listRow.getByRole('button', { name: 'Tuesday' }).click();
    const pick = await until(() => hook.seen.find((p) => p.get('ListId') === 'tue'));
    assert.equal(pick.get('ListTitle'), 'Tuesday');
    assert.equal(pick.get('MessageType'), 'interactive');
    assert.equal(pick.get('Body'), 'Tuesday');
    await page.locator('#thread .bubble.in', { hasText: 'Tuesday' }).waitFor();
    // the list the reader opened stays open while the thread is redrawn
    assert.equal(await listRow.locator('button.list-open').getAttribute('aria-expanded'), 'true');

    // the thread shows what was sent, whatever became of the template
    await sb.client.content.v1.contents(quick.sid).remove();
    await openThread(sender, USER);
    assert.deepEqual(await bubbleRow(sent['quick']!).locator('button.reply').allTextContents(), [
      '↩ Track it',
      '↩ Cancel',
    ]);
  });

  it('shows a template sent by SMS as the plain text SMS got', async () => {
    const t = await create({
      language: 'en',
      types: {
        'twilio/text': { body: 'Plain for SMS' },
        'twilio/quick-reply': { body: 'Buttons for WhatsApp', actions: [{ title: 'Yes' }] },
      },
    });
    const m = await sb.client.messages.create({ from: sb.phoneNumber, to: SMS_USER, contentSid: t.sid });
    await openThread(sb.phoneNumber, SMS_USER);
    const bubble = page.locator(`#thread [data-sid="${m.sid}"]`);
    await bubble.waitFor();
    assert.match((await bubble.locator('.text').textContent()) ?? '', /^Plain for SMS$/);
    assert.match((await bubble.locator('.meta').textContent()) ?? '', /twilio\/text/);
    assert.equal(await page.locator('#thread .template-actions').count(), 0);
    // the details name the template and the type sent; Twilio's fields stay Twilio's
    await bubble.click();
    const section = page.locator('#detail-body section[aria-label="Content template"]');
    await section.waitFor();
    assert.match((await section.textContent()) ?? '', new RegExp(`${t.sid}.*twilio/text`));
    assert.equal((await page.locator('#detail-body dt').allTextContents()).includes('content'), false);
  });

  it('keeps a hostile template as text: markup, a javascript: address and bidi overrides', async () => {
    const script = '<script>window.__pwned = 1</script>';
    const img = '<img src=x onerror="window.__pwned = 2">';
    const t = await create({
      friendly_name: `${img}${RLO}gnp.exe`,
      language: 'en',
      types: {
        'whatsapp/card': {
          header_text: script,
          body: `${img} ${RLO}evil`,
          footer: 'footer',
          actions: [
            { type: 'URL', title: `${RLO}Open me`, url: 'javascript:window.__pwned=3' },
            { type: 'QUICK_REPLY', title: `<b>${RLO}bold</b>`, id: 'x' },
          ],
        },
      },
    });
    const m = await sb.client.messages.create({ from: sender, to: USER, contentSid: t.sid });
    await openThread(sender, USER);
    const row = page.locator('#thread li', { has: page.locator(`[data-sid="${m.sid}"]`) });
    await row.locator('.template-actions').waitFor();
    assert.equal(await row.locator('.card-title').textContent(), script);
    assert.equal(await row.locator('.text').textContent(), `${img} ${RLO}evil`);
    assert.equal(await page.locator('#thread a[href^="javascript"]').count(), 0);
    assert.match((await row.locator('.template-action.url').textContent()) ?? '', /not a web address: javascript:/);
    await row.locator('.template-action.url').click();
    // every piece of the template's text sits in its own bidi isolate
    for (const text of [`${RLO}Open me`, `<b>${RLO}bold</b>`, `${img} ${RLO}evil`]) {
      assert.equal((await row.locator('bdi', { hasText: text }).count()) > 0, true, text);
    }
    const panelName = templateItem(t.sid).locator('.template-name');
    await panelName.waitFor();
    assert.equal(await panelName.evaluate((el: { tagName: string }) => el.tagName), 'BDI');
    assert.equal(await panelName.textContent(), `${img}${RLO}gnp.exe`);
    assert.equal(await page.locator('#thread script, #thread img[src="x"], #templates img[src="x"]').count(), 0);
    assert.equal(await page.evaluate<number | undefined>('window.__pwned'), undefined);
  });

  it('pages the panel: the newest 50, then the rest on request', async () => {
    const before = await page.locator('#template-list li').count();
    for (let i = 0; i < 50; i++) {
      await create({ friendly_name: `bulk_${i}`, language: 'en', types: { 'twilio/text': { body: `n${i}` } } });
    }
    await templateItem((await sb.client.content.v1.contents.list({ limit: 1 }))[0]!.sid).waitFor();
    const more = page.locator('#templates-more');
    await more.waitFor();
    assert.equal(await page.locator('#template-list li').count(), 50);
    await more.click();
    await more.waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#template-list li').count(), before + 50);
  });
});
