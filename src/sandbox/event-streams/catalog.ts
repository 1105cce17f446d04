// The Event Streams event types the sandbox can deliver, and their schemas: the Messaging types
// Twilio publishes (a status change of an outbound message, an inbound message), each with the
// schema its `data` follows and that schema's latest version. `/v1/Types` and `/v1/Schemas` are
// read from here, and a subscription may only select these types.
import type { MessageStatus } from '../../shared/wire/message.js';

export interface EventSchema {
  id: string;
  latestVersion: number;
}

export interface EventType {
  type: string;
  schema: EventSchema;
  description: string;
  documentationUrl: string;
}

export const MESSAGE_STATUS_SCHEMA: EventSchema = { id: 'Messaging.MessageStatus', latestVersion: 8 };
export const INBOUND_MESSAGE_SCHEMA: EventSchema = { id: 'Messaging.InboundMessageV1', latestVersion: 6 };
export const TEST_EVENT_TYPE = 'com.twilio.eventstreams.test-event';
export const TEST_EVENT_SCHEMA = 'https://events-schemas.twilio.com/EventStreams.TestSink/1.json';

/** When the catalog's types and schema versions are dated (they do not change while the sandbox runs). */
export const CATALOG_DATE = Date.UTC(2024, 10, 21);

const OUTBOUND_DOCS = 'https://www.twilio.com/docs/events/event-types/messaging/outbound-message';
const INBOUND_DOCS = 'https://www.twilio.com/docs/events/event-types/messaging/inbound-message';

/** Outbound statuses that have an event type of their own; the others (accepted, sending…) have none. */
export const STATUS_EVENT_TYPES: Readonly<Partial<Record<MessageStatus, string>>> = {
  queued: 'com.twilio.messaging.message.queued',
  sent: 'com.twilio.messaging.message.sent',
  delivered: 'com.twilio.messaging.message.delivered',
  failed: 'com.twilio.messaging.message.failed',
  undelivered: 'com.twilio.messaging.message.undelivered',
  read: 'com.twilio.messaging.message.read',
};

export const INBOUND_EVENT_TYPE = 'com.twilio.messaging.inbound-message.received';

const statusType = (status: string): EventType => ({
  type: `com.twilio.messaging.message.${status}`,
  schema: MESSAGE_STATUS_SCHEMA,
  description: `Message ${status}`,
  documentationUrl: OUTBOUND_DOCS,
});

export const EVENT_TYPES: readonly EventType[] = [
  {
    type: INBOUND_EVENT_TYPE,
    schema: INBOUND_MESSAGE_SCHEMA,
    description: 'Inbound message received',
    documentationUrl: INBOUND_DOCS,
  },
  ...['delivered', 'failed', 'queued', 'read', 'sent', 'undelivered'].map(statusType),
];

export const SCHEMAS: readonly EventSchema[] = [MESSAGE_STATUS_SCHEMA, INBOUND_MESSAGE_SCHEMA];

export function eventType(type: string): EventType | undefined {
  return EVENT_TYPES.find((t) => t.type === type);
}

export function eventSchema(id: string): EventSchema | undefined {
  return SCHEMAS.find((s) => s.id === id);
}

/** Where a schema version's JSON Schema lives at Twilio (`raw`, and the CloudEvent's `dataschema`). */
export function schemaUrl(id: string, version: number): string {
  return `https://events-schemas.twilio.com/${id}/${version}`;
}
