import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('sandbox Messages: Media subresource', () => {
  let sb: TestSandbox;
  let sid: string;
  let base: string;
  const urls = [
    'https://example.com/a.png',
    'https://example.com/b.gif',
    'https://example.com/c.jpeg',
    'https://example.com/v.mp4',
  ];
  before(async () => {
    sb = await startSandbox({ statusDelay: 3_600_000 });
    sid = (await sb.client.messages.create({ to: '+15558675310', from: sb.phoneNumber, mediaUrl: urls })).sid;
    base = `/2010-04-01/Accounts/${sb.accountSid}/Messages/${sid}/Media`;
  });
  after(() => sb.close());

  it('lists media with the SDK, with content types from the URL extension', async () => {
    const media = await sb.client.messages(sid).media.list();
    assert.equal(media.length, 4);
    assert.deepEqual(media.map((m) => m.contentType).sort(), [
      'application/octet-stream',
      'image/gif',
      'image/jpeg',
      'image/png',
    ]);
    for (const m of media) {
      assert.match(m.sid, /^ME[0-9a-f]{32}$/);
      assert.equal(m.parentSid, sid);
      assert.equal(m.accountSid, sb.accountSid);
      assert.equal(m.uri, `${base}/${m.sid}.json`);
    }
  });

  it('pages media with the media_list key and PA tokens', async () => {
    const res = await sb.request('GET', `${base}.json?PageSize=3`);
    const page = await json(res);
    assert.equal(page.media_list.length, 3);
    assert.match(page.next_page_uri, /PageToken=PAME[0-9a-f]{32}$/);
    const next = await json(await sb.request('GET', page.next_page_uri));
    assert.equal(next.media_list.length, 1);
    assert.equal(next.next_page_uri, null);
    const all = await sb.client.messages(sid).media.list({ pageSize: 1 });
    assert.equal(new Set(all.map((m) => m.sid)).size, 4);
    const bad = await sb.request('GET', `${base}.json?PageToken=PAnope`);
    assert.equal(bad.status, 400);
    assert.equal((await json(bad)).code, 21481);
  });

  it('filters media by DateCreated', async () => {
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await sb.client.messages(sid).media.list({ dateCreated: new Date(`${today}T00:00:00Z`) })).length, 4);
    assert.equal((await sb.client.messages(sid).media.list({ dateCreatedBefore: new Date('2001-01-01') })).length, 0);
  });

  it('renders media in XML as <MediaList><Media>', async () => {
    const res = await sb.request('GET', base);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^<\?xml version='1.0' encoding='UTF-8'\?>\n<TwilioResponse><MediaList end="3" /);
    assert.equal(text.match(/<Media><AccountSid>/g)?.length, 4);
    const one = (await sb.client.messages(sid).media.list({ limit: 1 }))[0]!;
    const single = await sb.request('GET', `${base}/${one.sid}.xml`);
    assert.match(await single.text(), new RegExp(`<TwilioResponse><Media>.*<Sid>${one.sid}</Sid>`));
  });

  it('fetches and deletes one media item: 204, then 404', async () => {
    const [first] = await sb.client.messages(sid).media.list({ limit: 1 });
    assert.ok(first);
    assert.equal((await sb.client.messages(sid).media(first.sid).fetch()).sid, first.sid);
    assert.equal(await sb.client.messages(sid).media(first.sid).remove(), true);
    await assert.rejects(sb.client.messages(sid).media(first.sid).fetch(), (err: any) => {
      assert.equal(err.status, 404);
      assert.equal(err.code, 20404);
      return true;
    });
    assert.equal((await sb.client.messages(sid).media.list()).length, 3);
  });

  it('answers malformed or unknown message and media SIDs with 404 / 20404', async () => {
    const paths = [
      `/2010-04-01/Accounts/${sb.accountSid}/Messages/garbage/Media.json`,
      `/2010-04-01/Accounts/${sb.accountSid}/Messages/MM${'0'.repeat(32)}/Media.json`,
      `${base}/garbage.json`,
      `${base}/ME${'0'.repeat(32)}.json`,
    ];
    for (const path of paths) {
      const res = await sb.request('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal((await json(res)).message, `The requested resource ${path} was not found`);
    }
  });
});
