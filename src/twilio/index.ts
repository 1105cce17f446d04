// Public entry of the typed Twilio client: the client, its errors, paging and webhook signatures.
export { TwilioClient, DEFAULT_BASE_URL, CONTENT_BASE_URL } from './client.js';
export type { Credentials, ClientOptions, RequestOptions, TwilioResponse } from './client.js';
export { TwilioApiError, NetworkError, TimeoutError, InvalidArgumentError } from './errors.js';
export type { Page } from './paging.js';
export { computeSignature, validateSignature, validateSignatureWithBody, bodySha256 } from './signature.js';
export type { SignedParams } from './signature.js';
export { defaultDispatcher } from './transport.js';
export { ConcurrencyLimiter } from './limiter.js';
export { isNotSent } from './retry.js';
export type { FormFields, FormValue, QueryFields } from './form.js';
export type { MessagesResource } from './resources/messages.js';
export type { IncomingPhoneNumbersResource } from './resources/incoming-phone-numbers.js';
export type { AvailablePhoneNumbersResource } from './resources/available-phone-numbers.js';
export type { UsageResource } from './resources/usage.js';
export type { ContentResource } from './resources/content.js';
export { eventStreamsResource } from './resources/event-streams.js';
export type {
  EventStreamsResource,
  EventSubscription,
  Sink,
  WebhookSinkConfiguration,
} from './resources/event-streams.js';
export type * from '../shared/wire/index.js';
export { measure } from './measure.js';
export type { Measurement, MeasureOptions } from './measure.js';
