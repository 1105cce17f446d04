// The connector's one error envelope and its catalog of stable codes. Every failure a caller can
// see is an ApiError with a code from ERROR_CATALOG; errors from the Twilio client are translated
// here so routes never decide statuses themselves. docs/errors.md lists the same catalog (a test
// keeps them in step).
import { ConnectorError } from '../shared/errors.js';

export const ERROR_CATALOG = {
  VALIDATION_FAILED: {
    status: 400,
    summary: 'A parameter or body field is missing or breaks a rule; the message names it.',
  },
  CALLBACK_URL_REFUSED: {
    status: 400,
    summary:
      'The callback URL breaks the outbound URL policy (credentials in it, or an address the connector does not call); the message names the rule.',
  },
  SUBSCRIPTION_LIMIT_REACHED: {
    status: 400,
    summary:
      'The account already has as many trigger subscriptions as the connector keeps per account (`--max-subscriptions`, 100 by default); delete unused ones first.',
  },
  BODY_INVALID: { status: 400, summary: 'The request body is not valid JSON (or form data) or is not an object.' },
  AUTH_MISSING: { status: 401, summary: 'No connection credentials: send HTTP Basic `AccountSid:AuthToken`.' },
  AUTH_INVALID: {
    status: 401,
    summary: 'The credentials are malformed: not Basic, not `AC…`/`SK…`, or an API key without `X-Twilio-Account-Sid`.',
  },
  API_KEY_INVALID: {
    status: 401,
    summary: 'This connector is protected by an API key and the request lacks the right one.',
  },
  TWILIO_AUTH_FAILED: { status: 401, summary: 'Twilio rejected the credentials (Twilio code 20003).' },
  TWILIO_FORBIDDEN: { status: 403, summary: 'Twilio refused access to the resource with these credentials.' },
  NOT_FOUND: { status: 404, summary: 'No such connector path, or Twilio has no such resource (Twilio code 20404).' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'The path exists but not for this HTTP method.' },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    summary: 'A request with the same Idempotency-Key is still running and did not finish in time; retry later.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is larger than the connector accepts (1 MiB).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'Send JSON (`application/json`) or form data.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    summary: 'The Idempotency-Key was already used with a different request body.',
  },
  THROTTLED: { status: 429, summary: 'Too many calls for this connection in the throttle window; see Retry-After.' },
  TWILIO_RATE_LIMITED: {
    status: 429,
    summary: 'Twilio answered 429 (for example 20429); it did not process the request.',
  },
  TWILIO_REJECTED: {
    status: 400,
    summary: 'Twilio refused the request; `status`, `twilio_code` and `more_info` are Twilio’s own.',
  },
  RECIPIENT_OPTED_OUT: {
    status: 400,
    summary:
      'The recipient opted out of this sender (they texted STOP or a synonym); Twilio refuses to message them (Twilio code 21610) until they text START.',
  },
  TWILIO_SERVER_ERROR: { status: 502, summary: 'Twilio answered with a 5xx error.' },
  UPSTREAM_UNREACHABLE: { status: 502, summary: 'Twilio (or the configured upstream) could not be reached.' },
  UPSTREAM_TIMEOUT: { status: 504, summary: 'Twilio did not answer within the upstream timeout.' },
  INTERNAL: { status: 500, summary: 'An unexpected error; the message is generic and details are only in the logs.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface ApiErrorExtra {
  status?: number;
  twilioCode?: number;
  moreInfo?: string;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error the connector reports to its caller, in the envelope below. */
export class ApiError extends ConnectorError {
  readonly twilioCode: number | undefined;
  readonly moreInfo: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, extra: ApiErrorExtra = {}) {
    super(code, message, { status: extra.status ?? ERROR_CATALOG[code].status, cause: extra.cause });
    this.name = 'ApiError';
    this.twilioCode = extra.twilioCode;
    this.moreInfo = extra.moreInfo;
    this.headers = extra.headers ?? {};
  }
}

export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    status: number;
    twilio_code?: number;
    more_info?: string;
    request_id: string;
  };
}

export function envelope(err: ApiError, requestId: string): ErrorEnvelope {
  return {
    error: {
      code: err.code,
      message: err.message,
      status: err.status,
      ...(err.twilioCode === undefined ? {} : { twilio_code: err.twilioCode }),
      ...(err.moreInfo === undefined ? {} : { more_info: err.moreInfo }),
      request_id: requestId,
    },
  };
}

