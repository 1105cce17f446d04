// The client's errors. Each has a stable `code` to match on. Messages name the method and URL (never
// the credentials) so a log line alone says what failed.
import { ConnectorError } from '../shared/errors.js';

export interface RequestInfo {
  method: string;
  /** the URL requested, without credentials */
  url: string;
}

export interface TwilioApiErrorInit extends RequestInfo {
  status: number;
  twilioCode: number | undefined;
  twilioMessage: string;
  moreInfo: string | undefined;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
  body: unknown;
}

/** Twilio answered with an error status (or with something that is not Twilio JSON). */
export class TwilioApiError extends ConnectorError {
  /** HTTP status Twilio answered with */
  override readonly status: number;
  /** Twilio's numeric error code (`20404`, `21211`…), when the body carried one */
  readonly twilioCode: number | undefined;
  readonly twilioMessage: string;
  readonly moreInfo: string | undefined;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;
  /** from `Retry-After`, when Twilio sent one */
  readonly retryAfterMs: number | undefined;
  /** the parsed error body (or its text when it was not JSON) */
  readonly body: unknown;

  constructor(init: TwilioApiErrorInit) {
    const code = init.twilioCode === undefined ? '' : ` (code ${init.twilioCode})`;
    super(
      'TWILIO_API_ERROR',
      `Twilio ${init.method} ${init.url} failed with ${init.status}${code}: ${init.twilioMessage}`,
      {
        status: init.status,
        details: {
          twilioCode: init.twilioCode,
          moreInfo: init.moreInfo,
          requestId: init.requestId,
          method: init.method,
          url: init.url,
        },
      },
    );
    this.name = 'TwilioApiError';
    this.status = init.status;
    this.twilioCode = init.twilioCode;
    this.twilioMessage = init.twilioMessage;
    this.moreInfo = init.moreInfo;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body;
  }
}

/** Twilio could not be reached: refused, DNS failure, reset or closed before a response arrived. */
export class NetworkError extends ConnectorError {
  readonly method: string;
  readonly url: string;
  /** the socket-level code, e.g. `ECONNREFUSED` */
  readonly errno: string | undefined;

  constructor(info: RequestInfo, errno: string | undefined, cause: unknown) {
    super(
      'TWILIO_UNREACHABLE',
      `Twilio ${info.method} ${info.url} could not be completed: ${errno ?? 'network error'}`,
      {
        status: 502,
        cause,
        details: { method: info.method, url: info.url, errno },
      },
    );
    this.name = 'NetworkError';
    this.method = info.method;
    this.url = info.url;
    this.errno = errno;
  }
}

/** One attempt took longer than `timeoutMs`. */
export class TimeoutError extends ConnectorError {
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;

  constructor(info: RequestInfo, timeoutMs: number) {
    super('TWILIO_TIMEOUT', `Twilio ${info.method} ${info.url} timed out after ${timeoutMs} ms`, {
      status: 504,
      details: { method: info.method, url: info.url, timeoutMs },
    });
    this.name = 'TimeoutError';
    this.method = info.method;
    this.url = info.url;
    this.timeoutMs = timeoutMs;
  }
}

const MAX_TEXT = 200;

/** Builds the error for a non-2xx answer from whatever body came back. */
export function apiErrorFrom(
  info: RequestInfo,
  status: number,
  body: unknown,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): TwilioApiError {
  let twilioCode: number | undefined;
  let message: string | undefined;
  let moreInfo: string | undefined;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b['code'] === 'number' && Number.isInteger(b['code'])) twilioCode = b['code'];
    if (typeof b['message'] === 'string') message = b['message'];
    if (typeof b['more_info'] === 'string') moreInfo = b['more_info'];
  } else if (typeof body === 'string' && body.trim() !== '') {
    const text = body.trim().replace(/\s+/g, ' ');
    message = `non-JSON response: ${text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text}`;
  }
  return new TwilioApiError({
    ...info,
    status,
    twilioCode,
    twilioMessage: message ?? `HTTP ${status}`,
    moreInfo,
    requestId,
    retryAfterMs,
    body,
  });
}

/** The caller passed something the client cannot send (a bad SID, country or base URL). */
export class InvalidArgumentError extends ConnectorError {
  constructor(message: string) {
    super('TWILIO_INVALID_ARGUMENT', message, { status: 400 });
    this.name = 'InvalidArgumentError';
  }
}
