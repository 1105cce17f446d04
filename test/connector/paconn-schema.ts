// Power Platform's own connector definition schema (draft-04, JSON with comments), a verbatim copy in
// test/fixtures/power-platform/, as a validator for the Swagger documents the connector writes.
import { readFileSync } from 'node:fs';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

const SCHEMA_URL = new URL('../fixtures/power-platform/paconn-apiDefinition.swagger.schema.jsonc', import.meta.url);

export interface PaconnValidator {
  (doc: unknown): boolean;
  errorsOf(): unknown[] | null | undefined;
}

export function paconnValidator(): PaconnValidator {
  const text = readFileSync(SCHEMA_URL, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  // CommonJS packages: their `default` export is the class / plugin under NodeNext resolution
  const ajv = new ajvDraft04.default({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  const check = ajv.compile(JSON.parse(text));
  const validate = (doc: unknown): boolean => check(doc);
  return Object.assign(validate, { errorsOf: () => check.errors });
}
