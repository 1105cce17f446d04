// Event Streams (events.twilio.com /v1): the sinks and subscriptions a client creates to receive
// CloudEvents without touching a number's webhooks. Give the client the Events host as its base
// URL (https://events.twilio.com, or the sandbox's own URL). Lists follow `meta.next_page_url`.
import type { TwilioClient } from '../client.js';

export interface Sink {
  sid: string;
  description: string;
  sink_type: string;
  sink_configuration: Record<string, unknown> | null;
  status: 'initialized' | 'validating' | 'active' | 'failed';
  date_created: string;
  date_updated: string;
  url: string;
}

export interface EventSubscription {
  sid: string;
  account_sid: string;
  description: string;
  sink_sid: string;
  date_created: string;
  date_updated: string;
  url: string;
}

export interface WebhookSinkConfiguration {
  destination: string;
  method: 'POST';
  batch_events: boolean;
}

export interface EventStreamsResource {
  createWebhookSink(description: string, configuration: WebhookSinkConfiguration): Promise<Sink>;
  listSinks(): Promise<Sink[]>;
  removeSink(sid: string): Promise<void>;
  /** asks Twilio to send the sink a test event; its `data.test_id` is what `validateSink` needs */
  testSink(sid: string): Promise<string>;
  /** `valid` when Twilio accepted the test id */
  validateSink(sid: string, testId: string): Promise<string>;
  createSubscription(
    description: string,
    sinkSid: string,
    types: readonly { type: string; schema_version?: number }[],
  ): Promise<EventSubscription>;
  listSubscriptions(sinkSid?: string): Promise<EventSubscription[]>;
  removeSubscription(sid: string): Promise<void>;
}

const SID = /^D[FG][0-9a-fA-F]{32}$/;

function sidSegment(sid: string): string {
  if (!SID.test(sid)) throw new TypeError(`not an Event Streams SID: ${sid.slice(0, 40)}`);
  return sid;
}

/** Every page of a v1 list, following `meta.next_page_url` (at most `maxPages`). */
async function all<T>(client: TwilioClient, path: string, key: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let next: string | null = path;
  for (let n = 0; next !== null && n < maxPages; n++) {
    const res: { body: Record<string, unknown> } = await client.request<Record<string, unknown>>('GET', next);
    const items = res.body[key];
    if (Array.isArray(items)) out.push(...(items as T[]));
    const meta = res.body['meta'] as { next_page_url?: unknown } | undefined;
    next = typeof meta?.next_page_url === 'string' && meta.next_page_url !== '' ? meta.next_page_url : null;
  }
  return out;
}

export function eventStreamsResource(client: TwilioClient): EventStreamsResource {
  return {
    async createWebhookSink(description, configuration) {
      const form = { Description: description, SinkType: 'webhook', SinkConfiguration: JSON.stringify(configuration) };
      return (await client.request<Sink>('POST', '/v1/Sinks', { form })).body;
    },
    listSinks: () => all<Sink>(client, '/v1/Sinks?PageSize=1000', 'sinks'),
    async removeSink(sid) {
      await client.request<undefined>('DELETE', `/v1/Sinks/${sidSegment(sid)}`);
    },
    async testSink(sid) {
      return (await client.request<{ result: string }>('POST', `/v1/Sinks/${sidSegment(sid)}/Test`, { form: {} })).body
        .result;
    },
    async validateSink(sid, testId) {
      const form = { TestId: testId };
      return (await client.request<{ result: string }>('POST', `/v1/Sinks/${sidSegment(sid)}/Validate`, { form })).body
        .result;
    },
    async createSubscription(description, sinkSid, types) {
      // each type a JSON text of its own, the field repeated: Twilio refuses one field holding an array
      const form = { Description: description, SinkSid: sinkSid, Types: types.map((t) => JSON.stringify(t)) };
      return (await client.request<EventSubscription>('POST', '/v1/Subscriptions', { form })).body;
    },
    listSubscriptions: (sinkSid) =>
      all<EventSubscription>(
        client,
        `/v1/Subscriptions?${sinkSid === undefined ? '' : `SinkSid=${sidSegment(sinkSid)}&`}PageSize=1000`,
        'subscriptions',
      ),
    async removeSubscription(sid) {
      await client.request<undefined>('DELETE', `/v1/Subscriptions/${sidSegment(sid)}`);
    },
  };
}
