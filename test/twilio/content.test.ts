// The typed client's Content API calls against the sandbox: JSON bodies, v1 `meta` paging followed
// across pages, WhatsApp approval, template sends; and the Content host at Twilio.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTENT_BASE_URL, TwilioApiError, TwilioClient } from '../../src/twilio/index.js';
import { startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('twilio client: Content API v1', () => {
  let sb: TestSandbox;
  let client: TwilioClient;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    client = new TwilioClient(
      { accountSid: sb.accountSid, username: sb.accountSid, password: sb.authToken },
      { baseUrl: sb.url },
    );
  });
  after(() => sb.close());

  it('creates, pages through, submits, sends and deletes templates', async () => {
    const a = await client.content.create({
      friendly_name: 'welcome',
      language: 'en',
      variables: { name: 'friend' },
      types: { 'twilio/text': { body: 'Welcome, {{name}}!' } },
    });
    assert.match(a.sid, /^HX[0-9a-f]{32}$/);
    assert.equal(a.friendly_name, 'welcome');
    const b = await client.content.create({ language: 'en', types: { 'twilio/text': { body: 'Bye' } } });

    const first = await client.content.list({ PageSize: 1 });
    assert.equal(first.items.length, 1);
    assert.notEqual(first.next_page_uri, null);
    const all: string[] = [];
    for await (const c of client.content.each({ PageSize: 1 })) all.push(c.sid);
    assert.deepEqual(all, [b.sid, a.sid]);

    const submitted = await client.content.submitForWhatsApp(a.sid, { name: 'welcome', category: 'UTILITY' });
    assert.equal(submitted.status, 'received');
    const withApprovals = await client.content.listWithApprovals();
    const entry = withApprovals.items.find((c) => c.sid === a.sid)!;
    assert.ok(['received', 'pending', 'approved'].includes(entry.approval_requests.status));
    assert.equal((await client.content.approval(a.sid)).whatsapp?.name, 'welcome');

    const sent = await client.messages.create({
      To: '+14155550199',
      From: sb.phoneNumber,
      ContentSid: a.sid,
      ContentVariables: JSON.stringify({ name: 'Grace' }),
    });
    assert.equal(sent.body, 'Welcome, Grace!');

    await client.content.remove(b.sid);
    await assert.rejects(client.content.fetch(b.sid), (err) => {
      assert.ok(err instanceof TwilioApiError);
      assert.equal(err.status, 404);
      assert.equal(err.twilioCode, 20404);
      return true;
    });
  });

  it('sends Content paths to content.twilio.com when it talks to Twilio itself', () => {
    const atTwilio = new TwilioClient({ accountSid: sb.accountSid, username: sb.accountSid, password: 'x' });
    assert.equal(atTwilio.resolve('/v1/Content'), `${CONTENT_BASE_URL}/v1/Content`);
    assert.equal(
      atTwilio.resolve('/v1/ContentAndApprovals?PageSize=5'),
      `${CONTENT_BASE_URL}/v1/ContentAndApprovals?PageSize=5`,
    );
    assert.equal(
      atTwilio.resolve('/Messages.json'),
      `https://api.twilio.com/2010-04-01/Accounts/${sb.accountSid}/Messages.json`,
    );
    // the sandbox (any other base URL) serves Content itself
    assert.equal(client.resolve('/v1/Content'), `${sb.url}/v1/Content`);
  });
});
