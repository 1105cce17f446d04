// The connector's operations, declared once: the runtime validates requests with them (through
// schemas/route-schemas.ts) and the Swagger 2.0, OpenAPI 3.1 and /docs pages are generated from them,
// so what is published is what is enforced. Names, paths and labels follow the managed Logic Apps
// Twilio connector so existing workflows keep working.
import { DATE_OR_DATETIME, E164, sidPattern, type JsonSchema } from './schemas/common.js';
import { AddIncomingPhoneNumberRules } from './schemas/phone-numbers.js';
import { SendMessageRules } from './schemas/messages.js';
import type { ModelName } from './schemas/models.js';
import { USAGE_SUBRESOURCES } from './schemas/usage.js';

export type Visibility = 'important' | 'advanced' | 'internal';
export type HttpMethod = 'get' | 'post' | 'delete';

export interface DynamicValues {
  readonly operationId: string;
  readonly 'value-collection'?: string;
  readonly 'value-path'?: string;
  readonly 'value-title'?: string;
}

export interface ParameterSpec {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly type: 'string' | 'integer' | 'boolean';
  readonly required?: boolean;
  /** the label the workflow designer shows (`x-ms-summary`) */
  readonly summary: string;
  readonly description: string;
  readonly visibility?: Visibility;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: string | number | boolean;
  readonly enum?: readonly string[];
  readonly dynamicValues?: DynamicValues;
  /** an example value shown in the docs and used by the "try it" form */
  readonly example?: string | number | boolean;
}

export interface BodySpec {
  /** the Swagger body parameter's name (the seeds call it e.g. `sendMessageRequest`) */
  readonly name: string;
  readonly model: ModelName;
  readonly description: string;
  /** keywords Swagger 2.0 cannot carry, merged in for request validation only */
  readonly rules?: JsonSchema;
  readonly example?: Readonly<Record<string, unknown>>;
}

export interface ResponseSpec {
  readonly description: string;
  readonly model?: ModelName;
}

/** What a trigger adds to its operation in the published definitions. */
export interface TriggerSpec {
  /** `batch`: the response carries an array of items; `single`: one item per call */
  readonly kind: 'batch' | 'single';
  readonly mode: 'polling' | 'webhook';
  readonly hint?: string;
  /** for webhook triggers: the model of what the connector posts to the callback URL */
  readonly notificationModel?: ModelName;
  /** for webhook triggers: the body property that carries the callback URL */
  readonly notificationUrlProperty?: string;
}

export interface OperationSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** relative to the connector's base URL, with `{Name}` path parameters */
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly visibility?: Visibility;
  readonly parameters: readonly ParameterSpec[];
  readonly body?: BodySpec;
  /** by status code (`'200'`, `'404'`, …, `'default'`) */
  readonly responses: Readonly<Record<string, ResponseSpec>>;
  readonly pageable?: { readonly nextLinkName: string };
  readonly trigger?: TriggerSpec;
}

const PAGE_SIZE: ParameterSpec = {
  name: 'PageSize',
  in: 'query',
  type: 'integer',
  summary: 'Page size',
  description: 'How many records to return per page, 1 to 1000. The default is 50.',
  visibility: 'advanced',
  minimum: 1,
  maximum: 1000,
  default: 50,
};

const PAGE: ParameterSpec = {
  name: 'Page',
  in: 'query',
  type: 'integer',
  summary: 'Page',
  description: 'The page number, from 0. To read further, follow next_page_uri rather than counting pages.',
  visibility: 'advanced',
  minimum: 0,
  default: 0,
};

const PAGE_TOKEN: ParameterSpec = {
  name: 'PageToken',
  in: 'query',
  type: 'string',
  summary: 'Page token',
  description: 'Opaque position issued in next_page_uri / previous_page_uri.',
  visibility: 'internal',
  maxLength: 256,
};

const COUNTRY: ParameterSpec = {
  name: 'IsoCountryCode',
  in: 'path',
  type: 'string',
  required: true,
  summary: 'Country code',
  description: 'ISO 3166-1 alpha-2 code of the country to search, e.g. US, GB, CA.',
  pattern: '^[A-Za-z]{2}$',
  example: 'US',
};

const AREA_CODE: ParameterSpec = {
  name: 'AreaCode',
  in: 'query',
  type: 'integer',
  summary: 'Area code',
  description: 'Only numbers in this area code (US and Canada only).',
  minimum: 200,
  maximum: 999,
};