export const validation = (message: string): ApiError => new ApiError('VALIDATION_FAILED', message);

export const AUTH_FAILED_MESSAGE =
  'Twilio did not accept this connection: the Auth Token is not the one of this Account SID (they must be a pair from the same account, or an API key SID and secret with X-Twilio-Account-Sid)';

/**
 * A Twilio 401 when the upstream is the sandbox `serve` embeds: its credentials are not on any
 * Twilio console page, so the message says where they are shown.
 */
export function withSandboxHint(err: ApiError, sandboxUrl: string | undefined): ApiError {
  if (sandboxUrl === undefined || err.code !== 'TWILIO_AUTH_FAILED') return err;
  return new ApiError(
    'TWILIO_AUTH_FAILED',
    `${err.message}. The embedded sandbox's Account SID and Auth Token are printed by \`twilio-connector serve\` when it starts and shown in the sandbox inbox at ${sandboxUrl}/ (Settings & credentials)`,
    {
      ...(err.twilioCode === undefined ? {} : { twilioCode: err.twilioCode }),
      ...(err.moreInfo === undefined ? {} : { moreInfo: err.moreInfo }),
      cause: err.cause,
    },
  );
}

interface ClientErrorShape {
  code: string;
  status: number;
  message: string;
  twilioCode?: unknown;
  moreInfo?: unknown;
  retryAfterMs?: unknown;
  twilioMessage?: unknown;
}

/**
 * Translates what the Twilio client throws (matched on its stable `code`, so duplicate package
 * copies still match) into the envelope. Anything unknown becomes INTERNAL with a generic message.
 */
export function fromUpstream(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (!ConnectorError.is(err)) return internal(err);
  const e = err as unknown as ClientErrorShape;
  if (e.code === 'TWILIO_UNREACHABLE') {
    return new ApiError('UPSTREAM_UNREACHABLE', 'Twilio could not be reached; try again later', { cause: err });
  }
  if (e.code === 'TWILIO_TIMEOUT') {
    return new ApiError('UPSTREAM_TIMEOUT', 'Twilio did not answer in time', { cause: err });
  }
  if (e.code !== 'TWILIO_API_ERROR') return internal(err);
  const twilioCode = typeof e.twilioCode === 'number' ? e.twilioCode : undefined;
  const moreInfo = typeof e.moreInfo === 'string' ? e.moreInfo : undefined;
  const extra = {
    ...(twilioCode === undefined ? {} : { twilioCode }),
    ...(moreInfo === undefined ? {} : { moreInfo }),
    cause: err,
  };
  const message = twilioMessage(typeof e.twilioMessage === 'string' ? e.twilioMessage : e.message);
  // Twilio's own text ("Authenticate", "invalid username") does not say what to fix
  if (e.status === 401) return new ApiError('TWILIO_AUTH_FAILED', AUTH_FAILED_MESSAGE, extra);
  if (e.status === 403) return new ApiError('TWILIO_FORBIDDEN', message, extra);
  if (e.status === 404) return new ApiError('NOT_FOUND', message, extra);
  if (e.status === 429) {
    const retryMs = typeof e.retryAfterMs === 'number' ? e.retryAfterMs : 1000;
    return new ApiError('TWILIO_RATE_LIMITED', message, {
      ...extra,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryMs / 1000))) },
    });
  }
  if (e.status >= 500) {
    return new ApiError('TWILIO_SERVER_ERROR', `Twilio answered ${e.status}: ${message}`, extra);
  }
  if (twilioCode === 21610) {
    // the one refusal a flow must handle case by case: say what happened, not Twilio's wording
    return new ApiError(
      'RECIPIENT_OPTED_OUT',
      'The recipient has opted out of messages from this sender (they texted STOP or a synonym); they must text START before you can message them again',
      { ...extra, status: 400 },
    );
  }
  return new ApiError('TWILIO_REJECTED', message, { ...extra, status: e.status >= 400 ? e.status : 400 });
}

/** Twilio names its own paths (`/2010-04-01/Accounts/AC…/Messages/SM….json`); callers know the connector's. */
function twilioMessage(message: string): string {
  return message.replace(/\/2010-04-01\/Accounts\/[A-Za-z0-9]+/g, '');
}

export function internal(cause: unknown): ApiError {
  return new ApiError('INTERNAL', 'An internal error occurred', { cause });
}
