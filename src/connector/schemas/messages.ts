// Message models: what SendMessage accepts (the seeds' snake_case fields) and the Message / MessageList
// Twilio returns, which the connector passes through unchanged.
import { MESSAGE_DIRECTIONS, MESSAGE_STATUSES } from '../../shared/wire/message.js';
import {
  DECIMAL,
  HTTP_URL,
  MAX_ADDRESS_LENGTH,
  NUM_PAGES,
  PAGE_FIELDS,
  RECIPIENT,
  RFC2822_EXAMPLE,
  SENDER,
  TOTAL,
  nullableString,
  sidPattern,
  str,
  type JsonSchema,
} from './common.js';

export const MAX_BODY_LENGTH = 1600;
export const MAX_MEDIA_URLS = 10;

export const SendMessageRequest = {
  type: 'object',
  description:
    'The message to send. Give `from` or `messaging_service_sid` (or both), and `body`, at least one `media_url`, or a `content_sid`.',
  required: ['to'],
  properties: {
    from: {
      type: 'string',
      pattern: SENDER,
      maxLength: MAX_ADDRESS_LENGTH,
      description:
        'A Twilio phone number of the account (E.164, e.g. +14155552345), a WhatsApp sender (whatsapp:+1…), a Messenger page (messenger:…), a short code or an alphanumeric sender ID. Optional when a Messaging Service is given.',
      'x-ms-summary': 'From phone number',
      'x-ms-visibility': 'important',
      'x-ms-dynamic-values': {
        operationId: 'ListIncomingPhoneNumbers',
        'value-collection': 'incoming_phone_numbers',
        'value-path': 'phone_number',
        'value-title': 'friendly_name',
      },
    },
    to: {
      type: 'string',
      pattern: RECIPIENT,
      maxLength: MAX_ADDRESS_LENGTH,
      description:
        'The recipient: E.164 (+ country code and number, e.g. +16175551212), or a national number such as 6175551212 or (617) 555-1212, for which Twilio uses the country of the From number; or whatsapp:+…, messenger:….',
      'x-ms-summary': 'To phone number',
      'x-ms-visibility': 'important',
    },
    body: {
      type: 'string',
      maxLength: MAX_BODY_LENGTH,
      description: `The text of the message, up to ${MAX_BODY_LENGTH} characters (longer texts are sent as several segments).`,
      'x-ms-summary': 'Text',
      'x-ms-visibility': 'important',
    },
    media_url: {
      type: 'array',
      maxItems: MAX_MEDIA_URLS,
      items: { type: 'string', pattern: HTTP_URL, 'x-ms-summary': 'Media URL' },
      description: `Up to ${MAX_MEDIA_URLS} publicly reachable http(s) URLs of images or other media to send as MMS.`,
      'x-ms-summary': 'Media URLs',
      'x-ms-visibility': 'advanced',
    },
    content_sid: {
      type: 'string',
      pattern: sidPattern('HX'),
      description:
        'A Content template (HX…) to send instead of body and media_url; WhatsApp needs an approved one outside the 24-hour window.',
      'x-ms-summary': 'Content template',
      'x-ms-visibility': 'advanced',
      'x-ms-dynamic-values': {
        operationId: 'ListContentTemplates',
        'value-collection': 'content_templates',
        'value-path': 'sid',
        'value-title': 'friendly_name',
      },
    },
    content_variables: {
      type: 'object',
      description:
        'Values for the template’s placeholders by name, e.g. {"1": "Ada"} (a JSON string is accepted too); unset ones take the template’s defaults.',
      'x-ms-summary': 'Template variables',
      'x-ms-visibility': 'advanced',
      additionalProperties: { type: 'string' },
      'x-ms-dynamic-schema': {
        operationId: 'GetContentTemplateVariables',
        parameters: { ContentSid: { parameter: 'content_sid' } },
        'value-path': 'schema',
      },
    },
    status_callback: {
      type: 'string',
      pattern: HTTP_URL,
      maxLength: 4000,
      description: 'A URL Twilio calls with every status change of the message.',
      'x-ms-summary': 'Status callback URL',
      'x-ms-visibility': 'advanced',
    },
    track_status: {
      type: 'boolean',
      description:
        'Route this message’s status changes through the connector to the "message status changed" trigger subscriptions (status_callback still receives them).',
      'x-ms-summary': 'Track status',
      'x-ms-visibility': 'advanced',
    },
    messaging_service_sid: {
      type: 'string',
      pattern: sidPattern('MG'),
      description: 'A Messaging Service (MG…) to send through; it picks the sender when `from` is empty.',
      'x-ms-summary': 'Messaging Service SID',
      'x-ms-visibility': 'advanced',
    },
    application_sid: {
      type: 'string',
      pattern: sidPattern('AP'),
      description: 'A TwiML App (AP…) whose message status callback URL receives status changes.',
      'x-ms-summary': 'Application SID',
      'x-ms-visibility': 'advanced',
    },
    max_price: {
      type: 'string',
      pattern: DECIMAL,
      description:
        'The most you are willing to pay for the message, in your account currency. Twilio no longer applies it.',
      'x-ms-summary': 'Max price',
      'x-ms-visibility': 'advanced',
    },
  },
} as const;

