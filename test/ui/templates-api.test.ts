// What the inbox reads of Content templates, against a real sandbox through the official SDK:
// GET /_sandbox/templates (types, variables, the review as it stands and when it moves on, keyset
// pages, refused query values) and the `content` a template send keeps on the inbox's messages
// (buttons, a card's lines), unchanged after the template itself is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

const USER = 'whatsapp:+15551230000';

describe('inbox control API: Content templates', () => {
  let sb: TestSandbox;
  let sender = '';
  const get = async (path: string) => {
    const res = await fetch(sb.url + path);
    return { status: res.status, body: await json(res) };
  };
  const control = async (path: string, body: unknown) => {
    const res = await fetch(sb.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  };

  before(async () => {
    sb = await startSandbox({ data: ':memory:', logLevel: 'silent', statusDelay: 0 });
    sender = `whatsapp:${sb.phoneNumber}`;
    // the user writes first, so every template goes through whatever its review
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: USER, To: sender, Body: 'hi' }),
    });
    assert.equal(res.status, 201);
  });
  after(() => sb.close());

  it('lists no templates on a new sandbox, with the statuses a review can be set to', async () => {
    const { status, body } = await get('/_sandbox/templates');
    assert.equal(status, 200);
    assert.deepEqual(body.templates, []);
    assert.equal(body.next_before, null);
    assert.deepEqual(body.statuses, ['received', 'pending', 'approved', 'rejected', 'paused', 'disabled']);
    assert.equal(typeof body.review.approval_delay_ms, 'number');
  });

  it('shows each template with its types, variables and review, and when the review moves on', async () => {
    const patch = await fetch(`${sb.url}/_sandbox/content/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ approval_delay_ms: 60_000 }),
    });
    assert.equal(patch.status, 200);
    const t = await sb.client.content.v1.contents.create({
      friendly_name: 'order_update',
      language: 'en',
      variables: { 1: 'Ada' },
      types: {
        'twilio/text': { body: 'Hi {{1}}, your order shipped.' },
        'twilio/quick-reply': { body: 'Hi {{1}}, your order shipped.', actions: [{ title: 'Track', id: 'track' }] },
      },
    } as never);
    let { body } = await get('/_sandbox/templates');
    assert.equal(body.templates.length, 1);
    const [listed] = body.templates;
    assert.equal(listed.sid, t.sid);
    assert.equal(listed.friendly_name, 'order_update');
    assert.equal(listed.language, 'en');
    assert.deepEqual(listed.variables, { 1: 'Ada' });
    assert.deepEqual(Object.keys(listed.types), ['twilio/text', 'twilio/quick-reply']);
    assert.equal(listed.whatsapp_type, 'twilio/quick-reply');
    assert.deepEqual(listed.approval, {
      name: '',
      category: '',
      status: 'unsubmitted',
      rejection_reason: '',
      next_change_in_ms: null,
    });

    const submission: Record<string, unknown> = { name: 'order_update', category: 'UTILITY' };
    await sb.client.content.v1.contents(t.sid).approvalCreate.create(submission as any);
    ({ body } = await get('/_sandbox/templates'));
    const review = body.templates[0].approval;
    assert.equal(review.status, 'received');
    assert.equal(review.name, 'order_update');
    assert.ok(review.next_change_in_ms > 0 && review.next_change_in_ms <= 20_000, String(review.next_change_in_ms));

    const set = await control(`/_sandbox/content/${t.sid}/approval`, {
      status: 'rejected',
      rejection_reason: 'INVALID_FORMAT',
    });
    assert.equal(set.status, 200);
    ({ body } = await get('/_sandbox/templates'));
    assert.deepEqual(body.templates[0].approval, {
      name: 'order_update',
      category: 'UTILITY',
      status: 'rejected',
      rejection_reason: 'INVALID_FORMAT',
      next_change_in_ms: null,
    });
  });

  it('pages newest first by keyset and refuses what it cannot read', async () => {
    for (const name of ['second', 'third']) {
      await sb.client.content.v1.contents.create({
        friendly_name: name,
        language: 'en',
        types: { 'twilio/text': { body: name } },
      } as never);
    }
    const first = await get('/_sandbox/templates?limit=2');
    assert.deepEqual(
      first.body.templates.map((t: { friendly_name: string }) => t.friendly_name),
      ['third', 'second'],
    );
    assert.equal(typeof first.body.next_before, 'number');
    const next = await get(`/_sandbox/templates?limit=2&before=${first.body.next_before}`);
    assert.deepEqual(
      next.body.templates.map((t: { friendly_name: string }) => t.friendly_name),
      ['order_update'],
    );
    assert.equal(next.body.next_before, null);
    for (const query of ['limit=0', 'limit=201', 'limit=x', 'before=-1', 'before=1e3']) {
      const bad = await get(`/_sandbox/templates?${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.code, 20001, query);
    }
  });

  it('keeps what a template send showed on the message, after the template is gone', async () => {
    const card = await sb.client.content.v1.contents.create({
      friendly_name: 'card',
      language: 'en',
      variables: { 1: 'Ada' },
      types: {
        'twilio/card': {
          title: 'Hello {{1}}',
          subtitle: 'Your table is ready',
          actions: [{ type: 'URL', title: 'Menu', url: 'https://example.com/menu/{{1}}' }],
        },
        'whatsapp/card': {
          header_text: 'Table for {{1}}',
          body: 'Ready now',
          footer: 'Reply to cancel',
          actions: [{ type: 'QUICK_REPLY', title: 'On my way', id: 'coming' }],
        },
      },
    } as never);
    const sent = await sb.client.messages.create({ from: sender, to: USER, contentSid: card.sid });
    const sms = await sb.client.messages.create({
      from: sb.phoneNumber,
      to: '+15551230001',
      contentSid: (
        await sb.client.content.v1.contents.create({
          language: 'en',
          types: {
            'twilio/text': { body: 'Plain' },
            'twilio/quick-reply': { body: 'Plain', actions: [{ title: 'Yes' }] },
          },
        } as never)
      ).sid,
    });
    await sb.client.content.v1.contents(card.sid).remove();

    const { body } = await get(`/_sandbox/messages?number=${encodeURIComponent(sender)}`);
    const shown = body.messages.find((m: { sid: string }) => m.sid === sent.sid);
    assert.equal(shown.body, 'Table for Ada\nReady now\nReply to cancel');
    assert.deepEqual(shown.content, {
      sid: card.sid,
      type: 'whatsapp/card',
      whatsapp_approved: false,
      buttons: [{ type: 'QUICK_REPLY', title: 'On my way', id: 'coming' }],
      card: { header_text: 'Table for Ada', body: 'Ready now', footer: 'Reply to cancel' },
    });
    const detail = await get(`/_sandbox/messages/${sms.sid}`);
    assert.equal(detail.body.message.content.type, 'twilio/text');
    assert.deepEqual(detail.body.message.content.buttons, []);
    const inbound = body.messages.find((m: { body: string }) => m.body === 'hi');
    assert.equal(inbound.content, null);
  });
});
