// `twilio-connector serve`: until the connector lands, runs the sandbox.
import { runSandbox } from './sandbox.js';

export function runServe(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runSandbox(argv, env);
}
