// Trigger models: the subscription requests Logic Apps / Power Automate send when a webhook trigger
// is added to a flow, and the batch a polling trigger returns.
import { MESSAGE_STATUSES as ALL_STATUSES, type MessageStatus } from '../../shared/wire/message.js';
import { E164, HTTP_URL, type JsonSchema } from './common.js';

/** What a status subscription can filter on: the statuses a status callback reports. */
export const MESSAGE_STATUSES = ALL_STATUSES.filter(
  (s): s is Exclude<MessageStatus, 'partially_delivered'> => s !== 'partially_delivered',
);

const callbackUrl = {
  type: 'string',
  pattern: HTTP_URL,
  maxLength: 2000,
  description: 'Where the connector posts each event; filled in by the workflow engine.',
  'x-ms-summary': 'Callback URL',
} as const;

const ownNumber = {
  type: 'string',
  pattern: E164,
  description: 'Only events for this number of the account; empty for all numbers.',
  'x-ms-summary': 'Phone number',
  'x-ms-dynamic-values': {
    operationId: 'ListIncomingPhoneNumbers',
    'value-collection': 'incoming_phone_numbers',
    'value-path': 'phone_number',
    'value-title': 'friendly_name',
  },
} as const;

export const MessageReceivedSubscription = {
  type: 'object',
  description: 'Start the flow for every message one of the account’s numbers receives.',
  required: ['callbackUrl'],
  properties: {
    callbackUrl,
    to: { ...ownNumber, 'x-ms-summary': 'To phone number' },
    autoReply: {
      type: 'string',
      maxLength: 1600,
      description: 'Text sent back to every sender at once (a TwiML reply); empty for none.',
      'x-ms-summary': 'Automatic reply',
      'x-ms-visibility': 'advanced',
    },
    mode: {
      type: 'string',
      enum: ['sms-url', 'event-streams'],
      default: 'sms-url',
      description:
        'sms-url: the number’s SmsUrl points at the connector while subscribed; event-streams: listen through a Twilio Event Streams sink and leave the SmsUrl alone.',
      'x-ms-summary': 'How to listen',
      'x-ms-visibility': 'advanced',
    },
  },
} as const;

export const MessageStatusSubscription = {
  type: 'object',
  description:
    'Start the flow whenever a message sent through the connector (or, with scope account, any message of the account) changes status.',
  required: ['callbackUrl'],
  properties: {
    callbackUrl,
    from: { ...ownNumber, 'x-ms-summary': 'From phone number' },
    status: {
      type: 'string',
      enum: MESSAGE_STATUSES,
      description: 'Only this status; empty for every change.',
      'x-ms-summary': 'Status',
    },
    statuses: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', enum: MESSAGE_STATUSES },
      description: 'Only these statuses (combined with status).',
      'x-ms-summary': 'Statuses',
      'x-ms-visibility': 'advanced',
    },
    scope: {
      type: 'string',
      enum: ['connector', 'account'],
      default: 'connector',
      description:
        'connector: messages sent through this connector; account: every message of the account, sent by any app (through Twilio Event Streams).',
      'x-ms-summary': 'Which messages',
      'x-ms-visibility': 'advanced',
    },
  },
} as const;

/** What subscribing answers (201), as the subscription routes build it. */
export const Subscription = {
  type: 'object',
  description: 'A webhook trigger subscription; DELETE its location to unsubscribe.',
  required: ['id', 'kind', 'callbackUrl', 'location'],
  properties: {
    id: { type: 'string', description: 'The subscription ID.', 'x-ms-summary': 'Subscription ID' },
    kind: {
      type: 'string',
      enum: ['received', 'status', 'optout'],
      description: 'received: messages received; status: status changes; optout: opt-out keywords.',
      'x-ms-summary': 'Kind',
    },
    callbackUrl: { type: 'string', description: 'Where events are posted.', 'x-ms-summary': 'Callback URL' },
    to: {
      type: 'string',
      description: 'The number watched for received messages or opt-outs.',
      'x-ms-summary': 'To',
    },
    from: { type: 'string', description: 'Only status changes of messages from this number.', 'x-ms-summary': 'From' },
    autoReply: { type: 'string', description: 'The automatic reply, if any.', 'x-ms-summary': 'Automatic reply' },
    statuses: {
      type: 'array',
      items: { type: 'string', enum: MESSAGE_STATUSES },
      description: 'Only these statuses.',
      'x-ms-summary': 'Statuses',
    },
    mode: {
      type: 'string',
      enum: ['sms-url', 'event-streams'],
      description: 'How a received-message subscription listens.',
      'x-ms-summary': 'Mode',
    },
    scope: {
      type: 'string',
      enum: ['connector', 'account'],
      description: 'Which messages a status subscription hears of.',
      'x-ms-summary': 'Scope',
    },
    location: {
      type: 'string',
      description: 'The subscription’s URL (also the Location header).',
      'x-ms-summary': 'Location',
    },
  },
} as const;

export const MessageBatch = {
  type: 'object',
  description: 'New messages since the last poll, oldest first.',
  properties: {
    value: { type: 'array', items: { $ref: '#/definitions/PolledMessage' }, 'x-ms-summary': 'Messages' },
  },
} as const;

export const triggerModels: Readonly<Record<string, JsonSchema>> = {
  MessageReceivedSubscription,
  MessageStatusSubscription,
  Subscription,
  MessageBatch,
};