/**
 * Rules Swagger 2.0 cannot express, added to the request schema when the connector validates:
 * they produce messages that name the missing field ("must have required property 'from'").
 */
export const SendMessageRules = {
  allOf: [
    { if: { not: { required: ['messaging_service_sid'] } }, then: { required: ['from'] } },
    {
      if: { not: { anyOf: [{ required: ['media_url'] }, { required: ['content_sid'] }] } },
      then: { required: ['body'] },
    },
    { if: { required: ['content_variables'] }, then: { required: ['content_sid'] } },
  ],
} as const;

export const Message = {
  type: 'object',
  description: 'A message as Twilio reports it.',
  properties: {
    sid: str('The message SID: SM… for SMS, MM… with media.', 'Message ID', { pattern: sidPattern('(SM|MM)') }),
    account_sid: str('The account that sent or received the message.', 'Account SID'),
    api_version: str('Always 2010-04-01.', 'API version'),
    body: str('The text of the message.', 'Body'),
    from: str('The sender.', 'From'),
    to: str('The recipient.', 'To'),
    status: str('Where the message is in its lifecycle.', 'Status', {
      enum: [...MESSAGE_STATUSES],
    }),
    direction: str('inbound, outbound-api, outbound-call or outbound-reply.', 'Direction', {
      enum: [...MESSAGE_DIRECTIONS],
    }),
    num_segments: str('How many segments the text was split into (a number written as a string).', 'Segments'),
    num_media: str('How many media files are attached (a number written as a string).', 'Media count'),
    date_created: str('When Twilio created the message (RFC 2822, GMT).', 'Date created', { example: RFC2822_EXAMPLE }),
    date_sent: nullableString('When the message was sent (RFC 2822, GMT); null until then.', 'Date sent'),
    date_updated: str('When the message last changed (RFC 2822, GMT).', 'Date updated'),
    error_code: nullableString(
      'Twilio error code when the message failed or was undelivered, written as a string (e.g. "30008"), else null.',
      'Error code',
    ),
    error_message: nullableString('A description of the error, else null.', 'Error message'),
    price: nullableString(
      'What the message cost, a negative decimal string such as -0.00750; null until billed.',
      'Price',
    ),
    price_unit: nullableString('The currency of the price (ISO 4217).', 'Price unit'),
    messaging_service_sid: nullableString('The Messaging Service used, else null.', 'Messaging Service SID'),
    uri: str('The message resource at Twilio.', 'URI'),
    subresource_uris: {
      type: 'object',
      description: 'Related resources at Twilio (media, feedback).',
      'x-ms-summary': 'Subresource URIs',
      additionalProperties: { type: 'string' },
    },
  },
} as const;

export const MessageList = {
  type: 'object',
  description: 'One page of messages, newest first.',
  properties: {
    messages: { type: 'array', items: { $ref: '#/definitions/Message' }, 'x-ms-summary': 'Messages' },
    ...PAGE_FIELDS,
    num_pages: NUM_PAGES,
    total: TOTAL,
  },
} as const;

export const messageModels: Readonly<Record<string, JsonSchema>> = { SendMessageRequest, Message, MessageList };