const CONTAINS: ParameterSpec = {
  name: 'Contains',
  in: 'query',
  type: 'string',
  summary: 'Contains',
  description:
    'A pattern of 2 to 16 digits or letters the number must contain; * matches any one digit. Letters stand for keypad digits (e.g. STORM).',
  pattern: '^[0-9A-Za-z*%+$]{2,16}$',
};

const capability = (name: string, what: string): ParameterSpec => ({
  name,
  in: 'query',
  type: 'boolean',
  summary: `${what} enabled`,
  description: `Only numbers that can handle ${what}.`,
  visibility: 'advanced',
});

const CAPABILITIES = [
  capability('SmsEnabled', 'SMS'),
  capability('MmsEnabled', 'MMS'),
  capability('VoiceEnabled', 'voice'),
];

const LOCAL_ONLY: readonly ParameterSpec[] = [
  {
    name: 'NearNumber',
    in: 'query',
    type: 'string',
    summary: 'Near number',
    description: 'Only numbers geographically near this one (E.164, US and Canada).',
    pattern: E164,
  },
  {
    name: 'NearLatLong',
    in: 'query',
    type: 'string',
    summary: 'Near latitude,longitude',
    description: 'Only numbers near this point, written as latitude,longitude (e.g. 37.840575,-122.25645).',
    pattern: '^-?[0-9]{1,2}(\\.[0-9]+)?,-?[0-9]{1,3}(\\.[0-9]+)?$',
  },
  {
    name: 'InPostalCode',
    in: 'query',
    type: 'string',
    summary: 'Postal code',
    description: 'Only numbers in this postal code.',
    visibility: 'advanced',
    maxLength: 16,
  },
  {
    name: 'InRegion',
    in: 'query',
    type: 'string',
    summary: 'Region',
    description: 'Only numbers in this state or province (two-letter abbreviation in the US and Canada).',
    visibility: 'advanced',
    maxLength: 64,
  },
];

/** Errors every operation can answer with; each uses the one ErrorEnvelope. */
const ERRORS: Readonly<Record<string, ResponseSpec>> = {
  '400': {
    description: 'Bad request: a parameter or field is missing or invalid (the message names it).',
    model: 'ErrorEnvelope',
  },
  '401': {
    description: 'The connection’s Account SID / Auth Token are missing or were rejected.',
    model: 'ErrorEnvelope',
  },
  '429': {
    description: 'Too many requests; retry after the number of seconds in Retry-After.',
    model: 'ErrorEnvelope',
  },
  '502': { description: 'Twilio could not be reached or failed.', model: 'ErrorEnvelope' },
  '504': { description: 'Twilio did not answer in time.', model: 'ErrorEnvelope' },
  default: { description: 'The operation failed.', model: 'ErrorEnvelope' },
};

/**
 * SendMessage's retry-safety header (idempotency.ts). The runtime checks it in the handler, so the
 * route schemas leave headers alone; the definitions publish it for the designer and code generators.
 */
const IDEMPOTENCY_KEY_HEADER: ParameterSpec = {
  name: 'Idempotency-Key',
  in: 'header',
  type: 'string',
  summary: 'Idempotency key',
  description:
    'Makes the send safe to retry: for 24 hours the same key on the same connection returns the first answer instead of sending again, and reusing it with a different body is refused (422). 1 to 255 visible ASCII characters, e.g. the workflow run ID.',
  visibility: 'advanced',
  pattern: '^[!-~]{1,255}$',
  minLength: 1,
  maxLength: 255,
};

const IDEMPOTENCY_ERRORS: Readonly<Record<string, ResponseSpec>> = {
  '409': {
    description:
      'IDEMPOTENCY_IN_PROGRESS: a request with the same Idempotency-Key is still running; retry after Retry-After seconds.',
    model: 'ErrorEnvelope',
  },
  '422': {
    description: 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was already used with a different body.',
    model: 'ErrorEnvelope',
  },
};

const NOT_FOUND = (what: string): Readonly<Record<string, ResponseSpec>> => ({
  '404': { description: `${what} not found.`, model: 'ErrorEnvelope' },
});

const ok = (description: string, model: ModelName): Readonly<Record<string, ResponseSpec>> => ({
  '200': { description, model },
});

