// A port that cannot be bound is a configuration problem the user fixes with a flag: this names the
// port, the flag and variable that change it, and the likely cause, as the one line the CLI prints
// for a ConfigError, instead of Node's EADDRINUSE stack.
import { ConfigError } from '../shared/errors.js';

export interface PortSetting {
  what: string;
  host: string;
  port: number;
  /** how to change it: the flag and the environment variable */
  flag: string;
  env: string;
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** The error to report for a failed listen: a ConfigError for the causes a user can fix, else `err`. */
export function explainListenError(err: unknown, s: PortSetting): unknown {
  const change = `choose another with ${s.flag} or ${s.env}`;
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new ConfigError([
        `${s.what} port ${s.port} on ${s.host} is already in use (another twilio-connector may be running); ${change}`,
      ]);
    case 'EACCES':
      return new ConfigError([
        `${s.what} may not listen on port ${s.port} on ${s.host} (permission denied); ${change}`,
      ]);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError([`${s.what} cannot listen on ${s.host}: no such local address`]);
    default:
      return err;
  }
}
