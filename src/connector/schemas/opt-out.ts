// Models of the opt-out trigger: the subscription a workflow engine sends, and the event posted to
// its callback when a recipient texts an opt-out, opt-in or help keyword.
import { E164, HTTP_URL, nullableString } from './common.js';

export const OptOutSubscription = {
  type: 'object',
  description: 'Start the flow whenever a recipient texts STOP, START or HELP (or a synonym) to a number.',
  required: ['callbackUrl'],
  properties: {
    callbackUrl: {
      type: 'string',
      pattern: HTTP_URL,
      maxLength: 2000,
      description: 'Where the connector posts each event; filled in by the workflow engine.',
      'x-ms-summary': 'Callback URL',
    },
    to: {
      type: 'string',
      pattern: E164,
      description: 'The number of the account to watch; may be left empty when the account has one number.',
      'x-ms-summary': 'To phone number',
      'x-ms-dynamic-values': {
        operationId: 'ListIncomingPhoneNumbers',
        'value-collection': 'incoming_phone_numbers',
        'value-path': 'phone_number',
        'value-title': 'friendly_name',
      },
    },
  },
} as const;

export const OptOutEvent = {
  type: 'object',
  description: 'A recipient opted out, opted back in or asked for help.',
  required: ['type', 'to', 'body', 'message_sid'],
  properties: {
    type: {
      type: 'string',
      enum: ['opt-out', 'opt-in', 'help'],
      description:
        'opt-out (STOP…): Twilio now refuses messages to them (error 21610); opt-in (START…): allowed again; help (HELP, INFO).',
      'x-ms-summary': 'Type',
    },
    from: nullableString('The recipient’s phone number.', 'From'),
    to: { type: 'string', description: 'Your number they texted.', 'x-ms-summary': 'To' },
    body: { type: 'string', description: 'The keyword message as sent.', 'x-ms-summary': 'Body' },
    message_sid: { type: 'string', description: 'The SID of the keyword message.', 'x-ms-summary': 'Message SID' },
    messaging_service_sid: nullableString(
      'The Messaging Service of the number, if any: the opt-out then covers the whole service.',
      'Messaging Service SID',
    ),
  },
} as const;

export const optOutModels = { OptOutSubscription, OptOutEvent } as const;
