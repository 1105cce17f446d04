// Twilio's Message resource as it travels on the wire (snake_case JSON), and the PascalCase form
// fields that create, list and update it. Shared by the client, the connector and the sandbox.

/** Every status Twilio gives a message: the one list of their names, imported wherever they are needed. */
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'accepted',
  'scheduled',
  'read',
  'partially_delivered',
  'canceled',
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound-api', 'outbound-call', 'outbound-reply'] as const;

export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export interface Message {
  sid: string;
  account_sid: string;
  api_version: string;
  body: string;
  /** RFC 2822 in GMT, e.g. `Thu, 24 Aug 2023 05:01:45 +0000` */
  date_created: string;
  date_updated: string;
  /** null until the message has left Twilio */
  date_sent: string | null;
  direction: MessageDirection;
  /** an integer, only for failed or undelivered messages */
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  to: string;
  messaging_service_sid: string | null;
  /** Twilio sends counts as strings */
  num_media: string;
  num_segments: string;
  /** negative decimal string such as `-0.00750`, or null until billed */
  price: string | null;
  price_unit: string | null;
  status: MessageStatus;
  subresource_uris: Record<string, string> | null;
  uri: string;
}

export interface MessageCreateParams {
  To: string;
  From?: string;
  MessagingServiceSid?: string;
  Body?: string;
  /** sent as repeated `MediaUrl` keys, up to 10 */
  MediaUrl?: readonly string[];
  ContentSid?: string;
  ContentVariables?: string;
  StatusCallback?: string;
  ApplicationSid?: string;
  /** obsolete at Twilio; still accepted */
  MaxPrice?: number | string;
  ProvideFeedback?: boolean;
  Attempt?: number;
  ValidityPeriod?: number;
  ForceDelivery?: boolean;
  ContentRetention?: 'retain' | 'discard';
  AddressRetention?: 'retain' | 'obfuscate';
  SmartEncoded?: boolean;
  PersistentAction?: readonly string[];
  ShortenUrls?: boolean;
  ScheduleType?: 'fixed';
  /** ISO 8601, e.g. `2030-01-01T00:00:00Z` */
  SendAt?: string;
  SendAsMms?: boolean;
  RiskCheck?: 'enable' | 'disable';
  FallbackFrom?: string;
}

export interface PagingParams {
  /** 1–1000, Twilio's default is 50 */
  PageSize?: number;
  Page?: number;
  PageToken?: string;
}

export interface MessageListParams extends PagingParams {
  To?: string;
  From?: string;
  /** `YYYY-MM-DD` (GMT day) or an ISO instant */
  DateSent?: string;
  /** on or before: sent as the key `DateSent<` */
  DateSentBefore?: string;
  /** on or after: sent as the key `DateSent>` */
  DateSentAfter?: string;
}

/** Either redact (`Body: ''`) or cancel a scheduled message (`Status: 'canceled'`). */
export interface MessageUpdateParams {
  Body?: string;
  Status?: 'canceled';
}
