// Twilio's published OpenAPI spec for the 2010 API, the oracle the sandbox's responses are checked
// against. A verbatim copy lives in test/fixtures/twilio-oai/ (SOURCE.md says which revision);
// TWILIO_OAI_SPEC points at another revision. Read once per test process.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_PATH = fileURLToPath(new URL('../fixtures/twilio-oai/twilio_api_v2010.json', import.meta.url));

export const TWILIO_SPEC_PATH = resolve(process.env['TWILIO_OAI_SPEC'] || DEFAULT_PATH);

export interface SpecSchema {
  properties: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface TwilioSpec {
  components: { schemas: Record<string, SpecSchema>; [key: string]: unknown };
  paths: Record<string, any>;
}

let loaded: TwilioSpec | undefined;

export function twilioSpec(): TwilioSpec {
  if (loaded) return loaded;
  if (!existsSync(TWILIO_SPEC_PATH)) {
    throw new Error(
      `Twilio's OpenAPI spec is missing at ${TWILIO_SPEC_PATH} (expected at ${DEFAULT_PATH}, or wherever TWILIO_OAI_SPEC names)`,
    );
  }
  loaded = JSON.parse(readFileSync(TWILIO_SPEC_PATH, 'utf8')) as TwilioSpec;
  return loaded;
}

/** The JSON schema of a path's 200 GET answer (a list envelope, for list paths). */
export function getResponseSchema(path: string): Record<string, unknown> {
  const schema = twilioSpec().paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema as
    Record<string, unknown> | undefined;
  if (!schema) throw new Error(`${path} has no 200 GET response schema in ${TWILIO_SPEC_PATH}`);
  return schema;
}
