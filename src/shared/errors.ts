// One error base class for the whole package: a stable string `code` to match on, an HTTP-ish
// `status`, optional `details`, and a brand that survives duplicate copies of the package.

const BRAND = Symbol.for('twilio-connector.error');

export interface ErrorOptions {
  status?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static is(value: unknown): value is ConnectorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Bad configuration: flags, environment or files. `problems` lists every issue found at once. */
export class ConfigError extends ConnectorError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', problems.join('; '), { status: 400, details: { problems } });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isErrnoException(value: unknown): value is NodeJS.ErrnoException {
  return value instanceof Error && typeof (value as NodeJS.ErrnoException).code === 'string';
}
