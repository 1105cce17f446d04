import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import twilio from 'twilio';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { CONTROL, json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';

async function rejectsWith(call: Promise<unknown>, status: number, code: number, message?: RegExp): Promise<void> {
  await assert.rejects(call, (err: any) => {
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const DELIVERED = 'com.twilio.messaging.message.delivered';
const SENT = 'com.twilio.messaging.message.sent';
const INBOUND = 'com.twilio.messaging.inbound-message.received';

describe('sandbox Event Streams (/v1/Sinks, /v1/Subscriptions) through the official SDK', () => {
  let sb: TestSandbox;
  let rx: Receiver;
  let events: TestSandbox['client']['events']['v1'];

  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    sb.client.events.baseUrl = sb.url;
    events = sb.client.events.v1;
    rx = await startReceiver();
  });
  after(async () => {
    await sb.close();
    await rx.close();
  });
  beforeEach(async () => {
    await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST', headers: CONTROL });
    rx.received.length = 0;
    rx.answer(() => ({ status: 200, body: '' }));
  });

  /** Creates a webhook sink and takes it through Test and Validate with the test event's id. */
  async function activeSink(path: string, batch = false) {
    const sink = await events.sinks.create({
      description: `sink ${path}`,
      sinkType: 'webhook',
      sinkConfiguration: { destination: `${rx.url}${path}`, method: 'POST', batch_events: batch },
    });
    assert.equal((await events.sinks(sink.sid).sinkTest.create()).result, 'submitted');
    const [test] = await rx.waitFor(1, (r) => r.path.startsWith(path));
    const parsed = JSON.parse(test!.body);
    const event = Array.isArray(parsed) ? parsed[0] : parsed;
    assert.equal((await events.sinks(sink.sid).sinkValidate.create({ testId: event.data.test_id })).result, 'valid');
    rx.received.length = 0;
    return sink;
  }

  it('takes a webhook sink from initialized through validating to active with Test and Validate', async () => {
    const sink = await events.sinks.create({
      description: 'My webhook sink',
      sinkType: 'webhook',
      sinkConfiguration: { destination: `${rx.url}/events`, method: 'POST', batch_events: false },
    });
    assert.match(sink.sid, /^DG[0-9a-f]{32}$/);
    assert.equal(sink.status, 'initialized');
    assert.equal(sink.sinkType, 'webhook');
    assert.deepEqual(sink.sinkConfiguration, { destination: `${rx.url}/events`, method: 'POST', batch_events: false });
    assert.equal(sink.url, `${sb.url}/v1/Sinks/${sink.sid}`);
    assert.ok(sink.dateCreated instanceof Date && !Number.isNaN(sink.dateCreated.getTime()));

    await rejectsWith(events.sinks(sink.sid).sinkValidate.create({ testId: '' }), 400, 20001, /TestId/);
    assert.equal((await events.sinks(sink.sid).sinkTest.create()).result, 'submitted');
    assert.equal((await events.sinks(sink.sid).fetch()).status, 'validating');

    const [test] = await rx.waitFor(1);
    assert.equal(test!.method, 'POST');
    assert.match(String(test!.headers['content-type']), /^application\/json/);
    const event = JSON.parse(test!.body);
    assert.equal(event.specversion, '1.0');
    assert.equal(event.type, 'com.twilio.eventstreams.test-event');
    assert.equal(event.source, 'Sink');
    assert.equal(event.id, sb.accountSid);
    assert.equal(event.dataschema, 'https://events-schemas.twilio.com/EventStreams.TestSink/1.json');
    assert.match(event.data.test_id, /^[0-9a-f-]{36}$/);
    // signed as Twilio signs Event Streams: the URL with bodySHA256 of the raw body
    assert.match(test!.path, /^\/events\?bodySHA256=[0-9a-f]{64}$/);
    const signature = String(test!.headers['x-twilio-signature']);
    assert.equal(twilio.validateRequestWithBody(sb.authToken, signature, test!.url, test!.body), true);
    assert.equal(twilio.validateRequestWithBody('wrong-token', signature, test!.url, test!.body), false);
    assert.equal(twilio.validateRequestWithBody(sb.authToken, signature, test!.url, test!.body + ' '), false);

    assert.equal((await events.sinks(sink.sid).sinkValidate.create({ testId: 'not-the-id' })).result, 'invalid');
    assert.equal((await events.sinks(sink.sid).fetch()).status, 'validating');
    assert.equal((await events.sinks(sink.sid).sinkValidate.create({ testId: event.data.test_id })).result, 'valid');
    assert.equal((await events.sinks(sink.sid).fetch()).status, 'active');

    const updated = await events.sinks(sink.sid).update({ description: 'renamed' });
    assert.equal(updated.description, 'renamed');
    assert.equal((await events.sinks.list({ status: 'active' })).length, 1);
    assert.equal((await events.sinks.list({ status: 'initialized' })).length, 0);
    assert.equal((await events.sinks.list({ inUse: true })).length, 0);
    assert.equal(await events.sinks(sink.sid).remove(), true);
    await rejectsWith(events.sinks(sink.sid).fetch(), 404, 20404);
  });

  it('refuses bad sinks with a clear 400 and stores nothing', async () => {
    const bad = [
      { sinkConfiguration: { destination: 'ftp://x' }, why: /destination/ },
      { sinkConfiguration: { destination: `${rx.url}/e`, method: 'GET' }, why: /POST/ },
      { sinkConfiguration: { destination: `${rx.url}/e`, batch_events: 'yes' }, why: /batch_events/ },
    ];
    for (const b of bad) {
      await rejectsWith(
        events.sinks.create({ description: 'x', sinkType: 'webhook', sinkConfiguration: b.sinkConfiguration }),
        400,
        20001,
        b.why,
      );
    }
    const res = await sb.request('POST', '/v1/Sinks', {
      form: { Description: 'x', SinkType: 'webhook', SinkConfiguration: '{not json' },
    });
    assert.equal(res.status, 400);
    assert.match((await json(res)).message, /SinkConfiguration must be a JSON object/);
    const res2 = await sb.request('POST', '/v1/Sinks', { form: { Description: 'x', SinkType: 'carrier-pigeon' } });
    assert.equal(res2.status, 400);
    assert.equal((await events.sinks.list()).length, 0);
  });

  it('creates subscriptions with types and schema versions, one per active sink', async () => {
    const pending = await events.sinks.create({
      description: 'not yet active',
      sinkType: 'webhook',
      sinkConfiguration: { destination: `${rx.url}/x`, method: 'POST', batch_events: false },
    });
    await rejectsWith(
      events.subscriptions.create({ description: 's', sinkSid: pending.sid, types: [{ type: DELIVERED }] }),
      400,
      20001,
      /not active/,
    );
    const sink = await activeSink('/subs');
    await rejectsWith(
      events.subscriptions.create({ description: 's', sinkSid: sink.sid, types: [{ type: 'com.example.nope' }] }),
      400,
      20001,
      /not a valid event type/,
    );
    await rejectsWith(
      events.subscriptions.create({
        description: 's',
        sinkSid: sink.sid,
        types: [{ type: DELIVERED, schema_version: 99 }],
      }),
      400,
      20001,
      /Schema version 99/,
    );
    const sub = await events.subscriptions.create({
      description: 'Messaging events',
      sinkSid: sink.sid,
      types: [{ type: DELIVERED, schema_version: 7 }, { type: INBOUND }],
    });
    assert.match(sub.sid, /^DF[0-9a-f]{32}$/);
    assert.equal(sub.sinkSid, sink.sid);
    assert.equal(sub.accountSid, sb.accountSid);
    await rejectsWith(
      events.subscriptions.create({ description: 'second', sinkSid: sink.sid, types: [{ type: SENT }] }),
      400,
      20001,
      /is in use/,
    );
    const types = await events.subscriptions(sub.sid).subscribedEvents.list();
    assert.deepEqual(
      types.map((t) => [t.type, t.schemaVersion]),
      [
        [INBOUND, 6],
        [DELIVERED, 7],
      ],
    );
    const added = await events.subscriptions(sub.sid).subscribedEvents.create({ type: SENT, schemaVersion: 8 });
    assert.equal(added.subscriptionSid, sub.sid);
    const changed = await events.subscriptions(sub.sid).subscribedEvents(SENT).update({ schemaVersion: 3 });
    assert.equal(changed.schemaVersion, 3);
    assert.equal(await events.subscriptions(sub.sid).subscribedEvents(SENT).remove(), true);
    assert.equal((await events.subscriptions.list({ sinkSid: sink.sid })).length, 1);
    assert.equal((await events.sinks.list({ inUse: true })).length, 1);
    // a sink in use is not removed under its subscription; deleting the subscription leaves it active
    await rejectsWith(events.sinks(sink.sid).remove(), 400, 20001, /in use/);
    assert.equal(await events.subscriptions(sub.sid).remove(), true);
    assert.equal((await events.sinks(sink.sid).fetch()).status, 'active');
    await rejectsWith(events.subscriptions(sub.sid).fetch(), 404, 20404);
  });

  it('lists the Messaging event types and their schemas', async () => {
    const types = await events.eventTypes.list();
    const names = types.map((t) => t.type).sort();
    assert.deepEqual(names, [
      INBOUND,
      DELIVERED,
      'com.twilio.messaging.message.failed',
      'com.twilio.messaging.message.queued',
      'com.twilio.messaging.message.read',
      SENT,
      'com.twilio.messaging.message.undelivered',
    ]);
    const one = await events.eventTypes(DELIVERED).fetch();
    assert.equal(one.schemaId, 'Messaging.MessageStatus');
    assert.equal(one.status, 'available');
    assert.equal((await events.eventTypes.list({ schemaId: 'Messaging.InboundMessageV1' })).length, 1);
    const schema = await events.schemas('Messaging.MessageStatus').fetch();
    assert.equal(schema.latestVersion, 8);
    const version = await events.schemas('Messaging.MessageStatus').versions(8).fetch();
    assert.equal(version.raw, 'https://events-schemas.twilio.com/Messaging.MessageStatus/8');
    assert.equal((await events.schemas('Messaging.MessageStatus').versions.list()).length, 8);
  });

  it('delivers a signed CloudEvent for every status change and inbound message, without a StatusCallback', async () => {
    const sink = await activeSink('/messages');
    await events.subscriptions.create({
      description: 'all messaging',
      sinkSid: sink.sid,
      types: ['queued', 'sent', 'delivered', 'failed', 'undelivered']
        .map((s) => ({ type: `com.twilio.messaging.message.${s}` }))
        .concat([{ type: INBOUND }]),
    });
    const message = await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557650011', body: 'hello' });
    // created queued: like Twilio, no queued event for a message the API created (only for steps into it)
    const got = await rx.waitFor(2);
    const parsed = got.map((r) => JSON.parse(r.body) as { type: string; id: string; [k: string]: any });
    assert.deepEqual(
      parsed.map((e) => e.type),
      [SENT, DELIVERED],
    );
    const delivered = parsed[1]!;
    assert.equal(delivered.specversion, '1.0');
    assert.equal(delivered.source, `/2010-04-01/Accounts/${sb.accountSid}/Messages/${message.sid}.json`);
    assert.match(delivered.id, /^EZ[0-9a-f]{32}$/);
    assert.equal(delivered.dataschema, 'https://events-schemas.twilio.com/Messaging.MessageStatus/8');
    assert.equal(delivered.datacontenttype, 'application/json');
    assert.equal(delivered.data.messageSid, message.sid);
    assert.equal(delivered.data.accountSid, sb.accountSid);
    assert.equal(delivered.data.messageStatus, 'DELIVERED');
    assert.equal(delivered.data.eventName, DELIVERED);
    assert.equal(delivered.data.from, sb.phoneNumber);
    assert.equal(delivered.data.to, '+15557650011');
    assert.equal(delivered.data.numberOfSegments, 1);
    assert.equal(new Set(parsed.map((e) => e.id)).size, 2);
    for (const r of got) {
      const sig = String(r.headers['x-twilio-signature']);
      assert.equal(twilio.validateRequestWithBody(sb.authToken, sig, r.url, r.body), true);
    }

    rx.received.length = 0;
    const res = await sb.request('POST', '/_sandbox/inbound', {
      body: JSON.stringify({ From: '+15557654321', To: sb.phoneNumber, Body: 'hi there' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 201);
    const inboundSid = (await json(res)).sid;
    const [inbound] = await rx.waitFor(1);
    const event = JSON.parse(inbound!.body);
    assert.equal(event.type, INBOUND);
    assert.equal(event.dataschema, 'https://events-schemas.twilio.com/Messaging.InboundMessageV1/6');
    assert.equal(event.data.messageSid, inboundSid);
    assert.equal(event.data.body, 'hi there');
    assert.equal(event.data.from, '+15557654321');
    assert.equal(event.data.numSegments, 1);
    assert.equal(event.data.numMedia, 0);
    assert.equal(event.data.optOutType, undefined);

    // a keyword names its kind in the event, with or without Advanced Opt-Out
    for (const [body, type] of [
      ['stop', 'STOP'],
      ['Start', 'START'],
      ['HELP', 'HELP'],
    ] as const) {
      rx.received.length = 0;
      const sent = await sb.request('POST', '/_sandbox/inbound', {
        body: JSON.stringify({ From: '+15557654321', To: sb.phoneNumber, Body: body }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(sent.status, 201);
      const [keyword] = await rx.waitFor(1);
      const keywordEvent = JSON.parse(keyword!.body);
      assert.equal(keywordEvent.data.body, body);
      assert.equal(keywordEvent.data.optOutType, type);
    }

    // a WhatsApp arrival is an inbound event too
    rx.received.length = 0;
    const wa = await sb.request('POST', '/_sandbox/inbound', {
      body: JSON.stringify({ From: 'whatsapp:+15557654321', To: `whatsapp:${sb.phoneNumber}`, Body: 'hola' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(wa.status, 201);
    const [waEvent] = await rx.waitFor(1);
    const waData = JSON.parse(waEvent!.body).data;
    assert.equal(waData.messageSid, (await json(wa)).sid);
    assert.equal(waData.from, 'whatsapp:+15557654321');
    assert.equal(waData.body, 'hola');
  });

  it('batches the events of one change into a JSON array for a batch_events sink', async () => {
    const sink = await activeSink('/batch', true);
    await events.subscriptions.create({
      description: 'batched',
      sinkSid: sink.sid,
      types: [{ type: SENT }, { type: DELIVERED }],
    });
    // with no status delay the message runs its course in one step: one request carries both events
    await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557650012', body: 'batch' });
    const [request] = await rx.waitFor(1);
    const body = JSON.parse(request!.body);
    assert.ok(Array.isArray(body));
    assert.deepEqual(
      (body as { data: { messageStatus: string } }[]).map((e) => e.data.messageStatus),
      ['SENT', 'DELIVERED'],
    );
    assert.equal(
      twilio.validateRequestWithBody(
        sb.authToken,
        String(request!.headers['x-twilio-signature']),
        request!.url,
        request!.body,
      ),
      true,
    );
  });

  it('retries a sink that answers 5xx or 429, and gives up at once on another 4xx', async () => {
    const sink = await activeSink('/flaky');
    await events.subscriptions.create({ description: 'flaky', sinkSid: sink.sid, types: [{ type: DELIVERED }] });
    rx.answer((_r, i) => ({ status: i === 0 ? 503 : i === 1 ? 429 : 200 }));
    sb.sandbox.ctx.clock.setSpeedUp(1000);
    try {
      await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557650013', body: 'retry me' });
      const got = await rx.waitFor(3);
      assert.equal(
        new Set(got.map((r) => (JSON.parse(r.body) as { id: string }).id)).size,
        1,
        'the same event each time',
      );
      await sb.sandbox.ctx.webhooks.drain();
      const rows = sb.sandbox.ctx.db
        .prepare("SELECT state, attempts FROM webhooks WHERE kind = 'event' AND sink_sid = ? ORDER BY id DESC LIMIT 1")
        .all(sink.sid) as { state: string; attempts: number }[];
      assert.deepEqual(rows, [{ state: 'delivered', attempts: 3 }]);

      rx.received.length = 0;
      rx.answer(() => ({ status: 400 }));
      await sb.client.messages.create({ from: sb.phoneNumber, to: '+15557650014', body: 'refused' });
      await rx.waitFor(1);
      await sb.sandbox.ctx.webhooks.drain();
      const refused = sb.sandbox.ctx.db
        .prepare("SELECT state, attempts FROM webhooks WHERE kind = 'event' AND sink_sid = ? ORDER BY id DESC LIMIT 1")
        .get(sink.sid);
      assert.deepEqual({ ...(refused as object) }, { state: 'failed', attempts: 1 });
      assert.equal(rx.received.length, 1);
    } finally {
      sb.sandbox.ctx.clock.setSpeedUp(1);
    }
  });

  it('answers an unknown sink, subscription or type with 404 and a wrong method with 405', async () => {
    await rejectsWith(events.sinks('DG00000000000000000000000000000000').fetch(), 404, 20404);
    await rejectsWith(events.subscriptions('DF00000000000000000000000000000000').fetch(), 404, 20404);
    await rejectsWith(events.eventTypes('com.example.none').fetch(), 404, 20404);
    const res = await sb.request('PUT', '/v1/Sinks');
    assert.equal(res.status, 405);
    const unauth = await sb.request('GET', '/v1/Sinks', { auth: null });
    assert.equal(unauth.status, 401);
  });
});