const usageFilters: readonly ParameterSpec[] = [
  {
    name: 'Category',
    in: 'query',
    type: 'string',
    summary: 'Category',
    description: 'Only this usage category, e.g. sms, sms-outbound, mms, phonenumbers, totalprice.',
    pattern: '^[a-z0-9-]{1,64}$',
  },
  {
    name: 'StartDate',
    in: 'query',
    type: 'string',
    summary: 'Start date',
    description: 'First day to include (YYYY-MM-DD, GMT) or an offset such as -30days.',
    pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2}|[+-][0-9]{1,4}days)$',
  },
  {
    name: 'EndDate',
    in: 'query',
    type: 'string',
    summary: 'End date',
    description: 'Last day to include (YYYY-MM-DD, GMT) or an offset such as +30days.',
    pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2}|[+-][0-9]{1,4}days)$',
  },
  PAGE_SIZE,
  PAGE,
  PAGE_TOKEN,
];

export const operations: readonly OperationSpec[] = [
  {
    operationId: 'SendMessage',
    method: 'post',
    path: '/Messages.json',
    summary: 'Send Text Message (SMS)',
    description: 'Sends a new SMS, MMS or WhatsApp message to a mobile number.',
    tags: ['Messages'],
    visibility: 'important',
    parameters: [IDEMPOTENCY_KEY_HEADER],
    body: {
      name: 'sendMessageRequest',
      model: 'SendMessageRequest',
      description: 'The message to send.',
      rules: SendMessageRules,
      example: { from: '+15005550006', to: '+14155552671', body: 'Hello from the connector' },
    },
    responses: {
      ...ok('The message was accepted by Twilio (status queued, or accepted for a Messaging Service).', 'Message'),
      ...IDEMPOTENCY_ERRORS,
      ...ERRORS,
    },
  },
  {
    operationId: 'GetMessage',
    method: 'get',
    path: '/Messages/{MessageId}.json',
    summary: 'Get Message',
    description: 'Returns the single message the given message ID identifies.',
    tags: ['Messages'],
    parameters: [
      {
        name: 'MessageId',
        in: 'path',
        type: 'string',
        required: true,
        summary: 'Message ID',
        description: 'The SID of the message (SM… or MM…).',
        pattern: sidPattern('(SM|MM)'),
      },
    ],
    responses: { ...ok('The message.', 'Message'), ...NOT_FOUND('Message'), ...ERRORS },
  },
  {
    operationId: 'ListMessages',
    method: 'get',
    path: '/Messages.json',
    summary: 'List Messages',
    description: 'Returns the messages of the account, newest first, one page at a time.',
    tags: ['Messages'],
    parameters: [
      {
        name: 'To',
        in: 'query',
        type: 'string',
        summary: 'To phone number',
        description: 'Only messages sent to this number.',
        maxLength: 64,
      },
      {
        name: 'From',
        in: 'query',
        type: 'string',
        summary: 'From phone number',
        description: 'Only messages sent from this number.',
        maxLength: 64,
      },
      {
        name: 'DateSent',
        in: 'query',
        type: 'string',
        summary: 'Date sent',
        description: 'Only messages sent on this day (YYYY-MM-DD, GMT), e.g. 2009-07-06.',
        pattern: DATE_OR_DATETIME,
      },
      {
        name: 'DateSent<',
        in: 'query',
        type: 'string',
        summary: 'Sent on or before',
        description:
          'Only messages sent on or before this day or time (the query key is DateSent<, written DateSent<=YYYY-MM-DD).',
        visibility: 'advanced',
        pattern: DATE_OR_DATETIME,
      },
      {
        name: 'DateSent>',
        in: 'query',
        type: 'string',
        summary: 'Sent on or after',
        description:
          'Only messages sent on or after this day or time (the query key is DateSent>, written DateSent>=YYYY-MM-DD).',
        visibility: 'advanced',
        pattern: DATE_OR_DATETIME,
      },
      PAGE_SIZE,
      PAGE,
      PAGE_TOKEN,
    ],
    responses: { ...ok('One page of messages.', 'MessageList'), ...ERRORS },
    pageable: { nextLinkName: 'next_page_uri' },
  },
  {
    operationId: 'ListIncomingPhoneNumbers',
    method: 'get',
    path: '/IncomingPhoneNumbers.json',
    summary: 'List Incoming Phone Numbers',
    description: 'Returns the phone numbers the account owns.',
    tags: ['Phone numbers'],
    parameters: [
      {
        name: 'PhoneNumber',
        in: 'query',
        type: 'string',
        summary: 'Phone number',
        description: 'Only numbers that contain these digits; * matches any one digit.',
        pattern: '^\\+?[0-9*]{1,16}$',
      },
      {
        name: 'FriendlyName',
        in: 'query',
        type: 'string',
        summary: 'Friendly name',
        description: 'Only numbers with exactly this friendly name.',
        maxLength: 64,
      },
      PAGE_SIZE,
      {
        name: 'Beta',
        in: 'query',
        type: 'boolean',
        summary: 'Include beta numbers',
        description: 'Whether to include numbers new to Twilio’s platform.',
        visibility: 'advanced',
        default: true,
      },
      PAGE,
      PAGE_TOKEN,
    ],
    responses: { ...ok('One page of the account’s numbers.', 'IncomingPhoneNumberList'), ...ERRORS },
    pageable: { nextLinkName: 'next_page_uri' },
  },
  {
    operationId: 'AddIncomingNumber',
    method: 'post',
    path: '/IncomingPhoneNumbers.json',
    summary: 'Add Incoming Number',
    description: 'Buys a phone number for the account (charged by Twilio).',
    tags: ['Phone numbers'],
    parameters: [],
    body: {
      name: 'addIncomingPhoneNumberRequest',
      model: 'AddIncomingPhoneNumberRequest',
      description: 'The number to buy.',
      rules: AddIncomingPhoneNumberRules,
      example: { PhoneNumber: '+15005550006', FriendlyName: 'Support line' },
    },
    responses: { ...ok('The number now belongs to the account.', 'IncomingPhoneNumber'), ...ERRORS },
  },
  {
    operationId: 'GetIncomingPhoneNumber',
    method: 'get',
    path: '/IncomingPhoneNumbers/{IncomingPhoneNumberSid}.json',
    summary: 'Get Incoming Phone Number',
    description: 'Returns one of the account’s phone numbers.',
    tags: ['Phone numbers'],
    parameters: [
      {
        name: 'IncomingPhoneNumberSid',
        in: 'path',
        type: 'string',
        required: true,
        summary: 'Phone number ID',
        description: 'The SID of the phone number (PN…).',
        pattern: sidPattern('PN'),
      },
    ],
    responses: { ...ok('The phone number.', 'IncomingPhoneNumber'), ...NOT_FOUND('Phone number'), ...ERRORS },
  },
  {
    operationId: 'GetAvailableLocalNumbers',
    method: 'get',
    path: '/AvailablePhoneNumbers/{IsoCountryCode}/Local.json',
    summary: 'Get Available Local Numbers',
    description: 'Lists local numbers that can be bought in a country.',
    tags: ['Available numbers'],
    parameters: [COUNTRY, AREA_CODE, CONTAINS, ...CAPABILITIES, ...LOCAL_ONLY, PAGE_SIZE],
    responses: { ...ok('Numbers available to buy.', 'AvailablePhoneNumbers'), ...NOT_FOUND('Country'), ...ERRORS },
  },
  {
    operationId: 'GetAvailableTollFreeNumbers',
    method: 'get',
    path: '/AvailablePhoneNumbers/{IsoCountryCode}/TollFree.json',
    summary: 'Get Available Toll Free Numbers',
    description: 'Lists toll-free numbers that can be bought in a country.',
    tags: ['Available numbers'],
    parameters: [COUNTRY, AREA_CODE, CONTAINS, PAGE_SIZE],
    responses: { ...ok('Numbers available to buy.', 'AvailablePhoneNumbers'), ...NOT_FOUND('Country'), ...ERRORS },
  },
  {
    operationId: 'GetAvailableMobileNumbers',
    method: 'get',
    path: '/AvailablePhoneNumbers/{IsoCountryCode}/Mobile.json',
    summary: 'Get Available Mobile Numbers',
    description: 'Lists mobile numbers that can be bought in a country.',
    tags: ['Available numbers'],
    parameters: [COUNTRY, AREA_CODE, CONTAINS, ...CAPABILITIES, PAGE_SIZE],
    responses: { ...ok('Numbers available to buy.', 'AvailablePhoneNumbers'), ...NOT_FOUND('Country'), ...ERRORS },
  },
  {
    operationId: 'ListUsage',
    method: 'get',
    path: '/Usage/Records.json',
    summary: 'List Usage',
    description:
      'Returns the account’s usage per category; SubResource splits it by day, month, year or a fixed period.',
    tags: ['Usage'],
    parameters: [
      usageFilters[0]!,
      {
        name: 'SubResource',
        in: 'query',
        type: 'string',
        summary: 'Period',
        description:
          'Daily, Monthly or Yearly give one record per period; Today, Yesterday, ThisMonth, LastMonth and AllTime one record for that period.',
        visibility: 'advanced',
        enum: USAGE_SUBRESOURCES,
      },
      ...usageFilters.slice(1),
    ],
    responses: { ...ok('One page of usage records.', 'UsageRecords'), ...ERRORS },
    pageable: { nextLinkName: 'next_page_uri' },
  },
  {
    operationId: 'ListUsageBySubResource',
    method: 'get',
    path: '/Usage/Records/{SubResource}.json',
    summary: 'List Usage by period',
    description: 'Usage records of one period kind (Daily, Monthly, …); ListUsage with SubResource does the same.',
    tags: ['Usage'],
    visibility: 'internal',
    parameters: [
      {
        name: 'SubResource',
        in: 'path',
        type: 'string',
        required: true,
        summary: 'Period',
        description: 'Daily, Monthly, Yearly, AllTime, Today, Yesterday, ThisMonth or LastMonth.',
        enum: USAGE_SUBRESOURCES,
      },
      ...usageFilters,
    ],
    responses: { ...ok('One page of usage records.', 'UsageRecords'), ...ERRORS },
    pageable: { nextLinkName: 'next_page_uri' },
  },
  {
    operationId: 'ListContentTemplates',
    method: 'get',
    path: '/ContentTemplates.json',
    summary: 'List Content Templates',
    description:
      'Returns the account’s Content templates with their WhatsApp approval status, newest first, one page at a time.',
    tags: ['Content templates'],
    parameters: [PAGE_SIZE, PAGE, PAGE_TOKEN],
    responses: { ...ok('One page of templates.', 'ContentTemplateList'), ...ERRORS },
    pageable: { nextLinkName: 'next_page_uri' },
  },
  {
    operationId: 'GetContentTemplateVariables',
    method: 'get',
    path: '/ContentTemplates/{ContentSid}/Variables.json',
    summary: 'Get the variables of a Content template',
    description:
      'The JSON schema of the content_variables a template takes (one named field per placeholder), which the designer shows once a template is picked.',
    tags: ['Content templates'],
    visibility: 'internal',
    parameters: [
      {
        name: 'ContentSid',
        in: 'path',
        type: 'string',
        required: true,
        summary: 'Template ID',
        description: 'The SID of the template (HX…).',
        pattern: sidPattern('HX'),
      },
    ],
    responses: {
      ...ok('The schema of the template’s variables.', 'ContentVariablesSchema'),
      ...NOT_FOUND('Template'),
      ...ERRORS,
    },
  },
];

