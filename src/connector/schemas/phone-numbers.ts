// Phone number models: the account's own numbers (IncomingPhoneNumber), the PascalCase request that
// buys one, and numbers available to buy with capabilities flattened to sms/mms/voice as in the seeds.
import { E164, NUM_PAGES, PAGE_FIELDS, nullableString, sidPattern, str, type JsonSchema } from './common.js';

export const Capabilities = {
  type: 'object',
  description: 'What the number can do.',
  properties: {
    sms: { type: 'boolean', 'x-ms-summary': 'SMS' },
    mms: { type: 'boolean', 'x-ms-summary': 'MMS' },
    voice: { type: 'boolean', 'x-ms-summary': 'Voice' },
    fax: { type: 'boolean', 'x-ms-summary': 'Fax' },
  },
} as const;

export const IncomingPhoneNumber = {
  type: 'object',
  description: 'A phone number the account owns.',
  properties: {
    sid: str('The number’s SID (PN…).', 'Phone number ID', { pattern: sidPattern('PN') }),
    account_sid: str('The account that owns the number.', 'Account SID'),
    phone_number: str('The number in E.164 format.', 'Phone number'),
    friendly_name: str('A readable name, by default the formatted number.', 'Friendly name'),
    date_created: str('When the number was bought (RFC 2822, GMT).', 'Date created'),
    date_updated: str('When the number last changed (RFC 2822, GMT).', 'Date updated'),
    capabilities: { $ref: '#/definitions/Capabilities' },
    status_callback: nullableString('URL Twilio calls with call status changes.', 'Status callback'),
    status_callback_method: nullableString('HTTP method of the status callback.', 'Status callback method'),
    sms_url: nullableString('URL Twilio calls when the number receives a message.', 'SMS URL'),
    sms_method: nullableString('HTTP method of the SMS URL.', 'SMS method'),
    api_version: str('API version used for the number’s webhooks.', 'API version'),
    uri: str('The number resource at Twilio.', 'URI'),
  },
} as const;

export const IncomingPhoneNumberList = {
  type: 'object',
  description: 'One page of the account’s phone numbers.',
  properties: {
    incoming_phone_numbers: {
      type: 'array',
      items: { $ref: '#/definitions/IncomingPhoneNumber' },
      'x-ms-summary': 'Phone numbers',
    },
    ...PAGE_FIELDS,
    num_pages: NUM_PAGES,
  },
} as const;

export const AddIncomingPhoneNumberRequest = {
  type: 'object',
  description:
    'The number to buy: an exact `PhoneNumber` (from the available numbers) or an `AreaCode` to pick one in.',
  properties: {
    PhoneNumber: {
      type: 'string',
      pattern: E164,
      description: 'The number to buy, in E.164 format (e.g. +14155552345). Required unless AreaCode is given.',
      'x-ms-summary': 'Phone number',
      'x-ms-visibility': 'important',
    },
    AreaCode: {
      type: 'string',
      pattern: '^[0-9]{3}$',
      description: 'A US or Canadian area code; Twilio picks an available number in it.',
      'x-ms-summary': 'Area code',
    },
    FriendlyName: {
      type: 'string',
      maxLength: 64,
      description: 'A readable name for the number, up to 64 characters.',
      'x-ms-summary': 'Friendly name',
    },
  },
} as const;

export const AddIncomingPhoneNumberRules = {
  if: { not: { required: ['AreaCode'] } },
  then: { required: ['PhoneNumber'] },
} as const;

export const AvailablePhoneNumber = {
  type: 'object',
  description: 'A number that can be bought, with its capabilities as flat booleans.',
  properties: {
    phone_number: str('The number in E.164 format.', 'Phone number'),
    friendly_name: str('The formatted number.', 'Friendly name'),
    lata: nullableString('Local access and transport area (US/CA).', 'LATA'),
    locality: nullableString('City or locality.', 'Locality'),
    rate_center: nullableString('Rate center (US/CA).', 'Rate center'),
    latitude: nullableString('Latitude, as a decimal string.', 'Latitude'),
    longitude: nullableString('Longitude, as a decimal string.', 'Longitude'),
    region: nullableString('State or province.', 'Region'),
    postal_code: nullableString('Postal code.', 'Postal code'),
    iso_country: str('ISO 3166-1 alpha-2 country code.', 'Country'),
    address_requirements: str('none, any, local or foreign.', 'Address requirements'),
    beta: { type: 'boolean', 'x-ms-summary': 'Beta' },
    sms: { type: 'boolean', description: 'Can send and receive SMS.', 'x-ms-summary': 'SMS' },
    mms: { type: 'boolean', description: 'Can send and receive MMS.', 'x-ms-summary': 'MMS' },
    voice: { type: 'boolean', description: 'Can make and receive calls.', 'x-ms-summary': 'Voice' },
  },
} as const;

export const AvailablePhoneNumbers = {
  type: 'object',
  description: 'Numbers available to buy (Twilio returns one unpaged list).',
  properties: {
    uri: str('The search at Twilio.', 'URI'),
    available_phone_numbers: {
      type: 'array',
      items: { $ref: '#/definitions/AvailablePhoneNumber' },
      'x-ms-summary': 'Available numbers',
    },
  },
} as const;

export const phoneNumberModels: Readonly<Record<string, JsonSchema>> = {
  Capabilities,
  IncomingPhoneNumber,
  IncomingPhoneNumberList,
  AddIncomingPhoneNumberRequest,
  AvailablePhoneNumber,
  AvailablePhoneNumbers,
};
