// `twilio-connector definition`: placeholder until the connector definitions land.
export function runDefinition(_argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  process.stderr.write('twilio-connector definition: not available yet\n');
  return Promise.resolve(1);
}
