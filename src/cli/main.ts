#!/usr/bin/env node
// The `twilio-connector` command: the only code that reads argv and the environment.
import { ConfigError } from '../shared/errors.js';
import { runSandbox } from './sandbox.js';
import { runServe } from './serve.js';
import { runDefinition } from './definition.js';

const USAGE = `Usage: twilio-connector <command> [options]

Commands:
  serve        Run the connector (with an embedded sandbox when no Twilio credentials are set)
  sandbox      Run the Twilio-compatible sandbox alone
  definition   Write the Power Platform custom-connector files and openapi.json

Run "twilio-connector <command> --help" for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = process.env;
  switch (command) {
    case 'serve':
      return runServe(rest, env);
    case 'sandbox':
      return runSandbox(rest, env);
    case 'definition':
      return runDefinition(rest, env);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`twilio-connector: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`twilio-connector: ${err.problems.join('; ')}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`twilio-connector: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