const SUBSCRIPTION_CREATED: Readonly<Record<string, ResponseSpec>> = {
  '201': { description: 'Subscribed; the Location header is the subscription to DELETE.', model: 'Subscription' },
};

/**
 * The triggers of the public contract. They are published only when the runtime serves them
 * (`publishedOperations({ triggers: true })`), so an imported connector never offers a trigger
 * that answers 404.
 */
export const triggerOperations: readonly OperationSpec[] = [
  {
    operationId: 'OnMessageReceivedPoll',
    method: 'get',
    path: '/triggers/messages/received',
    summary: 'When a message is received (polling)',
    description:
      'Checks for messages that arrived at the account’s numbers since the last check. The position is kept in the Location URL, so the connector stores nothing.',
    tags: ['Triggers'],
    parameters: [
      {
        name: 'To',
        in: 'query',
        type: 'string',
        summary: 'To phone number',
        description: 'Only messages to this number of the account; empty for all numbers.',
        maxLength: 64,
        dynamicValues: {
          operationId: 'ListIncomingPhoneNumbers',
          'value-collection': 'incoming_phone_numbers',
          'value-path': 'phone_number',
          'value-title': 'friendly_name',
        },
      },
      {
        name: 'From',
        in: 'query',
        type: 'string',
        summary: 'From phone number',
        description: 'Only messages from this sender; empty for everyone.',
        visibility: 'advanced',
        maxLength: 64,
      },
      {
        name: 'Cursor',
        in: 'query',
        type: 'string',
        summary: 'Cursor',
        description: 'Position of the last message seen; the connector puts it in the Location URL.',
        visibility: 'internal',
        maxLength: 2048,
      },
    ],
    responses: {
      '200': { description: 'New messages.', model: 'MessageBatch' },
      '202': { description: 'Nothing new; check again after Retry-After seconds at the Location URL.' },
      ...ERRORS,
    },
    trigger: { kind: 'batch', mode: 'polling', hint: 'Text one of your Twilio numbers.' },
  },
  {
    operationId: 'OnMessageReceived',
    method: 'post',
    path: '/subscriptions/messages/received',
    summary: 'When a message is received',
    description:
      'Starts the flow as soon as one of the account’s numbers receives a message (webhook); mode event-streams leaves the number’s SmsUrl alone.',
    tags: ['Triggers'],
    parameters: [],
    body: { name: 'subscription', model: 'MessageReceivedSubscription', description: 'What to subscribe to.' },
    responses: { ...SUBSCRIPTION_CREATED, ...ERRORS },
    trigger: {
      kind: 'single',
      mode: 'webhook',
      hint: 'Text one of your Twilio numbers.',
      notificationModel: 'ReceivedMessage',
      notificationUrlProperty: 'callbackUrl',
    },
  },
  {
    operationId: 'OnMessageStatusChanged',
    method: 'post',
    path: '/subscriptions/messages/status',
    summary: 'When a message status changes',
    description:
      'Starts the flow when a message sent through the connector (or, with scope account, any message of the account) is sent, delivered, undelivered, failed or read.',
    tags: ['Triggers'],
    parameters: [],
    body: { name: 'subscription', model: 'MessageStatusSubscription', description: 'What to subscribe to.' },
    responses: { ...SUBSCRIPTION_CREATED, ...ERRORS },
    trigger: {
      kind: 'single',
      mode: 'webhook',
      hint: 'Send a message with this connector.',
      notificationModel: 'Message',
      notificationUrlProperty: 'callbackUrl',
    },
  },
  {
    operationId: 'OnOptOutChanged',
    method: 'post',
    path: '/subscriptions/messages/optout',
    summary: 'When a recipient opts out or back in',
    description:
      'Starts the flow when someone texts STOP, START or HELP (or a synonym such as UNSUBSCRIBE, YES or INFO) to one of the account’s numbers. After an opt-out Twilio refuses messages to them with error 21610 until they text START.',
    tags: ['Triggers'],
    parameters: [],
    body: { name: 'subscription', model: 'OptOutSubscription', description: 'What to subscribe to.' },
    responses: { ...SUBSCRIPTION_CREATED, ...ERRORS },
    trigger: {
      kind: 'single',
      mode: 'webhook',
      hint: 'Text STOP to one of your Twilio numbers.',
      notificationModel: 'OptOutEvent',
      notificationUrlProperty: 'callbackUrl',
    },
  },
  {
    operationId: 'DeleteSubscription',
    method: 'delete',
    path: '/subscriptions/{SubscriptionId}',
    summary: 'Delete a trigger subscription',
    description: 'Called by the workflow engine when a flow with a webhook trigger is turned off or deleted.',
    tags: ['Triggers'],
    visibility: 'internal',
    parameters: [
      {
        name: 'SubscriptionId',
        in: 'path',
        type: 'string',
        required: true,
        summary: 'Subscription ID',
        description: 'From the Location header of the subscription.',
        pattern: '^[A-Za-z0-9_-]{1,64}$',
      },
    ],
    // idempotent: a subscription that is already gone also answers 204
    responses: { '204': { description: 'Unsubscribed, or there was no such subscription.' }, ...ERRORS },
  },
];

/**
 * How Power Platform proves a new connection (`x-ms-capabilities.testConnection`): a GET that needs
 * the credentials and costs Twilio one small page.
 */
export const TEST_CONNECTION = { operationId: 'ListIncomingPhoneNumbers', parameters: { PageSize: 1 } } as const;

export interface PublishOptions {
  /** include the trigger operations (default false until the runtime serves them) */
  triggers?: boolean;
}

export function publishedOperations(opts: PublishOptions = {}): readonly OperationSpec[] {
  return opts.triggers === true ? [...operations, ...triggerOperations] : operations;
}

export function operationById(operationId: string): OperationSpec {
  const op = [...operations, ...triggerOperations].find((o) => o.operationId === operationId);
  if (op === undefined) throw new Error(`unknown connector operation "${operationId}"`);
  return op;
}
