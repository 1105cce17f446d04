// WhatsApp through the webhook triggers, over real sockets: a WhatsApp user writes to a number with
// a received subscription (the sandbox signs and posts it to the connector, which hands the flow
// the message with its WhatsApp fields), then a message sent through the connector is delivered and
// read, and `read` reaches a status subscription filtered on the number and on that status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startTriggerConnector, type TriggerConnector } from '../helpers/trigger-connector.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const USER = 'whatsapp:+15557654321';

describe('e2e: WhatsApp on the webhook triggers', () => {
  let sb: TestSandbox;
  let connector: TriggerConnector;
  let flows: Receiver;
  before(async () => {
    sb = await startSandbox({ statusDelay: 0 });
    connector = await startTriggerConnector(sb);
    flows = await startReceiver();
  });
  after(async () => {
    await connector.close();
    await sb.close();
    await flows.close();
  });

  const call = (path: string, body: unknown): Promise<Response> => connector.call('POST', path, body);
  const userWrites = async (fields: Record<string, string>): Promise<string> => {
    const res = await fetch(`${sb.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ From: USER, To: `whatsapp:${sb.phoneNumber}`, ...fields }),
    });
    const answer = await json(res);
    assert.equal(res.status, 201, JSON.stringify(answer));
    return answer.sid as string;
  };

  it('a WhatsApp message reaches the received subscription with its WhatsApp fields', async () => {
    const sub = await call('/subscriptions/messages/received', {
      callbackUrl: `${flows.url}/received`,
      to: sb.phoneNumber,
    });
    assert.equal(sub.status, 201, await sub.clone().text());
    const sid = await userWrites({ Body: 'Yes', ButtonText: 'Yes', ButtonPayload: 'confirm-42', ProfileName: 'Ada' });
    const [hit] = await flows.waitFor(1, (r) => r.path === '/received');
    const event = JSON.parse(hit!.body);
    assert.equal(event.sid, sid);
    assert.equal(event.from, USER);
    assert.equal(event.to, `whatsapp:${sb.phoneNumber}`);
    assert.equal(event.body, 'Yes');
    assert.equal(event.channel, 'whatsapp');
    assert.equal(event.whatsapp.wa_id, '15557654321');
    assert.equal(event.whatsapp.profile_name, 'Ada');
    assert.equal(event.whatsapp.message_type, 'button');
    assert.equal(event.whatsapp.button_payload, 'confirm-42');
    assert.equal(event.whatsapp.button_text, 'Yes');
    assert.equal(event.whatsapp.latitude, null);
  });

  it('read reaches a status subscription for the number and that status', async () => {
    const sub = await call('/subscriptions/messages/status', {
      callbackUrl: `${flows.url}/status`,
      from: sb.phoneNumber,
      statuses: ['read'],
    });
    assert.equal(sub.status, 201, await sub.clone().text());
    const sent = await call('/Messages.json', {
      from: `whatsapp:${sb.phoneNumber}`,
      to: USER,
      body: 'Confirmed, see you at 10',
    });
    const message = await json(sent);
    assert.equal(sent.status, 200, JSON.stringify(message));
    // delivered first (the user's message opened the window), then read once they write again
    let fetched;
    do fetched = await sb.client.messages(message.sid as string).fetch();
    while (fetched.status !== 'delivered');
    await userWrites({ Body: 'thanks' });
    const [hit] = await flows.waitFor(1, (r) => r.path === '/status');
    const event = JSON.parse(hit!.body);
    assert.equal(event.sid, message.sid);
    assert.equal(event.status, 'read');
    assert.equal(event.from, `whatsapp:${sb.phoneNumber}`);
    assert.equal(event.to, USER);
    assert.equal(flows.received.filter((r) => r.path === '/status').length, 1);
  });
});
