// Twilio's REST error: the exact JSON/XML shape the 2010 API emits, with Twilio's numeric code.

export class TwilioRestError extends Error {
  readonly status: number;
  readonly twilioCode: number;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: number,
    message: string,
    extra: { detail?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'TwilioRestError';
    this.status = status;
    this.twilioCode = code;
    this.detail = extra.detail;
    this.headers = extra.headers ?? {};
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      code: this.twilioCode,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.twilioCode}`,
      status: this.status,
    };
    if (this.detail !== undefined) body['detail'] = this.detail;
    return body;
  }
}

export const notFound = (path: string): TwilioRestError =>
  new TwilioRestError(404, 20404, `The requested resource ${path} was not found`);

/** Twilio's generic "invalid parameter" error, naming the parameter. */
export const invalidParam = (message: string): TwilioRestError => new TwilioRestError(400, 20001, message);
